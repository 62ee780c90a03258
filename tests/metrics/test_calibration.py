"""Reliability curves and the expected calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from hepml_course.metrics.calibration import expected_calibration_error, reliability_curve


def calibrated_sample(n: int, seed: int, temperature: float = 1.0):
    """Labels drawn with probability p; the 'classifier' reports p tempered by ``temperature``."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    y = (rng.random(n) < p).astype(int)
    logit = np.log(p / (1 - p)) * temperature
    return y, 1 / (1 + np.exp(-logit))


def test_matches_scikit_learn_for_unweighted_events():
    y, p = calibrated_sample(20_000, 0)
    centres, observed, predicted, counts = reliability_curve(y, p, bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    filled = counts > 0
    assert np.allclose(observed[filled], prob_true) and np.allclose(predicted[filled], prob_pred)
    assert counts.sum() == 20_000 and np.allclose(centres, np.arange(0.05, 1.0, 0.1))


def test_a_calibrated_classifier_lies_on_the_diagonal_and_a_tempered_one_does_not():
    y, p = calibrated_sample(100_000, 1)
    assert expected_calibration_error(y, p) < 0.01  # finite-sample floor ≈ 0.004
    _, observed, predicted, _ = reliability_curve(y, p)
    assert np.allclose(observed, predicted, atol=0.02)
    y, over = calibrated_sample(100_000, 1, temperature=2.0)  # over-confident
    assert expected_calibration_error(y, over) > 0.05
    _, observed, predicted, _ = reliability_curve(y, over)
    assert observed[-1] < predicted[-1] and observed[0] > predicted[0]


def test_weights_are_used_like_repeated_events():
    y = np.array([1, 0, 0, 1, 1, 0])
    p = np.array([0.1, 0.15, 0.6, 0.65, 0.9, 0.95])
    w = np.array([2, 1, 1, 3, 1, 1])
    rep_y, rep_p = np.repeat(y, w), np.repeat(p, w)
    weighted = reliability_curve(y, p, bins=4, sample_weight=w)
    repeated = reliability_curve(rep_y, rep_p, bins=4)
    for a, b in zip(weighted, repeated, strict=True):
        assert np.allclose(a, b, equal_nan=True)
    assert expected_calibration_error(y, p, bins=4, sample_weight=w) == pytest.approx(
        expected_calibration_error(rep_y, rep_p, bins=4)
    )


def test_empty_bins_are_nan_and_edges_can_be_given():
    y = np.array([0, 1, 1])
    p = np.array([0.05, 0.92, 1.0])
    centres, observed, predicted, counts = reliability_curve(y, p, bins=[0.0, 0.5, 0.9, 1.0])
    assert counts.tolist() == [1.0, 0.0, 2.0]
    assert np.isnan(observed[1]) and np.isnan(predicted[1])
    assert observed[2] == 1.0 and predicted[2] == pytest.approx(0.96)  # p = 1 in the last bin
    assert centres.tolist() == pytest.approx([0.25, 0.7, 0.95])


@pytest.mark.parametrize(
    ("y", "p", "kw", "match"),
    [
        ([0, 1], [0.5], {}, "same length"),
        ([0, 2], [0.5, 0.5], {}, "binary labels"),
        ([0, 1], [0.5, 1.5], {}, r"\[0, 1\]"),
        ([0, 1], [0.5, np.nan], {}, "finite"),
        ([0, 1], [0.5, 0.5], {"bins": 0}, "positive integer"),
        ([0, 1], [0.5, 0.5], {"bins": [0.2, 1.0]}, "span"),
        ([0, 1], [0.5, 0.5], {"sample_weight": [1.0]}, "one weight per event"),
        ([0, 1], [0.5, 0.5], {"sample_weight": [1.0, -1.0]}, "non-negative"),
        ([], [], {}, "empty"),
    ],
)
def test_bad_input(y, p, kw, match):
    with pytest.raises(ValueError, match=match):
        reliability_curve(np.array(y), np.array(p), **kw)
