"""Parametrised tagger over a jet-energy-scale nuisance: toy physics and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.systematics.parametrised import (
    ParametrisedTagger,
    apply_jes,
    shifted_training_set,
)
from hepml_course.systematics.sample import MASS_FEATURE, TaggingSample

NAMES = ("j_shape", MASS_FEATURE)
PEAK_GEV, WIDTH_GEV = 80.0, 6.0
GRID = (0.7, 0.8, 0.9, 1.1, 1.2, 1.3)


def toy_sample(n: int, seed: int) -> TaggingSample:
    """Nominal toy jets: signal = mass peak at 80 GeV, background = broad mass spectrum.

    A second, dimensionless feature separates the classes weakly and does not
    move under a JES shift; so the best mass window moves with ν as ν · 80 GeV.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(np.int64)
    mass = np.where(y == 1, rng.normal(PEAK_GEV, WIDTH_GEV, n), rng.uniform(20.0, 160.0, n))
    shape = rng.normal(0.5 * y, 1.0)
    x = np.stack([shape, mass], axis=1).astype(np.float32)
    return TaggingSample(x, y, mass.astype(np.float32), NAMES)


@pytest.fixture(scope="module")
def fitted() -> ParametrisedTagger:
    x, y, nu = shifted_training_set(toy_sample(6000, 1), GRID, copies=1, seed=2)
    model = ParametrisedTagger(
        feature_names=NAMES, hidden=(32, 32), epochs=60, batch_size=128, learning_rate=5e-3
    )
    return model.fit(x, y, nuisance=nu, seed=3)


# --------------------------------------------------------------------------- apply_jes
def test_apply_jes_scales_only_the_mass_of_both_classes() -> None:
    sample = toy_sample(500, 0)
    before = sample.x.copy()
    shifted = apply_jes(sample, 1.2)
    assert isinstance(shifted, TaggingSample)
    np.testing.assert_allclose(shifted.x[:, 1], 1.2 * before[:, 1], rtol=1e-6)
    np.testing.assert_allclose(shifted.mass_gev, 1.2 * sample.mass_gev, rtol=1e-6)
    np.testing.assert_array_equal(shifted.x[:, 0], before[:, 0])  # dimensionless: unchanged
    np.testing.assert_array_equal(shifted.y, sample.y)
    np.testing.assert_array_equal(sample.x, before)  # the input is not modified
    for label in (0, 1):  # a detector effect: both classes move
        sel = sample.y == label
        assert shifted.mass_gev[sel].mean() == pytest.approx(1.2 * sample.mass_gev[sel].mean())


def test_apply_jes_per_jet_factors_on_an_array() -> None:
    sample = toy_sample(4, 0)
    nu = np.array([0.8, 0.9, 1.1, 1.2])
    x = apply_jes(sample.x, nu, feature_names=NAMES)
    np.testing.assert_allclose(x[:, 1], nu * sample.x[:, 1], rtol=1e-6)
    np.testing.assert_array_equal(x[:, 0], sample.x[:, 0])


def test_apply_jes_on_the_16_features_moves_only_the_groomed_mass() -> None:
    from hepml_course.classification.jets import HLF_FEATURES

    x = np.random.default_rng(0).uniform(1, 2, (10, len(HLF_FEATURES))).astype(np.float32)
    shifted = apply_jes(x, 0.9)
    changed = np.flatnonzero(np.any(shifted != x, axis=0))
    assert [HLF_FEATURES[i] for i in changed] == ["j_mass_mmdt"]


@pytest.mark.parametrize(
    ("scale", "match"),
    [
        (np.ones(3), r"one value per jet, shape \(5,\)"),
        (-1.0, "positive"),
        (np.nan, "NaN"),
    ],
)
def test_apply_jes_bad_scale(scale: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        apply_jes(toy_sample(5, 0), scale)


def test_apply_jes_needs_the_mass_column() -> None:
    with pytest.raises(ValueError, match="j_mass_mmdt"):
        apply_jes(np.ones((3, 2)), 1.1, feature_names=("a", "b"))


def test_shifted_training_set_draws_from_the_grid() -> None:
    sample = toy_sample(300, 0)
    x, y, nu = shifted_training_set(sample, GRID, copies=1, seed=0)
    assert len(x) == len(y) == len(nu) == 300
    assert set(np.round(nu, 6)) <= set(GRID) and len(set(nu)) == len(GRID)
    np.testing.assert_allclose(x[:, 1], nu * sample.x[:, 1], rtol=1e-6)
    x3, _, nu3 = shifted_training_set(sample, GRID, copies=3, seed=0)
    assert len(x3) == 900
    per_jet = nu3.reshape(3, 300)
    assert np.all((per_jet[0] != per_jet[1]) & (per_jet[1] != per_jet[2]))
    with pytest.raises(ValueError, match="copies"):
        shifted_training_set(sample, GRID, copies=7)
    with pytest.raises(ValueError, match="two distinct"):
        shifted_training_set(sample, (1.0, 1.0))


# --------------------------------------------------------------------------- physics
def _window_centre(model: ParametrisedTagger, nu: float) -> float:
    """Mass (GeV) where the tagger's output peaks at ν, with the shape feature fixed."""
    mass = np.linspace(30.0, 150.0, 241)
    x = np.stack([np.zeros_like(mass), mass], axis=1)
    return float(mass[np.argmax(model.predict_proba(x, nuisance=nu))])


@pytest.mark.parametrize("nu", [1.0, 0.85, 1.15])
def test_selected_mass_window_follows_an_unseen_nuisance(fitted: ParametrisedTagger, nu: float):
    # the network never saw ν = 1.0, 0.85 or 1.15; the signal peak sits at ν · 80 GeV
    assert _window_centre(fitted, nu) == pytest.approx(nu * PEAK_GEV, abs=0.5 * WIDTH_GEV)


def test_interpolated_auc_is_close_to_the_optimal_one(fitted: ParametrisedTagger) -> None:
    from sklearn.metrics import roc_auc_score

    test = apply_jes(toy_sample(4000, 9), 1.0)
    auc = roc_auc_score(test.y, fitted.predict_proba(test.x, nuisance=1.0))
    # the likelihood ratio of the toy (known densities) is the best possible score
    m, s = test.x[:, 1], test.x[:, 0]
    sig = np.exp(-0.5 * ((m - PEAK_GEV) / WIDTH_GEV) ** 2) / WIDTH_GEV * np.exp(s * 0.5)
    bkg = np.where((m > 20) & (m < 160), np.sqrt(2 * np.pi) / 140.0, 1e-12)
    optimal = roc_auc_score(test.y, sig / bkg)
    assert optimal - 0.02 <= auc <= optimal + 0.01
    # told the wrong ν (1.3 instead of 1.0), it looks in the wrong window and loses
    wrong = roc_auc_score(test.y, fitted.predict_proba(test.x, nuisance=1.3))
    assert wrong < auc - 0.05


def test_save_and_load_keep_predictions_and_range(fitted: ParametrisedTagger, tmp_path) -> None:
    x = toy_sample(50, 4).x
    fitted.save(tmp_path / "param")
    loaded = ParametrisedTagger.load(tmp_path / "param")
    assert loaded.nuisance_range_ == pytest.approx((0.7, 1.3))
    np.testing.assert_allclose(
        loaded.predict_proba(x, nuisance=0.95), fitted.predict_proba(x, nuisance=0.95), atol=1e-6
    )


# --------------------------------------------------------------------------- bad input
def test_refuses_a_nuisance_outside_the_trained_range(fitted: ParametrisedTagger) -> None:
    x = toy_sample(20, 5).x
    with pytest.raises(ValueError, match=r"outside the trained range \[0.7, 1.3\]"):
        fitted.predict_proba(x, nuisance=1.5)
    nu = np.full(20, 1.0)
    nu[3] = 0.5
    with pytest.raises(ValueError, match="1 nuisance value"):
        fitted.predict_proba(x, nuisance=nu)
    fitted.predict_proba(x, nuisance=1.3)  # the edges are inside


def test_warns_outside_the_range_when_asked_to(fitted: ParametrisedTagger) -> None:
    x = toy_sample(20, 5).x
    fitted.out_of_range = "warn"
    try:
        with pytest.warns(UserWarning, match="extrapolate"):
            p = fitted.predict_proba(x, nuisance=1.5)
    finally:
        fitted.out_of_range = "raise"
    assert p.shape == (20,) and np.all((p >= 0) & (p <= 1))


def test_wrong_length_nuisance(fitted: ParametrisedTagger) -> None:
    x = toy_sample(20, 5).x
    with pytest.raises(ValueError, match=r"one value per jet, shape \(20,\).*got shape \(19,\)"):
        fitted.predict_proba(x, nuisance=np.ones(19))
    sample = toy_sample(30, 6)
    model = ParametrisedTagger(feature_names=NAMES, epochs=1)
    with pytest.raises(ValueError, match=r"shape \(30,\)"):
        model.fit(sample.x, sample.y, nuisance=np.linspace(0.8, 1.2, 31))


def test_fit_needs_several_nuisance_values_and_a_known_policy() -> None:
    sample = toy_sample(30, 6)
    with pytest.raises(ValueError, match="at least two distinct"):
        ParametrisedTagger(feature_names=NAMES).fit(sample.x, sample.y, nuisance=1.0)
    with pytest.raises(ValueError, match="single value"):
        ParametrisedTagger(feature_names=NAMES).fit(sample.x, sample.y, nuisance=np.ones(30))
    with pytest.raises(ValueError, match="out_of_range"):
        ParametrisedTagger(feature_names=NAMES, out_of_range="clip").fit(
            sample.x, sample.y, nuisance=np.linspace(0.8, 1.2, 30)
        )
    with pytest.raises(ValueError, match="NaN"):
        nu = np.linspace(0.8, 1.2, 30)
        nu[0] = np.nan
        ParametrisedTagger(feature_names=NAMES).fit(sample.x, sample.y, nuisance=nu)


def test_not_fitted() -> None:
    from hepml_course.nn import NotFittedError

    with pytest.raises(NotFittedError):
        ParametrisedTagger(feature_names=NAMES).predict_proba(np.ones((2, 2)), nuisance=1.0)


# --------------------------------------------------------------------------- study
def _toy_16(n: int, seed: int) -> TaggingSample:
    """The toy's mass in the groomed-mass column of the 16 features, noise elsewhere."""
    from hepml_course.classification.jets import HLF_FEATURES

    base = toy_sample(n, seed)
    x = np.random.default_rng(seed + 100).normal(size=(n, len(HLF_FEATURES))).astype(np.float32)
    x[:, HLF_FEATURES.index(MASS_FEATURE)] = base.mass_gev
    return TaggingSample(x, base.y, base.mass_gev, HLF_FEATURES)


def test_study_returns_the_bench_keys_and_shows_the_benefit() -> None:
    from hepml_course.systematics.parametrised import SCAN_NUISANCES, parametrised_study

    result = parametrised_study(_toy_16(3000, 0), _toy_16(1000, 1), _toy_16(2000, 2), quick=True)
    assert 0.5 < result["interpolation_auc"] <= 1 and 0.5 < result["dedicated_auc"] <= 1
    assert result["delta_auc"] == pytest.approx(
        result["interpolation_auc"] - result["dedicated_auc"]
    )
    assert len(result["scan"]["parametrised_auc"]) == len(SCAN_NUISANCES)
    assert result["scan"]["trained"][SCAN_NUISANCES.index(1.0)] is False
    # the toy's signal is a narrow mass peak: at ν = 0.7 the nominal tagger's window
    # misses it, the parametrised tagger (told ν) follows it
    nominal, param = result["nominal_auc_shifted"]["0.7"], result["parametrised_auc_shifted"]["0.7"]
    assert nominal < result["dedicated_auc"] - 0.05
    assert param > nominal + 0.05
    wp = result["working_point"]["nominal"]["signal_efficiency"]
    assert wp[0] < wp[SCAN_NUISANCES.index(1.0)] - 0.2  # the fixed cut loses the signal
