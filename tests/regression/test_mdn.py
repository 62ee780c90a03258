"""MixtureDensityCalibration on a toy with a known heteroscedastic Gaussian response."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from hepml_course.metrics.regression import interval_coverage
from hepml_course.nn import NotFittedError
from hepml_course.regression.mdn import (
    MixtureDensityCalibration,
    mixture_cdf,
    mixture_quantile,
)
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

MIDDLE_VOXEL = 170  # a live cell of the middle layer


def _toy(n, seed, spread=1.0):
    """Showers whose raw sum R sits in one voxel; E_true = R (1 + s(θ) ε) with s = 0.02 + 0.2 θ."""
    rng = np.random.default_rng(seed)
    raw = np.exp(rng.uniform(np.log(2.0), np.log(20.0), n))
    theta = rng.uniform(0.0, 0.6, n)
    rel = spread * (0.02 + 0.2 * theta)
    e_true = raw * (1.0 + rel * rng.standard_normal(n))
    voxels = np.zeros((n, DEFAULT_GEOMETRY.n_voxels))
    voxels[:, MIDDLE_VOXEL] = raw
    return np.column_stack([voxels, theta]), e_true, raw * rel


@pytest.fixture(scope="module")
def fitted():
    x, e, _ = _toy(4000, seed=1)
    model = MixtureDensityCalibration(n_components=2, hidden=(32, 32), epochs=80, patience=10)
    return model.fit(x, e, seed=0)


def test_predicted_sigma_follows_the_true_heteroscedastic_width(fitted):
    x, e, sigma_true = _toy(3000, seed=2)
    mean, sigma = fitted.predict(x, return_std=True)
    theta = x[:, -1]
    for sel in (theta < 0.15, theta > 0.45):  # widths 2-5 % vs 11-14 %
        ratio = np.median(sigma[sel] / sigma_true[sel])
        assert 0.8 < ratio < 1.25, ratio
    # no bias: the toy's mean response is 1
    assert abs(np.median((mean - e) / sigma_true)) < 0.15


def test_intervals_cover_as_claimed(fitted):
    x, e, _ = _toy(3000, seed=3)
    for level, margin in ((0.68, 0.04), (0.95, 0.025)):
        lo, hi = fitted.predict_interval(x, level)
        assert np.all(lo < hi)
        assert abs(interval_coverage(e, lo, hi) - level) < margin


def test_recalibrate_finds_a_doubled_spread(fitted):
    x, e, _ = _toy(3000, seed=4, spread=2.0)
    scale_before = fitted.width_scale_
    try:
        fitted.recalibrate(x, e, level=0.68)
        assert 1.6 < fitted.width_scale_ < 2.5
    finally:
        fitted.width_scale_ = scale_before


def test_save_and_load_round_trip(fitted, tmp_path):
    x, _, _ = _toy(200, seed=5)
    fitted.save(tmp_path / "mdn")
    back = MixtureDensityCalibration.load(tmp_path / "mdn")
    np.testing.assert_allclose(back.predict(x), fitted.predict(x), rtol=1e-6)
    assert back.width_scale_ == fitted.width_scale_


def test_mixture_quantile_inverts_the_cdf():
    w = np.array([[0.7, 0.3], [1.0, 0.0]])
    m = np.array([[0.0, 3.0], [1.0, 1.0]])
    s = np.array([[1.0, 0.5], [2.0, 2.0]])
    for q in (0.025, 0.16, 0.5, 0.84, 0.975):
        x = mixture_quantile(q, w, m, s)
        np.testing.assert_allclose(mixture_cdf(x, w, m, s), q, atol=1e-9)
    # a single Gaussian: the textbook quantile
    np.testing.assert_allclose(mixture_quantile(0.84, w, m, s)[1], 1.0 + 2.0 * norm.ppf(0.84))


def test_bad_inputs_raise_clear_errors(fitted):
    x, e, _ = _toy(50, seed=6)
    with pytest.raises(ValueError, match="column_stack"):
        fitted.predict(x[:, :-1])  # θ column missing
    with pytest.raises(ValueError, match="level must be in"):
        fitted.predict_interval(x, 1.5)
    with pytest.raises(ValueError, match="quantile levels"):
        fitted.predict_quantiles(x, [0.0])
    with pytest.raises(ValueError, match="n_components"):
        MixtureDensityCalibration(n_components=0).fit(x, e)
    with pytest.raises(ValueError, match="sigma_floor"):
        MixtureDensityCalibration(sigma_floor=0.0).fit(x, e)
    with pytest.raises(ValueError, match="positive"):
        MixtureDensityCalibration().fit(x, -e)
    with pytest.raises(ValueError):
        MixtureDensityCalibration().fit(x, e[:-1])
    with pytest.raises(NotFittedError):
        MixtureDensityCalibration().predict(x)
