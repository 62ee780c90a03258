"""Rates, thresholds and efficiencies of hepml_course.metrics.trigger."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import trigger


def test_rate_acceptance_round_trip():
    assert trigger.acceptance_to_rate_khz(2.5e-5) == pytest.approx(1.0)
    assert trigger.rate_khz_to_acceptance(10.0) == pytest.approx(2.5e-4)
    rates = trigger.acceptance_to_rate_khz(np.array([1e-5, 1e-4]))
    np.testing.assert_allclose(rates, [0.4, 4.0])


def test_weighted_rate_counts_weights_not_events():
    passed = np.array([True, False, False, False])
    weights = np.array([1.0, 1.0, 1.0, 997.0])
    # one event in four passes, but it carries 1/1000 of the cross section
    assert trigger.trigger_rate_khz(passed, weights) == pytest.approx(40.0)


def test_rate_curve_and_threshold():
    scores = np.array([0.0, 1.0, 2.0, 3.0, 3.0])
    weights = np.array([96.0, 1.0, 1.0, 1.0, 1.0])
    thr, rates, n = trigger.rate_curve(scores, weights)
    np.testing.assert_allclose(thr, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(rates, np.array([4, 3, 2, 0]) / 100 * 40_000)
    np.testing.assert_array_equal(n, [4, 3, 2, 0])
    # 1.2 MHz allows the two events at score 3 (0.8 MHz) but not three (1.2 MHz is ≤: allowed)
    assert trigger.threshold_at_rate(scores, weights, 1200.0) == 1.0
    assert trigger.threshold_at_rate(scores, weights, 1000.0) == 2.0
    assert trigger.threshold_at_rate(scores, weights, 1.0) == 3.0  # nothing passes


def test_efficiency_at_rates():
    rng = np.random.default_rng(1)
    bg = rng.normal(0.0, 1.0, 100_000)
    sig = rng.normal(3.0, 1.0, 10_000)
    eff = trigger.efficiency_at_rates(bg, None, sig, [400.0, 4000.0])
    # acceptance 1 % → threshold ≈ 2.33 → efficiency ≈ Φ(0.67) ≈ 0.75; 10 % → 1.28 → 0.96
    assert eff[400.0] == pytest.approx(0.75, abs=0.02)
    assert eff[4000.0] == pytest.approx(0.957, abs=0.01)


def test_lowest_supported_rate():
    scores = np.arange(1000.0)
    weights = np.ones(1000)
    # the 100 highest scores pass above threshold 899: 100/1000 of 40 MHz
    assert trigger.lowest_supported_rate_khz(scores, weights, 100) == pytest.approx(4000.0)
    with pytest.raises(ValueError, match="fewer than"):
        trigger.lowest_supported_rate_khz(scores[:50], weights[:50], 100)


def test_roc_curve_monotonic():
    rng = np.random.default_rng(2)
    bg, sig = rng.normal(size=500), rng.normal(1.0, 1.0, 300)
    rates, eff = trigger.roc_curve(bg, None, sig)
    assert np.all(np.diff(rates) <= 0)
    assert np.all(np.diff(eff) <= 0)
    assert rates[-1] == 0.0 and eff[-1] == pytest.approx(np.mean(sig > bg.max()))


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="NaN"):
        trigger.rate_curve(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="one weight per event"):
        trigger.rate_curve(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="1-D"):
        trigger.rate_curve(np.ones((3, 2)))
    with pytest.raises(ValueError, match="positive"):
        trigger.threshold_at_rate(np.ones(3), None, 0.0)
