"""The ``eventshapes`` dataset: seeds, shards, a small generation, the shipped file's physics."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
import uproot

from hepml_course import data
from hepml_course.data import registry
from hepml_course.data.datasets import eventshapes as es
from hepml_course.data.event_shapes import SHAPE_NAMES
from hepml_course.data.generate import generate_spec
from hepml_course.data.spec import MAX_SEED, Shard
from hepml_course.sim.ee_detector import MIN_CHARGED_TRACKS

pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")


V1_OBSERVABLES = (
    "one_minus_thrust",
    "c_parameter",
    "heavy_jet_mass",
    "b_total",
    "b_wide",
    "y23",
    "sphericity",
    "n_charged",
)
V2_ADDED = (
    "n_neutral",
    "xi_mean",
    "y34",
    "y45",
    "d_parameter",
    "aplanarity",
    "light_jet_mass",
    "b_narrow",
    "thrust_major",
    "thrust_minor",
)


def test_schema_and_constants():
    spec = registry.get("eventshapes")
    assert list(spec.trees) == ["grid", "reference", "pseudo_data"]
    assert es.OBSERVABLES == SHAPE_NAMES
    # the eight shapes of version 1 first, in their order, then the additions of version 2
    assert es.OBSERVABLES[:8] == V1_OBSERVABLES
    assert es.OBSERVABLES[8:] == V2_ADDED
    assert spec.version == "2"
    for tree in spec.trees:
        assert spec.branch_names(tree) == ["alpha_s", *es.OBSERVABLES]
    assert len(es.ALPHA_S_GRID) == 9
    np.testing.assert_allclose(np.diff(es.ALPHA_S_GRID), 0.005)
    assert es.ALPHA_S_GRID[0] == 0.110 and es.ALPHA_S_GRID[-1] == 0.150
    assert es.ALPHA_S_REFERENCE in es.ALPHA_S_GRID
    assert es.ALPHA_S_TRUE not in es.ALPHA_S_GRID
    assert es.ALPHA_S_GRID[0] < es.ALPHA_S_TRUE < es.ALPHA_S_GRID[-1]


def test_every_sample_of_the_shipped_plan_has_its_own_seed():
    spec = registry.get("eventshapes")
    shards = spec.plan(spec.default_events, spec.default_seed)
    assert sum(s.n_events for s in shards) == spec.default_events
    seeds = [
        es.sample_seed(shard.seed, tree, a)
        for shard in shards
        for tree, (values, _) in es.TREE_SAMPLES.items()
        for a in values
    ]
    assert len(seeds) == len(shards) * 11
    assert len(set(seeds)) == len(seeds)
    assert all(1 <= s <= MAX_SEED for s in seeds)
    assert es.sample_seed(shards[0].seed, "grid", 0.115) == seeds[1]  # a pure function
    with pytest.raises(ValueError, match="unknown tree 'nature'"):
        es.sample_seed(1, "nature", 0.13)


@pytest.fixture(scope="module")
def small():
    return es.generate_sample(0.13, 120, seed=11, batch=150)


def test_generation_is_reproducible_selected_and_in_range(small):
    again = es.generate_sample(0.13, 120, seed=11, batch=150)
    assert set(small) == {"alpha_s", *es.OBSERVABLES}
    for key, values in small.items():
        assert len(values) == 120
        np.testing.assert_array_equal(values, again[key])
    other = es.generate_sample(0.13, 120, seed=12, batch=150)
    assert not np.array_equal(small["c_parameter"], other["c_parameter"])
    assert np.all(small["alpha_s"] == np.float32(0.13))
    assert small["n_charged"].dtype == np.int16 and small["n_neutral"].dtype == np.int16
    assert np.all(small["n_charged"] >= MIN_CHARGED_TRACKS)
    assert np.all(small["n_neutral"] >= 0)
    for name in es.OBSERVABLES:
        assert np.isfinite(small[name]).all(), name
    t = 1 - small["one_minus_thrust"]
    assert np.all((t >= 0.5) & (t <= 1))
    for name in ("c_parameter", "sphericity", "y23", "heavy_jet_mass", "d_parameter"):
        assert np.all((small[name] >= 0) & (small[name] <= 1)), name
    assert np.all(small["b_wide"] <= small["b_total"])
    assert np.all(small["b_narrow"] <= small["b_wide"])
    assert np.all(small["light_jet_mass"] <= small["heavy_jet_mass"])
    assert np.all((small["y45"] <= small["y34"]) & (small["y34"] <= small["y23"]))
    assert np.all(small["thrust_minor"] <= small["thrust_major"])
    assert np.all(small["thrust_major"] <= t)
    assert np.all((small["aplanarity"] >= 0) & (small["aplanarity"] <= 0.5))
    # tracks above 0.2 GeV at E_beam = 45.6 GeV: 0 < ξ < ln(45.6/0.2) = 5.4
    assert np.all((small["xi_mean"] > 0) & (small["xi_mean"] < np.log(45.6 / 0.2)))
    # stored with STORED_MANTISSA_BITS: the dropped low bits are zero
    drop = 23 - es.STORED_MANTISSA_BITS
    for name in ("one_minus_thrust", "xi_mean", "thrust_minor"):
        assert np.all(small[name].view(np.uint32) % (1 << drop) == 0), name


def test_round_mantissa_is_fine_monotonic_and_checked():
    rng = np.random.default_rng(2)
    values = np.sort(rng.exponential(0.05, 10_000).astype(np.float32))
    rounded = es.round_mantissa(values, 14)
    assert rounded.dtype == np.float32
    np.testing.assert_allclose(rounded, values, rtol=2.0**-15, atol=0)
    assert np.all(np.diff(rounded) >= 0)  # the order of values is kept
    assert not np.array_equal(rounded, values)
    np.testing.assert_array_equal(es.round_mantissa(values, 23), values)
    special = es.round_mantissa(np.array([0.0, -1.0, np.nan, np.inf], dtype=np.float32))
    assert special[0] == 0 and special[1] == -1 and np.isnan(special[2]) and special[3] == np.inf
    with pytest.raises(ValueError, match="mantissa bits"):
        es.round_mantissa(values, 0)


def test_one_shard_holds_its_share_of_every_tree():
    out = es.run_shard(Shard("eventshapes", 0, 2, 77))
    assert len(out["grid"]["alpha_s"]) == 2 * 9
    assert len(out["reference"]["alpha_s"]) == 3 * 2
    assert len(out["pseudo_data"]["alpha_s"]) == 10 * 2
    np.testing.assert_array_equal(out["grid"]["alpha_s"], np.repeat(np.float32(es.ALPHA_S_GRID), 2))
    assert set(out["pseudo_data"]["alpha_s"]) == {np.float32(es.ALPHA_S_TRUE)}


def test_same_seed_same_file_whatever_the_workers(tmp_path):
    spec = dataclasses.replace(es.SPEC, plan=functools.partial(es.plan, shard_events=1))
    paths = [
        generate_spec(spec, 2, 5, workers=w, out=tmp_path / f"w{w}.root", progress=False)
        for w in (1, 2)
    ]
    assert len(spec.plan(2, 5)) == 2
    files = [uproot.open(p) for p in paths]
    for tree in spec.trees:
        one, two = (f[tree].arrays(library="np") for f in files)
        for key in one:
            np.testing.assert_array_equal(one[key], two[key], err_msg=f"{tree}/{key}")


@pytest.fixture(scope="module")
def shipped():
    return {tree: data.load("eventshapes", tree=tree) for tree in es.TREE_SAMPLES}


def test_shipped_file_sizes_and_parameter_values(shipped):
    n = es.SPEC.default_events
    assert len(shipped["grid"]) == 9 * n
    assert len(shipped["reference"]) == 3 * n
    assert len(shipped["pseudo_data"]) == 10 * n
    values, counts = np.unique(np.asarray(shipped["grid"].alpha_s), return_counts=True)
    np.testing.assert_allclose(values, es.ALPHA_S_GRID, rtol=1e-6)
    assert set(counts) == {n}


def test_first_shard_sample_regenerates_the_shipped_events(shipped):
    first = es.plan(es.SPEC.default_events, es.SPEC.default_seed)[0]
    alpha = es.ALPHA_S_GRID[0]
    again = es.generate_sample(alpha, 300, es.sample_seed(first.seed, "grid", alpha))
    for key in ("one_minus_thrust", "y23", "n_charged", "xi_mean", "thrust_minor"):
        np.testing.assert_array_equal(np.asarray(shipped["grid"][key][:300]), again[key])


def _means(arrays, key):
    alpha = np.asarray(arrays.alpha_s)
    values = np.asarray(arrays[key], dtype=np.float64)
    out = []
    for a in es.ALPHA_S_GRID:
        v = values[np.isclose(alpha, a)]
        out.append((v.mean(), v.std() / np.sqrt(len(v))))
    return np.array(out)


@pytest.mark.parametrize("key", ["one_minus_thrust", "c_parameter", "y23", "n_charged", *V2_ADDED])
def test_more_final_state_radiation_at_larger_alpha_s(shipped, key):
    means = _means(shipped["grid"], key)
    (slope, _), cov = np.polyfit(es.ALPHA_S_GRID, means[:, 0], 1, w=1 / means[:, 1], cov="unscaled")
    assert slope / np.sqrt(cov[0, 0]) > 10, f"{key} barely rises with αs"
    # the pseudo-data (αs = 0.1365) sit between the grid points 0.130 and 0.145
    truth = np.asarray(shipped["pseudo_data"][key], dtype=np.float64).mean()
    assert means[4, 0] < truth < means[7, 0]


def test_shipped_multiplicity_is_lep_like(shipped):
    # ALEPH: <n_ch> ≈ 20.9 at particle level; the detector loses ≈ 10-20 % of the tracks
    n_ch = np.asarray(shipped["pseudo_data"].n_charged).mean()
    assert 16.0 < n_ch < 20.9
