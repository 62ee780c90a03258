"""Calibration of probabilistic classifiers: is a predicted 0.7 right 70 % of the time?

A classifier whose output is used as a likelihood ratio, s/(1 − s), must be
*calibrated*: among events with output ≈ p, the fraction of class 1 must be ≈ p.
Pure functions: labels and probabilities in, numbers out.  When the classifier
was trained with balanced class weights (as the likelihood-ratio trick needs),
pass the same balancing as ``sample_weight``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _inputs(
    y_true: Any, proba: Any, bins: int | Any, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(proba, dtype=np.float64)
    if y.ndim != 1 or p.shape != y.shape:
        raise ValueError(
            f"y_true and proba must be 1-D arrays of the same length, got shapes {y.shape} "
            f"and {p.shape}"
        )
    if y.size == 0:
        raise ValueError("y_true is empty: give at least one event")
    if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("proba must hold probabilities: finite values in [0, 1]")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("y_true must hold binary labels 0 and 1")
    if sample_weight is None:
        w = np.ones_like(p)
    else:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != p.shape:
            raise ValueError(
                f"sample_weight must have one weight per event, shape {p.shape}, got {w.shape}"
            )
        if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError("sample_weight must be finite, non-negative, with a positive sum")
    if np.ndim(bins) == 0:
        if int(bins) != bins or bins < 1:
            raise ValueError(f"bins must be a positive integer or an array of edges, got {bins}")
        edges = np.linspace(0.0, 1.0, int(bins) + 1)
    else:
        edges = np.asarray(bins, dtype=np.float64)
        if (
            edges.ndim != 1
            or len(edges) < 2
            or np.any(np.diff(edges) <= 0)
            or edges[0] > 0
            or edges[-1] < 1
        ):
            raise ValueError(
                f"bin edges must be increasing and span [0, 1] (first ≤ 0, last ≥ 1), got {edges}"
            )
    return y, p, w, edges


def reliability_curve(
    y_true: Any, proba: Any, *, bins: int | Any = 10, sample_weight: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Observed fraction of class 1 against the predicted probability, per bin of it.

    Parameters
    ----------
    y_true
        (n,) labels 0/1.
    proba
        (n,) predicted probability of class 1, in [0, 1].
    bins
        Number of equal-width bins on [0, 1], or the bin edges (spanning [0, 1]).
    sample_weight
        Optional (n,) event weights.

    Returns
    -------
    bin_centres : numpy.ndarray, shape (B,)
        Middle of each bin.
    observed_fraction : numpy.ndarray, shape (B,)
        Weighted fraction of class 1 among the events of each bin (NaN if empty).
    mean_predicted : numpy.ndarray, shape (B,)
        Weighted mean of ``proba`` in each bin (NaN if empty); a calibrated
        classifier has ``observed_fraction ≈ mean_predicted``.
    counts : numpy.ndarray, shape (B,)
        Sum of weights in each bin (the number of events when unweighted).
    """
    y, p, w, edges = _inputs(y_true, proba, bins, sample_weight)
    n_bins = len(edges) - 1
    index = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)
    counts = np.bincount(index, weights=w, minlength=n_bins)
    positives = np.bincount(index, weights=w * y, minlength=n_bins)
    predicted = np.bincount(index, weights=w * p, minlength=n_bins)
    filled = counts > 0
    observed = np.full(n_bins, np.nan)
    mean_pred = np.full(n_bins, np.nan)
    observed[filled] = positives[filled] / counts[filled]
    mean_pred[filled] = predicted[filled] / counts[filled]
    centres = 0.5 * (edges[:-1] + edges[1:])
    return centres, observed, mean_pred, counts


def expected_calibration_error(
    y_true: Any, proba: Any, *, bins: int | Any = 10, sample_weight: Any = None
) -> float:
    """Expected calibration error: Σ_b (W_b / W) · |observed_b − predicted_b|.

    The weighted mean distance between the reliability curve and the diagonal
    (0 for a perfectly calibrated classifier; finite samples give a small
    positive value even then, ≈ √(p(1 − p)/n_b) per bin).  Arguments as in
    :func:`reliability_curve`.

    Returns
    -------
    float
    """
    _, observed, predicted, counts = reliability_curve(
        y_true, proba, bins=bins, sample_weight=sample_weight
    )
    filled = counts > 0
    gap = np.abs(observed[filled] - predicted[filled])
    return float(np.sum(counts[filled] * gap) / counts.sum())
