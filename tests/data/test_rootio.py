"""ROOT writing and reading: round trip, schema checks, atomicity."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.data.errors import CorruptDatasetError, SchemaError
from hepml_course.data.rootio import atomic_path, read_tree, write_trees
from tests import toy_dataset


def _chunks(n_chunks: int = 3):
    plan = toy_dataset.plan(10 * n_chunks, seed=5)
    return [toy_dataset.run_shard(s) for s in plan]


def test_round_trip_keeps_values_types_and_shapes(tmp_path):
    chunks = _chunks()
    path = tmp_path / "toy.root"
    entries = write_trees(path, toy_dataset.TREES, chunks)
    assert entries == {"events": 30, "meta": 3}
    events = read_tree(path, "events", toy_dataset.TREES["events"], "regen")
    assert events.fields == ["x", "img", "Obj"]
    expected_x = np.concatenate([c["events"]["x"] for c in chunks])
    np.testing.assert_array_equal(ak.to_numpy(events.x), expected_x)
    assert ak.to_numpy(events.img).shape == (30, 2, 3)
    assert str(events.img.type.content) == "2 * 3 * float32"
    expected_pt = ak.concatenate([c["events"]["Obj_pt"] for c in chunks])
    assert ak.all(ak.num(events.Obj.pt) == ak.num(expected_pt))
    np.testing.assert_allclose(
        ak.to_numpy(ak.flatten(events.Obj.pt)), ak.to_numpy(ak.flatten(expected_pt)), rtol=1e-6
    )


def test_wrong_branches_from_a_generator_are_a_schema_error(tmp_path):
    chunk = _chunks(1)[0]
    chunk["events"]["unexpected"] = chunk["events"].pop("x")
    with pytest.raises(SchemaError, match=r"missing \['x'\], unexpected \['unexpected'\]"):
        write_trees(tmp_path / "bad.root", toy_dataset.TREES, [chunk])
    assert list(tmp_path.iterdir()) == []


def test_wrong_shape_is_a_schema_error(tmp_path):
    chunk = _chunks(1)[0]
    chunk["events"]["img"] = np.zeros((10, 3, 2))
    with pytest.raises(SchemaError, match=r"per-entry shape \(2, 3\)"):
        write_trees(tmp_path / "bad.root", toy_dataset.TREES, [chunk])


def test_failure_midway_leaves_no_file(tmp_path):
    good = _chunks(2)

    def chunks():
        yield good[0]
        yield good[1]
        raise RuntimeError("generator died")

    target = tmp_path / "toy.root"
    with pytest.raises(RuntimeError, match="generator died"):
        write_trees(target, toy_dataset.TREES, chunks())
    assert list(tmp_path.iterdir()) == [], "no half-written or temporary file may remain"


def test_existing_file_survives_a_failed_rewrite(tmp_path):
    target = tmp_path / "toy.root"
    write_trees(target, toy_dataset.TREES, _chunks(1))
    before = target.read_bytes()

    def broken():
        raise KeyboardInterrupt
        yield  # pragma: no cover

    with pytest.raises(KeyboardInterrupt):
        write_trees(target, toy_dataset.TREES, broken())
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.root"]


def test_atomic_path_gives_normal_permissions(tmp_path):
    target = tmp_path / "f.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("x")
    assert target.stat().st_mode & 0o044 == 0o044


def test_garbage_file_is_reported_as_corrupt(tmp_path):
    path = tmp_path / "garbage.root"
    path.write_bytes(b"this is not a ROOT file" * 100)
    with pytest.raises(CorruptDatasetError, match="not a readable ROOT file"):
        read_tree(path, "events", toy_dataset.TREES["events"], "REGEN-CMD")


def test_truncated_file_is_reported_as_corrupt(tmp_path):
    path = tmp_path / "toy.root"
    write_trees(path, toy_dataset.TREES, _chunks(3))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptDatasetError, match="REGEN-CMD"):
        read_tree(path, "events", toy_dataset.TREES["events"], "REGEN-CMD")
