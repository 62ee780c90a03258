"""TemplateFit on x ~ Exponential(rate θ): known bin probabilities, Neyman coverage, errors."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference import ScanError, TemplateFit, draw_toys, neyman_coverage
from hepml_course.nn import NotFittedError

GRID = np.linspace(0.8, 1.2, 9)
N_SIM = 100_000  # simulated events per θ value
TRUE = 1.03  # not a grid value


@pytest.fixture(scope="module")
def simulation() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    theta = np.repeat(GRID, N_SIM)
    return rng.exponential(1.0 / theta), theta


@pytest.fixture(scope="module")
def fitted(simulation) -> TemplateFit:
    return TemplateFit(bins=20, degree=2).fit(*simulation)


def exact_probabilities(edges: np.ndarray, theta: float) -> np.ndarray:
    """Bin probabilities of Exponential(rate θ) with open outer bins."""
    cdf = 1.0 - np.exp(-theta * np.clip(edges, 0.0, None))
    cdf[0], cdf[-1] = 0.0, 1.0
    return np.diff(cdf)


def test_equal_population_bins_and_interpolated_probabilities(fitted):
    assert len(fitted.edges_) == 21
    assert fitted.coef_.shape == (20, 3)
    assert fitted.theta_range_ == (0.8, 1.2)
    # equal population in the pooled sample: each simulated fraction ≈ 1/20 on average
    assert fitted.fractions_.mean(axis=0) == pytest.approx(np.full(20, 0.05), abs=2e-3)
    # at an unseen θ the interpolated probabilities match the exact ones
    p = fitted.predict(np.array([0.93, TRUE, 1.17]))
    assert p.shape == (3, 20)
    assert p.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-12)
    for row, theta in zip(p, (0.93, TRUE, 1.17), strict=True):
        assert row == pytest.approx(exact_probabilities(fitted.edges_, theta), rel=0.03, abs=2e-4)


def test_nll_is_minimal_near_the_truth_for_a_large_sample(fitted):
    x = np.random.default_rng(3).exponential(1.0 / TRUE, 200_000)
    grid = np.linspace(0.8, 1.2, 81)
    nll = fitted.nll(x, grid)
    assert nll.shape == (81,)
    assert grid[np.argmin(nll)] == pytest.approx(TRUE, abs=0.01)  # σ ≈ 0.0023 here


def test_measure_is_close_to_the_unbinned_optimum(fitted):
    n = 2000
    x = np.random.default_rng(4).exponential(1.0 / TRUE, n)
    result = fitted.measure(x)
    sigma = TRUE / np.sqrt(n)  # Cramér-Rao bound of the unbinned fit
    # binned and unbinned estimates differ by ≈ 0.25σ (the information the bins lose)
    assert result.estimate == pytest.approx(n / x.sum(), abs=0.75 * sigma)
    # 20 equal-population bins keep most of the information: width within [1, 1.15] × unbinned
    assert 1.0 * sigma < result.width68 / 2 < 1.15 * sigma
    lo, hi = result.interval95
    assert lo < result.interval68[0] < result.estimate < result.interval68[1] < hi


def test_neyman_coverage_of_the_template_fit(simulation, fitted):
    n_toys, size = 300, 2000
    pool = np.random.default_rng(5).exponential(1.0 / TRUE, n_toys * size)
    toys = draw_toys(len(pool), n_toys, size, seed=6)
    result = neyman_coverage([_measure_or_none(fitted, pool[t]) for t in toys], TRUE)
    # a toy whose 95 % interval would leave the simulated range fails (counted as not covering)
    assert result.n_toys == 300 and result.n_failed <= 3
    assert result.coverage68 == pytest.approx(0.683, abs=0.05)  # binomial σ ≈ 0.027
    assert result.coverage95 == pytest.approx(0.95, abs=0.03)  # binomial σ ≈ 0.013
    assert abs(result.bias) < 3 * result.bias_error  # unbiased within 3 standard errors
    # the spread of the estimates is what the intervals claim
    assert np.std(result.estimates) == pytest.approx(result.mean_width68 / 2, rel=0.12)


def _measure_or_none(fit: TemplateFit, x: np.ndarray):
    try:
        return fit.measure(x)
    except ScanError:
        return None


def test_explicit_edges_range_and_discrete_observables():
    rng = np.random.default_rng(7)
    theta = np.repeat([1.0, 2.0, 3.0], 5000)
    counts = rng.poisson(theta)  # a discrete observable, like a multiplicity
    fit = TemplateFit(bins=20, degree=1).fit(counts, theta)
    assert len(fit.edges_) < 21  # repeated quantiles merged
    assert np.all(np.diff(fit.edges_) > 0)
    edges = np.array([0.0, 1.0, 2.0, 4.0, 10.0])
    assert np.array_equal(TemplateFit(bins=edges).fit(counts, theta).edges_, edges)
    ranged = TemplateFit(bins=4, range=(0.0, 8.0)).fit(counts, theta)
    assert np.allclose(ranged.edges_, [0, 2, 4, 6, 8])
    # open outer bins: every event is counted
    assert ranged.counts(np.array([-5.0, 1.0, 100.0])).tolist() == [2.0, 0.0, 0.0, 1.0]


def test_theta_outside_the_simulated_range_is_refused(fitted):
    with pytest.raises(ValueError, match=r"outside the simulated range \[0.8, 1.2\]"):
        fitted.predict(np.array([1.0, 1.3]))
    with pytest.raises(ValueError, match="outside the simulated range"):
        fitted.nll(np.ones(10), np.array([0.7, 1.0]))
    with pytest.raises(ValueError, match="outside the simulated range"):
        fitted.measure(np.ones(10), theta_grid=np.linspace(0.5, 1.0, 5))
    # data whose best θ lies beyond the templates: no extrapolation
    far = np.random.default_rng(8).exponential(1.0 / 1.6, 5000)
    with pytest.raises(ScanError, match="simulated θ range"):
        fitted.measure(far)


def test_bad_input_raises_clear_errors(simulation, fitted):
    x, theta = simulation
    with pytest.raises(NotFittedError, match="fit"):
        TemplateFit().predict(1.0)
    with pytest.raises(ValueError, match="ONE observable"):
        TemplateFit().fit(np.ones((10, 2)), np.ones(10))
    with pytest.raises(ValueError, match="ONE observable"):
        fitted.nll(np.ones((10, 3)), GRID)
    with pytest.raises(ValueError, match="same number of rows"):
        TemplateFit().fit(x[:10], theta[:9])
    with pytest.raises(ValueError, match="NaN"):
        fitted.measure(np.array([1.0, np.nan, 0.5]))
    with pytest.raises(ValueError, match="at least 4 distinct"):
        TemplateFit(degree=3).fit(x[:30], np.repeat([1.0, 2.0, 3.0], 10))
    with pytest.raises(ValueError, match="integer ≥ 2"):
        TemplateFit(bins=1).fit(x[:30], np.repeat([1.0, 2.0, 3.0], 10))
    with pytest.raises(ValueError, match="strictly increasing"):
        TemplateFit(bins=np.array([0.0, 2.0, 1.0])).fit(x[:30], np.repeat([1.0, 2.0, 3.0], 10))


def test_weighted_templates_match_unweighted_ones_with_unit_weights(fitted, tmp_path):
    rng = np.random.default_rng(5)
    theta = np.repeat([0.9, 1.0, 1.1], 4000)
    x = rng.exponential(1.0 / theta)
    plain = TemplateFit(bins=10).fit(x, theta)
    weighted = TemplateFit(bins=10).fit(x, theta, sample_weight=np.full(len(x), 2.5))
    assert np.allclose(plain.predict(1.05), weighted.predict(1.05))
    assert np.allclose(plain.fraction_errors_, weighted.fraction_errors_)
    again = TemplateFit.load(fitted.save(tmp_path / "templates"))
    assert np.array_equal(again.edges_, fitted.edges_)
    assert again.measure(x[:2000]) == fitted.measure(x[:2000])
    with pytest.raises(ValueError, match="sample_weight"):
        TemplateFit(bins=10).fit(x, theta, sample_weight=np.ones(10))
