"""Regression metrics: σ_eff, binned response/resolution, resolution fit, pulls."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import regression as mr


def test_sigma_eff_of_a_gaussian_is_its_sigma_and_ignores_tails():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 2.0, 200_000)
    assert mr.sigma_eff(x) == pytest.approx(2.0, rel=0.02)
    tails = np.concatenate([x, rng.uniform(-100, 100, 5_000)])
    assert mr.sigma_eff(tails) < 1.1 * 2.0 < np.std(tails)
    with pytest.raises(ValueError, match="at least 10"):
        mr.sigma_eff(np.ones(3))


def _toy(a=0.1, b=0.2, c=0.01, n=60_000, bias=1.0, seed=2):
    rng = np.random.default_rng(seed)
    e = np.exp(rng.uniform(0, np.log(250), n))
    rel = mr.resolution_function(e, a, b, c)
    return e, e * bias * (1 + rel * rng.standard_normal(n)), e * rel


def test_binned_performance_recovers_response_and_resolution():
    e, pred, _ = _toy(bias=0.97)
    perf = mr.binned_performance(e, pred)
    np.testing.assert_allclose(perf.response, 0.97, atol=0.004)
    expected = mr.resolution_function(perf.centre_gev, 0.1, 0.2, 0.01)
    np.testing.assert_allclose(perf.sigma_eff_rel, expected, rtol=0.08)
    d = perf.as_dict()
    assert list(d["response"]) == ["1-2", "2-5", "5-10", "10-20", "20-50", "50-100", "100-250"]


def test_resolution_fit_recovers_the_terms_within_errors():
    e, pred, _ = _toy(n=200_000)
    perf = mr.binned_performance(e, pred, np.geomspace(1, 250, 15))
    fit = mr.fit_resolution(perf.centre_gev, perf.sigma_eff_rel, perf.sigma_eff_rel_err)
    assert fit.stochastic_a == pytest.approx(0.1, abs=max(3 * fit.stochastic_a_err, 0.01))
    assert fit.constant_c == pytest.approx(0.01, abs=max(3 * fit.constant_c_err, 0.002))
    assert fit.ndf == 14 - 3
    assert fit.chi2 / fit.ndf < 4


def test_pulls_have_unit_width_when_sigma_is_right_and_not_otherwise():
    e, pred, sigma = _toy()
    assert mr.pull_width(mr.pulls(e, pred, sigma)) == pytest.approx(1.0, abs=0.02)
    assert mr.pull_width(mr.pulls(e, pred, 2 * sigma)) == pytest.approx(0.5, abs=0.02)
    assert mr.interval_coverage(e, pred - 0.6745 * sigma, pred + 0.6745 * sigma) < 0.6


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="same length"):
        mr.binned_performance(np.ones(5), np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        mr.pulls(np.ones(3), np.array([1.0, np.nan, 1.0]), np.ones(3))
    with pytest.raises(ValueError, match="positive"):
        mr.pulls(np.ones(3), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="need at least 10"):
        mr.binned_performance(np.array([1.5] * 20), np.array([1.5] * 20))
    with pytest.raises(ValueError, match="points"):
        mr.fit_resolution(np.ones(2), np.ones(2), np.ones(2))
