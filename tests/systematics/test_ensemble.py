"""Deep ensembles and MC dropout: members differ, seeds reproduce, calibration via metrics."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics.calibration import expected_calibration_error
from hepml_course.nn import NotFittedError
from hepml_course.systematics.ensemble import (
    DeepEnsemble,
    MCDropoutTagger,
    ece_floor,
    member_seeds,
)

NAMES = ("a", "b", "c")
SMALL = {"feature_names": NAMES, "hidden": (16, 16), "epochs": 8, "batch_size": 128}


def toy(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logistic toy with a known truth: P(y = 1 | x) = sigmoid(1.5 x_a − x_b), x_c noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    truth = 1.0 / (1.0 + np.exp(-(1.5 * x[:, 0] - x[:, 1])))
    y = (rng.random(n) < truth).astype(np.int64)
    return x, y, truth


@pytest.fixture(scope="module")
def ensemble() -> DeepEnsemble:
    x, y, _ = toy(3000, 1)
    return DeepEnsemble(n_members=3, **SMALL).fit(x, y, seed=7)


@pytest.fixture(scope="module")
def mc_tagger() -> MCDropoutTagger:
    x, y, _ = toy(3000, 1)
    return MCDropoutTagger(dropout=0.2, n_samples=10, **SMALL).fit(x, y, seed=7)


def test_member_seeds_are_distinct_and_reproducible() -> None:
    seeds = member_seeds(3, 5)
    assert seeds == member_seeds(3, 5)
    assert len(set(seeds)) == 5 and seeds != member_seeds(4, 5)
    with pytest.raises(ValueError, match="≥ 1"):
        member_seeds(0, 0)


def test_members_differ_and_the_mean_is_their_average(ensemble: DeepEnsemble) -> None:
    x, _, _ = toy(500, 2)
    members = ensemble.member_proba(x)
    assert members.shape == (3, 500)
    assert np.max(np.abs(members[0] - members[1])) > 1e-3  # different initialisations
    mean, std = ensemble.predict_proba(x, return_std=True)
    np.testing.assert_allclose(mean, members.mean(axis=0))
    assert np.all((mean >= 0) & (mean <= 1))
    assert np.all(std >= 0) and std.mean() > 0
    assert np.all(std <= 0.5)  # a spread of probabilities is at most 1/2
    np.testing.assert_array_equal(ensemble.predict(x), (mean > 0.5).astype(np.int64))


def test_ensemble_learns_the_truth_and_its_ece_comes_from_metrics(ensemble: DeepEnsemble):
    x, y, truth = toy(4000, 3)
    p = ensemble.predict_proba(x)
    assert np.mean(np.abs(p - truth)) < 0.05  # close to the true probability
    ece = expected_calibration_error(y, p)
    floor, floor_std = ece_floor(p, seed=0)
    # calibrated within the statistical floor of 4000 events (a generous 4 σ + 0.01)
    assert ece < floor + 4 * floor_std + 0.01
    # a distorted copy of the same probabilities is clearly worse calibrated
    assert expected_calibration_error(y, p**3) > ece + 0.05


def test_same_seed_same_ensemble() -> None:
    x, y, _ = toy(600, 4)
    tiny = {**SMALL, "epochs": 2}
    a = DeepEnsemble(n_members=2, **tiny).fit(x, y, seed=11)
    b = DeepEnsemble(n_members=2, **tiny).fit(x, y, seed=11)
    assert a.seeds_ == b.seeds_
    np.testing.assert_allclose(a.member_proba(x), b.member_proba(x), atol=1e-6)


def test_ece_floor_shrinks_like_one_over_root_n() -> None:
    rng = np.random.default_rng(0)
    small, _ = ece_floor(rng.uniform(0, 1, 400), seed=1)
    large, _ = ece_floor(rng.uniform(0, 1, 10000), seed=1)
    # expected ratio √(10000/400) = 5; the floor is never zero
    assert 3.0 < small / large < 7.0
    assert large > 0


def test_save_and_load_keep_the_members(ensemble: DeepEnsemble, tmp_path) -> None:
    x, _, _ = toy(50, 5)
    ensemble.save(tmp_path / "ens")
    loaded = DeepEnsemble.load(tmp_path / "ens")
    assert loaded.seeds_ == ensemble.seeds_
    np.testing.assert_allclose(loaded.member_proba(x), ensemble.member_proba(x), atol=1e-6)


# --------------------------------------------------------------------------- MC dropout
def test_mc_dropout_samples_vary_and_reproduce(mc_tagger: MCDropoutTagger) -> None:
    x, _, _ = toy(300, 6)
    samples = mc_tagger.sample_proba(x, n_samples=8, seed=1)
    assert samples.shape == (8, 300)
    assert samples.std(axis=0).mean() > 1e-3  # dropout is on at inference
    np.testing.assert_allclose(samples, mc_tagger.sample_proba(x, n_samples=8, seed=1))
    assert not np.allclose(samples, mc_tagger.sample_proba(x, n_samples=8, seed=2))
    mean, std = mc_tagger.predict_proba(x, n_samples=8, seed=1, return_std=True)
    np.testing.assert_allclose(mean, samples.mean(axis=0))
    np.testing.assert_allclose(std, samples.std(axis=0))
    assert np.all((mean >= 0) & (mean <= 1))


def test_mc_dropout_mean_is_close_to_the_deterministic_network(mc_tagger: MCDropoutTagger):
    x, _, truth = toy(2000, 8)
    deterministic = mc_tagger.predict_proba(x, n_samples=0)
    mc = mc_tagger.predict_proba(x, n_samples=40, seed=0)
    assert np.mean(np.abs(mc - deterministic)) < 0.03
    assert np.mean(np.abs(mc - truth)) < 0.06


# --------------------------------------------------------------------------- bad input
def test_bad_input() -> None:
    x, y, _ = toy(100, 9)
    with pytest.raises(ValueError, match="n_members must be an integer ≥ 2"):
        DeepEnsemble(n_members=1, **SMALL).fit(x, y)
    with pytest.raises(ValueError, match="3 features"):
        DeepEnsemble(n_members=2, **SMALL).fit(x[:, :2], y)
    with pytest.raises(NotFittedError):
        DeepEnsemble(**SMALL).predict_proba(x)
    with pytest.raises(ValueError, match="dropout must be in"):
        MCDropoutTagger(dropout=0.0, **SMALL).fit(x, y)
    with pytest.raises(NotFittedError):
        MCDropoutTagger(**SMALL).sample_proba(x)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        ece_floor(np.ones((2, 2)))


def test_bad_number_of_passes(mc_tagger: MCDropoutTagger) -> None:
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        mc_tagger.sample_proba(np.zeros((3, 3)), n_samples=-2)


def test_calibration_study_returns_the_bench_keys() -> None:
    from hepml_course.classification.jets import HLF_FEATURES
    from hepml_course.systematics.ensemble import calibration_study
    from hepml_course.systematics.sample import TaggingSample

    def sample(n: int, seed: int) -> TaggingSample:
        x, y, _ = toy(n, seed)
        extra = np.random.default_rng(seed).normal(size=(n, len(HLF_FEATURES) - 3))
        x16 = np.concatenate([x, extra], axis=1).astype(np.float32)
        return TaggingSample(x16, y, np.abs(x16[:, 14]), HLF_FEATURES)

    result = calibration_study(sample(2000, 0), sample(500, 1), sample(2000, 2), quick=True)
    assert result["n_members"] == 3 and len(result["ece_single_members"]) == 3
    for key in ("ece_single", "ece_ensemble", "ece_mc_dropout", "ece_floor"):
        assert 0 < result[key] < 0.2, key
    assert result["ece_single"] == pytest.approx(np.mean(result["ece_single_members"]))
    assert result["target_met"] == (result["ece_ensemble"] <= 0.5 * result["ece_single"])
    curve = result["reliability"]["ensemble"]
    assert len(curve["bin_centres"]) == 10 and sum(curve["counts"]) == 2000
    assert result["mean_std_ensemble"] > 0 and result["mean_std_mc_dropout"] > 0
