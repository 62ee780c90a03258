"""The tracking dataset: plan, CSV → columns conversion, shipped sample, ACTS regeneration."""

from __future__ import annotations

import importlib.util

import awkward as ak
import numpy as np
import pytest

from hepml_course import data
from hepml_course.cli import main
from hepml_course.data import registry
from hepml_course.data.acts_sim import convert_event, decode_geometry_id
from hepml_course.data.datasets import tracking

HAS_ACTS = importlib.util.find_spec("acts") is not None


def _sizes(shards):
    """Pions of every event of a plan, in event order."""
    return [s.params["n_particles"] for s in shards for _ in range(s.n_events)]


#: Shard seeds of the shipped version-1 file (36 events, seed 20261130): frozen here so
#: that version 2 provably keeps events 0–35.
V1_SHIPPED_SEEDS = [419202436, 125077716, 640763153, 169541515, 498613533, 88856242, 7933893]
V1_SHIPPED_SEEDS += [388129291]


def test_plan_v2_layout():
    shards = tracking.plan(49, 1)
    assert tracking.SPEC.default_events == 49 and tracking.SPEC.version == "2"
    mixture = [m for m in tracking.MIXTURE_MULTIPLICITIES for _ in range(3)]
    assert _sizes(shards) == [1000] * 32 + [250, 500, 2000, 4000] + mixture + [10000]
    assert tracking.MIXTURE_MULTIPLICITIES == (250, 500, 2000, 5000)
    assert (tracking.MIXTURE_EVENTS_EACH, tracking.DENSE_MULTIPLICITY) == (3, 10000)
    # one shard per mixture multiplicity and one for the dense event, indices run on
    assert [s.n_events for s in shards] == [8, 8, 8, 8, 1, 1, 1, 1, 3, 3, 3, 3, 1]
    assert [s.index for s in shards] == list(range(13))
    assert len({s.seed for s in shards}) == 13
    assert tracking.plan(49, 1) == shards
    # larger runs grow the main block and keep the tail
    assert _sizes(tracking.plan(60, 1)) == [1000] * 43 + _sizes(shards)[32:]


def test_plan_v2_keeps_v1_events():
    spec = tracking.SPEC
    v2 = tracking.plan(spec.default_events, spec.default_seed)
    assert [s.seed for s in v2[:8]] == V1_SHIPPED_SEEDS
    assert [(s.index, s.n_events) for s in v2[:8]] == [(i, 8) for i in range(4)] + [
        (i, 1) for i in range(4, 8)
    ]
    # below 49 events the version-1 plan is unchanged, below 8 all events are main
    assert tracking.plan(36, spec.default_seed) == v2[:8]
    assert _sizes(tracking.plan(48, 1)) == [1000] * 44 + [250, 500, 2000, 4000]
    assert _sizes(tracking.plan(7, 1)) == [1000] * 7


@pytest.mark.parametrize(("particles", "per_shard"), [(25, 320), (1000, 8), (3000, 2), (10000, 1)])
def test_plan_with_particles(particles, per_shard):
    shards = tracking.plan(5, 3, particles=particles)
    assert _sizes(shards) == [particles] * 5
    assert shards[0].n_events == min(5, per_shard)
    assert shards == tracking.plan(5, 3, particles=np.int64(particles))


def test_particles_runs_share_no_seed_with_the_shipped_plan():
    spec = tracking.SPEC
    shipped = {s.seed for s in tracking.plan(spec.default_events, spec.default_seed)}
    dense = tracking.plan(8, spec.default_seed, particles=1000)
    assert not shipped & {s.seed for s in dense}
    other = tracking.plan(8, spec.default_seed, particles=1025)
    assert not {s.seed for s in other} & {s.seed for s in dense}
    assert tracking.particles_run_seed(5, 1000) == tracking.particles_run_seed(5, 1000)


@pytest.mark.parametrize(
    ("particles", "message"),
    [
        (True, "must be an integer"),
        (50.0, "must be an integer"),
        ("50", "must be an integer"),
        (0, "between 25 and 100,000"),
        (-25, "between 25 and 100,000"),
        (100_025, "between 25 and 100,000"),
        (60, "multiple of 25.*use 50 or 75"),
    ],
)
def test_bad_particles_are_refused(particles, message):
    with pytest.raises(ValueError, match=message):
        tracking.plan(3, 1, particles=particles)


def test_too_many_pions_per_run_are_refused():
    assert len(tracking.plan(1000, 1, particles=100_000)) == 1000
    with pytest.raises(ValueError, match=r"above the limit of 100,000,000 pions.*at most 1000"):
        tracking.plan(1001, 1, particles=100_000)


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
    assert len(events) == 49
    assert events.multiplicity.tolist() == _sizes(tracking.plan(49, 1))
    assert events.n_vertices.tolist()[-1] == 400  # 10,000 pions from 25-pion vertices
    # hits grow with the pions (≈ 9.7 barrel hits per pion)
    per_pion = np.asarray(ak.num(events.Hit.x)) / np.asarray(events.multiplicity)
    assert 9.0 < per_pion.min() and per_pion.max() < 10.5
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


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ACTS, reason="pyacts not installed: pip install -e '.[tracking-gen]'")
def test_mixture_shard_regenerates_the_shipped_events():
    spec = tracking.SPEC
    shard = tracking.plan(spec.default_events, spec.default_seed)[8]  # 3 events, 250 pions
    out = tracking.run_shard(shard)["events"]
    shipped = data.load("tracking", entry_start=36, entry_stop=39)
    assert shipped.multiplicity.tolist() == [250] * 3
    np.testing.assert_array_equal(
        ak.to_numpy(ak.flatten(shipped.Hit.x)), ak.to_numpy(ak.flatten(out["Hit_x"])).astype("f4")
    )


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ACTS, reason="pyacts not installed: pip install -e '.[tracking-gen]'")
def test_particles_run_is_the_same_whatever_the_workers(tmp_path):
    # 3 events × 3000 pions: two shards (2 + 1 events), so 2 workers really split the run
    runs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.root"
        args = ["--events", "3", "--particles", "3000", "--seed", "11", "--out", str(out)]
        assert (
            main(["data", "generate", "tracking", "--quiet", "--workers", str(workers), *args]) == 0
        )
        runs[workers] = data.load("tracking", path=out)
    one, two = runs[1], runs[2]
    assert one.multiplicity.tolist() == [3000] * 3
    for coll, field in [("Hit", "x"), ("Hit", "z"), ("Hit", "particle"), ("Particle", "vz")]:
        a, b = one[coll][field], two[coll][field]
        assert ak.num(a).tolist() == ak.num(b).tolist()
        np.testing.assert_array_equal(ak.to_numpy(ak.flatten(a)), ak.to_numpy(ak.flatten(b)))
    assert 25_000 < len(one.Hit.x[0]) < 35_000
    record = registry.read_sidecar(tmp_path / "w2.root")
    assert record["options"] == {"particles": 3000} and record["n_shards"] == 2


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
