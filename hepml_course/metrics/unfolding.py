"""Figures of merit for unfolded distributions.

All comparisons are of *normalised* histograms (shapes): the unfolded result
and the truth are each divided by their total.
"""

from __future__ import annotations

import numpy as np


def normalize(counts: np.ndarray) -> np.ndarray:
    """Counts divided by their sum (along the last axis)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError("cannot normalise a histogram with a non-positive total")
    return counts / total


def normalized_covariance(counts: np.ndarray, sumw2: np.ndarray | None = None) -> np.ndarray:
    """Covariance of a normalised histogram from its counts (multinomial/delta method).

    Parameters
    ----------
    counts
        Bin contents (sum of weights).
    sumw2
        Sum of squared weights per bin (= ``counts`` for unweighted events).
    """
    c = np.asarray(counts, dtype=np.float64)
    s2 = c if sumw2 is None else np.asarray(sumw2, dtype=np.float64)
    n = c.sum()
    if n <= 0:
        raise ValueError("histogram total must be positive")
    p = c / n
    cov = np.diag(s2) - np.outer(p, s2) - np.outer(s2, p) + np.outer(p, p) * s2.sum()
    return cov / n**2


def bootstrap_covariance(replicas: np.ndarray, normalized: bool = True) -> np.ndarray:
    """Sample covariance of bootstrap replicas ``(n_replicas, n_bins)``."""
    replicas = np.asarray(replicas, dtype=np.float64)
    if replicas.ndim != 2 or len(replicas) < 2:
        raise ValueError(
            f"need at least 2 replicas as an (n_replicas, n_bins) array, got {replicas.shape}"
        )
    if normalized:
        replicas = normalize(replicas)
    return np.cov(replicas, rowvar=False)


def chi2_ndf(
    unfolded: np.ndarray,
    truth: np.ndarray,
    cov_unfolded: np.ndarray,
    cov_truth: np.ndarray | None = None,
) -> float:
    """χ²/ndf between normalised unfolded and truth histograms.

    Parameters
    ----------
    unfolded, truth
        Counts (normalised inside).
    cov_unfolded
        Covariance of the *normalised* unfolded histogram, e.g.
        :func:`bootstrap_covariance` of replicas.
    cov_truth
        Covariance of the normalised truth (default:
        :func:`normalized_covariance` of ``truth``, i.e. unweighted events).

    Returns
    -------
    float
        χ²/ndf with ndf = n_bins − 1; the last bin is dropped because the
        normalisation makes the bins sum to one (the full covariance is singular).
    """
    u, t = normalize(unfolded), normalize(truth)
    if u.shape != t.shape:
        raise ValueError(f"unfolded {u.shape} and truth {t.shape} must have the same bins")
    cov_t = normalized_covariance(truth) if cov_truth is None else np.asarray(cov_truth)
    cov = np.asarray(cov_unfolded, np.float64) + cov_t
    if cov.shape != (len(u), len(u)):
        raise ValueError(f"covariances must be ({len(u)}, {len(u)}), got {cov.shape}")
    d = (u - t)[:-1]
    c = cov[:-1, :-1]
    chi2 = float(d @ np.linalg.solve(c, d))
    return chi2 / len(d)


def triangular_discriminator(p: np.ndarray, q: np.ndarray) -> float:
    """Triangular discriminator Δ(p, q) = ½ Σ (p_i − q_i)² / (p_i + q_i) × 10³.

    Computed on normalised histograms, as in the OmniFold paper (in units of 10⁻³).
    """
    p, q = normalize(p), normalize(q)
    if p.shape != q.shape:
        raise ValueError("histograms must have the same bins")
    s = p + q
    terms = np.divide((p - q) ** 2, s, out=np.zeros_like(s), where=s > 0)
    return float(0.5 * terms.sum() * 1e3)
