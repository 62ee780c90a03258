"""The module map: learned connections, bounded candidates, persistence and bad input."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from hepml_course.tracking.graph import (
    GeometricCuts,
    build_graph,
    build_graph_module_map,
    true_segments,
)
from hepml_course.tracking.module_map import ModuleMap, ModuleMapError

from .helpers import helix_event


@pytest.fixture(scope="module")
def train():
    return [helix_event(400, seed=s) for s in range(8)]


@pytest.fixture(scope="module")
def module_map(train):
    return ModuleMap.fit(train, n_phi=64, n_z=12, pt_min_gev=0.5)


def _keys(hits, senders, receivers):
    return senders * len(hits) + receivers


def test_map_covers_true_segments_of_new_events(module_map):
    hits = helix_event(400, seed=100)
    assert module_map.coverage(hits, pt_min_gev=1.0) > 0.995
    s, r = module_map.candidates(hits)
    ts, tr = true_segments(hits, 1.0)
    found = np.isin(_keys(hits, ts, tr), _keys(hits, s, r))
    assert found.mean() > 0.995
    # candidates join adjacent layers only, inner → outer
    assert np.all(hits.layer[r] == hits.layer[s] + 1)


def test_connections_follow_the_physics(module_map):
    # helices above 0.5 GeV bend by < 0.1 rad between layers: φ offsets of at most one
    # sector of 2π/64 ≈ 0.1 rad; the map is symmetric in φ, so offsets are stored signed
    assert set(np.unique(module_map.connections[:, 3])) <= {-2, -1, 0, 1, 2}
    assert module_map.connections[:, 0].max() == 6  # pairs start on layers 0…6
    assert 0 < module_map.n_segments
    # straight lines from a ±150 mm luminous region: an inner z sector never reaches all
    # outer z sectors
    per_inner = {}
    for lay, k_in, k_out, _ in module_map.connections:
        per_inner.setdefault((lay, k_in), set()).add(k_out)
    assert max(len(v) for v in per_inner.values()) < module_map.n_z


def test_module_map_graph_examines_fewer_pairs_for_the_same_edges(module_map):
    hits = helix_event(800, seed=101)
    cuts = GeometricCuts(phi_slope_max=6e-4, z0_max=200.0)
    window = build_graph(hits, cuts)
    mapped = build_graph_module_map(hits, cuts, module_map)
    s, _ = module_map.candidates(hits)
    ts, tr = true_segments(hits, 1.0)
    assert np.isin(_keys(hits, ts, tr), _keys(hits, mapped.senders, mapped.receivers)).mean() > 0.99
    # every mapped edge is also a φ-window edge (same cuts)
    assert np.isin(
        _keys(hits, mapped.senders, mapped.receivers), _keys(hits, window.senders, window.receivers)
    ).all()
    assert len(s) < 20 * len(hits)


def test_hits_in_unmapped_modules_get_no_candidates(module_map):
    hits = helix_event(50, seed=5)
    empty = dataclasses.replace(module_map, connections=module_map.connections[:0])
    s, r = empty.candidates(hits)
    assert len(s) == len(r) == 0
    only_first = dataclasses.replace(
        module_map, connections=module_map.connections[module_map.connections[:, 0] == 0]
    )
    s, _ = only_first.candidates(hits)
    assert len(s) > 0 and np.all(hits.layer[s] == 0)


def test_save_load_round_trip(module_map, tmp_path):
    path = module_map.save(tmp_path / "map.json")
    again = ModuleMap.load(path)
    np.testing.assert_array_equal(again.connections, module_map.connections)
    np.testing.assert_allclose(again.z_half_mm, module_map.z_half_mm)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        module_map.save(path)
    assert module_map.save(path, overwrite=True) == path
    assert [p.name for p in tmp_path.iterdir()] == ["map.json"]  # no temporary left


def test_missing_corrupt_and_foreign_files_are_clear_errors(module_map, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"ModuleMap\.fit"):
        ModuleMap.load(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{broken")
    with pytest.raises(ModuleMapError, match="invalid JSON"):
        ModuleMap.load(bad)
    bad.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ModuleMapError, match="not a module map"):
        ModuleMap.load(bad)
    state = module_map.to_dict()
    state["z_half_mm"] = state["z_half_mm"][:5]
    state["radius_mm"] = state["radius_mm"][:5]
    with pytest.raises(ModuleMapError, match="another geometry"):
        ModuleMap.from_dict(state)
    state = module_map.to_dict()
    state["connections"][0][1] = 999
    with pytest.raises(ModuleMapError, match="out of range"):
        ModuleMap.from_dict(state)
    del state["n_phi"]
    with pytest.raises(ModuleMapError, match="corrupt"):
        ModuleMap.from_dict(state)


def test_hits_outside_the_geometry_are_refused(module_map):
    hits = helix_event(50, seed=6)
    far = dataclasses.replace(hits, z=hits.z * 0 + 3 * module_map.z_half_mm.max())
    with pytest.raises(ModuleMapError, match="outside the module map"):
        module_map.candidates(far)
    moved = dataclasses.replace(hits, x=hits.x * 1.5, y=hits.y * 1.5)
    with pytest.raises(ModuleMapError, match="another geometry"):
        module_map.check_geometry(moved)
    module_map.check_geometry(helix_event(400, seed=7))  # same detector: no error


def test_fit_needs_segments_and_sane_sectors(train):
    no_truth = dataclasses.replace(train[0], particle=train[0].particle * 0 - 1)
    with pytest.raises(ModuleMapError, match="no true segment"):
        ModuleMap.fit([no_truth])
    with pytest.raises(ModuleMapError, match="at least one training event"):
        ModuleMap.fit([])
    with pytest.raises(ModuleMapError, match="n_phi >= 4"):
        ModuleMap.fit(train, n_phi=2)
