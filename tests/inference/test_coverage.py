"""Toys, Neyman coverage, and the coverage of the exact and learned likelihood scans."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.inference import (
    CoverageResult,
    Interval,
    draw_toys,
    neyman_coverage,
    toy_intervals,
)

from .conftest import THETA_TRUE, exact_log_ratio, fisher_information, sample

SCAN = np.linspace(0.8, 1.2, 41)


def test_toys_are_disjoint_and_reproducible():
    toys = draw_toys(1000, 7, 100, seed=3)
    assert len(toys) == 7 and all(t.shape == (100,) for t in toys)
    flat = np.concatenate(toys)
    assert len(np.unique(flat)) == 700 and flat.min() >= 0 and flat.max() < 1000
    again = draw_toys(1000, 7, 100, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(toys, again, strict=True))
    other = draw_toys(1000, 7, 100, seed=4)
    assert not np.array_equal(toys[0], other[0])


def test_toys_asking_for_more_events_than_the_pool_are_refused():
    with pytest.raises(ValueError, match=r"need 1100 distinct events, but the pool has only 1000"):
        draw_toys(1000, 11, 100, seed=0)
    with pytest.raises(ValueError, match="positive integer"):
        draw_toys(1000, 0, 100, seed=0)
    with pytest.raises(ValueError, match="positive integer"):
        draw_toys(1000, 2, 2.5, seed=0)


def test_coverage_counts_exactly():
    intervals = [
        Interval(1.0, (0.9, 1.1), (0.8, 1.2)),  # covers 1.05 at 68 and 95 %
        Interval(1.2, (1.1, 1.3), (1.0, 1.4)),  # covers at 95 % only
        Interval(1.4, (1.3, 1.5), (1.2, 1.6)),  # covers at neither
        None,  # a failed fit: not covering
    ]
    result = neyman_coverage(intervals, 1.05)
    assert result.n_toys == 4 and result.n_failed == 1
    assert result.coverage68 == 0.25 and result.coverage95 == 0.5
    assert result.coverage68_error == pytest.approx(np.sqrt(0.25 * 0.75 / 4))
    assert result.bias == pytest.approx(1.2 - 1.05)
    assert result.mean_width68 == pytest.approx(0.2)
    assert result.estimates.tolist() == [1.0, 1.2, 1.4]
    json.dumps(result.to_dict())


def test_gaussian_intervals_cover_at_their_nominal_rate():
    rng = np.random.default_rng(0)
    estimates = rng.normal(2.0, 0.1, 4000)
    intervals = [Interval(e, (e - 0.1, e + 0.1), (e - 0.196, e + 0.196)) for e in estimates]
    result = neyman_coverage(intervals, 2.0)
    assert result.coverage68 == pytest.approx(0.6827, abs=3 * result.coverage68_error)
    assert result.coverage95 == pytest.approx(0.95, abs=3 * result.coverage95_error)
    assert abs(result.bias) < 3 * result.bias_error


def test_bad_coverage_input():
    with pytest.raises(ValueError, match="empty"):
        neyman_coverage([], 1.0)
    with pytest.raises(ValueError, match="all 2 toy fits failed"):
        neyman_coverage([None, None], 1.0)
    with pytest.raises(TypeError, match="Interval"):
        neyman_coverage([(1.0, 2.0)], 1.0)
    with pytest.raises(ValueError, match="shape"):
        toy_intervals(SCAN, np.zeros((5, 10)), [np.arange(3)])


@pytest.fixture(scope="module")
def pool() -> np.ndarray:
    return sample(THETA_TRUE, 300 * 500, np.random.default_rng(12))


def test_the_exact_likelihood_scan_covers(pool):
    """The profile-likelihood machinery itself: exact ln r on 300 toys of 500 events."""
    toys = draw_toys(len(pool), 300, 500, seed=1)
    result = neyman_coverage(toy_intervals(SCAN, exact_log_ratio(pool, SCAN), toys), THETA_TRUE)
    # a toy fluctuating ≳ 2.7σ up has its 95 % crossing beyond the trained range: a failure
    assert result.n_failed <= 3
    assert result.coverage68 == pytest.approx(0.683, abs=0.05)
    assert result.coverage95 == pytest.approx(0.95, abs=0.03)
    assert abs(result.bias) < 3 * result.bias_error
    sigma = 1.0 / np.sqrt(500 * fisher_information(THETA_TRUE))
    assert result.mean_width68 / 2 == pytest.approx(sigma, rel=0.05)


def test_the_learned_likelihood_scan_behaves_like_the_exact_one(trained, pool):
    """Same toys, learned ratio evaluated once on the pool: widths and spread match the
    exact ones; the network's own error shows as a small bias (≲ 0.5σ here)."""
    toys = draw_toys(len(pool), 300, 500, seed=1)
    learned = neyman_coverage(toy_intervals(SCAN, trained.log_ratio(pool, SCAN), toys), THETA_TRUE)
    exact = neyman_coverage(toy_intervals(SCAN, exact_log_ratio(pool, SCAN), toys), THETA_TRUE)
    sigma = exact.mean_width68 / 2
    assert learned.n_failed <= 3
    assert learned.mean_width68 == pytest.approx(exact.mean_width68, rel=0.1)
    assert np.std(learned.estimates) == pytest.approx(np.std(exact.estimates), rel=0.1)
    assert abs(learned.bias) < 0.5 * sigma
    assert learned.coverage68 == pytest.approx(exact.coverage68, abs=0.1)
    assert isinstance(learned, CoverageResult)
