"""The tracking dataset: plan, CSV → columns conversion, shipped sample, ACTS regeneration."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from hepml_course import data
from hepml_course.data.acts_sim import convert_event, decode_geometry_id
from hepml_course.data.datasets import tracking

HAS_ACTS = importlib.util.find_spec("acts") is not None


def test_plan_main_then_scaling_events():
    shards = tracking.plan(36, 1)
    sizes = [s.params["n_particles"] for s in shards for _ in range(s.n_events)]
    assert sizes[:32] == [1000] * 32
    assert sizes[32:] == list(tracking.SCALING_MULTIPLICITIES)
    assert [s.seed for s in shards] == [s.seed for s in tracking.plan(36, 1)]
    assert all(s.params["n_particles"] == 1000 for s in tracking.plan(5, 1))


def _geo(volume, layer):
    return (np.uint64(volume) << np.uint64(56)) | (np.uint64(layer) << np.uint64(36))


def test_decode_geometry_id():
    vol, lay = decode_geometry_id(np.array([_geo(8, 4), _geo(13, 8) + np.uint64(12345)]))
    assert vol.tolist() == [8, 13] and lay.tolist() == [4, 8]


def test_convert_event_keeps_barrel_and_links_particles():
    barcode = {k: np.array([1, 1]) for k in ("particle_id_pv",)}
    barcode |= {"particle_id_sv": np.zeros(2, int), "particle_id_gen": np.zeros(2, int)}
    barcode |= {"particle_id_part": np.array([1, 2]), "particle_id_subpart": np.zeros(2, int)}
    particles = barcode | {
        "px": np.array([3.0, 0.0]),
        "py": np.array([4.0, 1.0]),
        "pz": np.array([0.0, 1.0]),
        "vx": np.zeros(2),
        "vy": np.zeros(2),
        "vz": np.array([1.0, -2.0]),
        "q": np.array([1.0, -1.0]),
        "particle_type": np.array([211, -211]),
    }
    # three hits: particle 2 on pixel layer 0, particle 1 on short-strip layer 4, one endcap hit
    hits = {
        "particle_id_pv": np.ones(3, int),
        "particle_id_sv": np.zeros(3, int),
        "particle_id_part": np.array([1, 2, 1]),
        "particle_id_gen": np.zeros(3, int),
        "particle_id_subpart": np.zeros(3, int),
        "geometry_id": np.array([_geo(13, 2), _geo(8, 2), _geo(9, 2)], dtype=np.uint64),
        "tx": np.array([260.0, 32.0, 100.0]),
        "ty": np.zeros(3),
        "tz": np.array([0.0, 5.0, 600.0]),
    }
    out = convert_event(hits, particles)
    assert out["hit_volume"].tolist() == [8, 13]  # sorted inside → out, endcap dropped
    assert out["hit_particle"].tolist() == [1, 0]
    assert out["particle_pt"].tolist() == pytest.approx([5.0, 1.0])
    assert out["particle_eta"][1] == pytest.approx(np.arcsinh(1.0))
    assert out["particle_nhits"].tolist() == [1, 1]


def test_shipped_sample_content():
    events = data.load("tracking")
    assert len(events) == 36
    assert events.multiplicity.tolist()[-4:] == list(tracking.SCALING_MULTIPLICITIES)
    hit = events.Hit
    assert set(np.unique(np.asarray(hit.volume[0]))) == {8, 13}
    # every hit belongs to a known particle; nhits agrees with the hits
    first = events[0]
    p = np.asarray(first.Hit.particle)
    assert p.min() >= 0 and p.max() < len(first.Particle)
    assert np.array_equal(
        np.bincount(p, minlength=len(first.Particle)), np.asarray(first.Particle.nhits)
    )
    pt = np.asarray(first.Particle.pt)
    assert 0.49 < pt.min() and pt.max() < 20.01
    assert np.abs(np.asarray(first.Particle.eta)).max() < 1.5


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ACTS, reason="pyacts not installed: pip install -e '.[tracking-gen]'")
def test_acts_regeneration_is_reproducible(tmp_path):
    a = data.generate("tracking", 2, 7, out=tmp_path / "a.root", progress=False)
    b = data.generate("tracking", 2, 7, out=tmp_path / "b.root", progress=False)
    ea, eb = data.load("tracking", path=a), data.load("tracking", path=b)
    assert len(ea) == 2
    assert np.array_equal(np.asarray(ea.Hit.x[0]), np.asarray(eb.Hit.x[0]))
    assert 5000 < len(ea.Hit.x[0]) < 15000


def test_missing_acts_is_a_clear_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_acts(name, *args, **kwargs):
        if name == "acts" or name.startswith("acts."):
            raise ImportError("No module named 'acts'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_acts)
    from hepml_course.data.acts_sim import GunConfig, simulate_events
    from hepml_course.data.errors import GenerationError

    with pytest.raises(GenerationError, match="tracking-gen"):
        simulate_events(1, 1, GunConfig())
