"""χ²/ndf, triangular discriminator and covariances of unfolded histograms."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics.unfolding import (
    bootstrap_covariance,
    chi2_ndf,
    normalize,
    normalized_covariance,
    triangular_discriminator,
)

P = np.array([0.05, 0.15, 0.3, 0.25, 0.15, 0.1])


def test_normalized_covariance_matches_multinomial_draws():
    rng = np.random.default_rng(0)
    draws = rng.multinomial(5000, P, size=4000)
    empirical = np.cov(normalize(draws), rowvar=False)
    predicted = normalized_covariance(P * 5000)
    assert np.allclose(empirical, predicted, atol=0.1 * predicted.diagonal().max())


def test_chi2_ndf_is_about_one_for_consistent_histograms():
    rng = np.random.default_rng(1)
    values = []
    for _ in range(300):
        a, b = rng.multinomial(20_000, P), rng.multinomial(20_000, P)
        values.append(chi2_ndf(a, b, normalized_covariance(a)))
    assert np.mean(values) == pytest.approx(1.0, abs=0.12)


def test_chi2_ndf_detects_a_shape_difference():
    rng = np.random.default_rng(2)
    q = P * np.linspace(0.8, 1.2, len(P))
    a, b = rng.multinomial(20_000, P), rng.multinomial(20_000, q / q.sum())
    assert chi2_ndf(a, b, normalized_covariance(a)) > 10


def test_bootstrap_covariance_and_errors():
    rng = np.random.default_rng(3)
    reps = rng.multinomial(10_000, P, size=500).astype(float)
    cov = bootstrap_covariance(reps)
    expected = normalized_covariance(P * 10_000)
    assert np.allclose(cov.diagonal(), expected.diagonal(), rtol=0.2)
    assert np.allclose(cov, expected, atol=0.2 * expected.diagonal().max())
    with pytest.raises(ValueError, match="at least 2 replicas"):
        bootstrap_covariance(reps[:1])
    with pytest.raises(ValueError, match="same bins"):
        chi2_ndf(P, P[:-1], np.eye(6))


def test_triangular_discriminator():
    assert triangular_discriminator(P, 3 * P) == pytest.approx(0.0)
    q = np.roll(P, 1)
    d = triangular_discriminator(P, q)
    assert d > 0
    assert d == pytest.approx(triangular_discriminator(q, P))
    # disjoint distributions reach the maximum ½ Σ (p + q) = 1 (× 10³)
    assert triangular_discriminator([1, 0], [0, 1]) == pytest.approx(1000.0)
