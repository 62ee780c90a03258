"""Decorrelation metrics: distance correlation, rejection and mass-sculpting JSD on toys."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import decorrelation as dm


def _reference_dcor2(x, y, w=None):
    """Textbook dCor² from full double-centred matrices (small n only)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = np.ones(len(x)) if w is None else np.asarray(w, float)
    w = w / w.sum()
    out = []
    for u in (x, y):
        d = np.abs(u[:, None] - u[None, :])
        r = d @ w
        out.append(d - r[:, None] - r[None, :] + w @ r)
    a, b = out

    def cov(p, q):
        return w @ (p * q) @ w

    return cov(a, b) / np.sqrt(cov(a, a) * cov(b, b))


# --- distance correlation --------------------------------------------------------------------
def test_independent_variables_have_dcor_near_zero():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=3000), rng.exponential(size=3000)
    assert dm.distance_correlation(x, y) < 0.005  # finite-sample bias ~ 1/n


def test_functional_dependence_gives_large_dcor():
    rng = np.random.default_rng(2)
    x = rng.normal(size=2000)
    assert dm.distance_correlation(x, 3.0 * x - 7.0) == pytest.approx(1.0, abs=1e-9)
    # y = x² has zero (Pearson) correlation but a large distance correlation
    assert abs(np.corrcoef(x, x**2)[0, 1]) < 0.1
    assert dm.distance_correlation(x, x**2) > 0.2


def test_dcor_matches_textbook_formula_and_chunking():
    rng = np.random.default_rng(3)
    x = rng.normal(size=2300)  # > one chunk of 1000 rows
    y = np.sin(2 * x) + 0.3 * rng.normal(size=2300)
    w = rng.uniform(0.5, 2.0, size=2300)
    assert dm.distance_correlation(x, y) == pytest.approx(_reference_dcor2(x, y), rel=1e-9)
    assert dm.distance_correlation(x, y, w) == pytest.approx(_reference_dcor2(x, y, w), rel=1e-9)


def test_integer_weights_equal_duplicated_rows():
    x = np.array([0.0, 1.0, 3.0, 4.0, 7.0])
    y = np.array([1.0, 0.0, 2.0, 5.0, 4.0])
    w = np.array([1, 2, 1, 3, 1])
    dup = dm.distance_correlation(np.repeat(x, w), np.repeat(y, w))
    assert dm.distance_correlation(x, y, w) == pytest.approx(dup, rel=1e-12)


def test_dcor_toy_value_and_invariances():
    # two points: any two non-constant variables are perfectly (distance) correlated
    assert dm.distance_correlation([0.0, 1.0], [5.0, -2.0]) == pytest.approx(1.0)
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([1.0, 4.0, 9.0, 16.0, 25.0])
    ref = _reference_dcor2(x, y)
    assert 0.9 < ref < 1.0
    assert dm.distance_correlation(10 * x + 3, 0.1 * y) == pytest.approx(ref, rel=1e-12)
    assert dm.distance_correlation(x, np.full(5, 2.0)) == 0.0


def test_dcor_subsample_above_cap_is_seeded():
    rng = np.random.default_rng(4)
    x = rng.normal(size=3000)
    y = x + rng.normal(size=3000)
    a = dm.distance_correlation(x, y, max_rows=1000, seed=1)
    assert a == dm.distance_correlation(x, y, max_rows=1000, seed=1)
    assert a != dm.distance_correlation(x, y, max_rows=1000, seed=2)
    # a 1000-row subsample scatters by ≈ 0.03 around the full value (0.44)
    assert a == pytest.approx(dm.distance_correlation(x, y), abs=0.1)


# --- rejection -------------------------------------------------------------------------------
def test_background_rejection_toy_value():
    sig = np.arange(1.0, 11.0)  # 5 highest: 10..6 -> cut at 6
    bkg = np.arange(0.0, 10.0)  # 6, 7, 8, 9 pass: eps_B = 0.4
    y = np.r_[np.ones(10), np.zeros(10)]
    score = np.r_[sig, bkg]
    assert dm.signal_efficiency_cut(y, score, 0.5) == 6.0
    assert dm.background_rejection(y, score, 0.5) == pytest.approx(2.5)
    assert dm.background_rejection(y, np.r_[sig + 100, bkg], 0.5) == float("inf")


def test_random_scores_reject_as_efficiency():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 40_000)
    assert dm.background_rejection(y, rng.uniform(size=40_000), 0.5) == pytest.approx(2, rel=0.05)
    assert dm.background_rejection(y, rng.uniform(size=40_000), 0.25) == pytest.approx(4, rel=0.06)


# --- JSD -------------------------------------------------------------------------------------
def test_histogram_jsd_bounds():
    assert dm.histogram_jsd([1, 2, 3], [2, 4, 6]) == pytest.approx(0.0, abs=1e-12)
    assert dm.histogram_jsd([1, 0], [0, 5]) == pytest.approx(1.0)  # base 2: disjoint = 1


def test_mass_sculpting_jsd_toy_value():
    # QCD: 10 jets at 25 GeV (score 0.1), 10 at 75 GeV (score 0.9); signal cut keeps 0.85+
    mass = np.r_[np.full(10, 25.0), np.full(10, 75.0), np.full(20, 80.0)]
    score = np.r_[np.full(10, 0.1), np.full(10, 0.9), np.full(10, 0.85), np.full(10, 0.05)]
    y = np.r_[np.zeros(20), np.ones(20)]
    # all QCD (1/2, 1/2) vs passing (0, 1), mixture (1/4, 3/4)
    p, m = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    hand = 0.5 * np.sum(p * np.log2(p / m)) + 0.5 * 1.0 * np.log2(1.0 / 0.75)
    got = dm.mass_sculpting_jsd(mass, score, y, 0.5, bins=2, mass_range=(0.0, 100.0))
    assert got == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(0.3113, abs=1e-4)


def test_mass_independent_cut_has_jsd_at_floor_and_mass_cut_sculpts():
    rng = np.random.default_rng(6)
    n = 20_000
    mass = rng.exponential(40.0, size=n)
    y = rng.integers(0, 2, n)
    random_score = rng.uniform(size=n)
    edges = np.linspace(0, 300, 41)
    jsd_random = dm.mass_sculpting_jsd(mass, random_score, y, bins=edges)
    floor, floor_std = dm.jsd_floor(mass[y == 0], 0.5, bins=edges, seed=0)
    assert jsd_random < floor + 4 * floor_std
    # a window around 80 GeV for QCD sculpts strongly
    window = np.where(y == 1, rng.uniform(size=n), np.exp(-(((mass - 80) / 10) ** 2)))
    assert dm.mass_sculpting_jsd(mass, window, y, bins=edges) > 30 * floor


def test_jsd_floor_falls_with_pass_fraction_and_is_seeded():
    mass = np.random.default_rng(7).exponential(40.0, size=1500)
    tight, _ = dm.jsd_floor(mass, 1 / 50, bins=40, seed=3)
    loose, _ = dm.jsd_floor(mass, 1 / 5, bins=40, seed=3)
    assert tight > 3 * loose > 0
    assert dm.jsd_floor(mass, 0.1, seed=3) == dm.jsd_floor(mass, 0.1, seed=3)


# --- bad input -------------------------------------------------------------------------------
def test_bad_input_raises_clear_errors():
    y = np.r_[np.zeros(5), np.ones(5)]
    s = np.linspace(0, 1, 10)
    with pytest.raises(ValueError, match="same lengths"):
        dm.distance_correlation(np.ones(5), np.ones(6))
    with pytest.raises(ValueError, match="same lengths"):
        dm.mass_sculpting_jsd(np.ones(9), s, y)
    with pytest.raises(ValueError, match="one label per jet"):
        dm.background_rejection(y[:-1], s)
    for eff in (0.0, 1.0, 1.5, -0.2):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            dm.background_rejection(y, s, eff)
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            dm.mass_sculpting_jsd(s, s, y, eff)
    with pytest.raises(ValueError, match=r"0 .* or 1"):
        dm.background_rejection(np.r_[y[:-1], 2], s)
    with pytest.raises(ValueError, match="both signal"):
        dm.background_rejection(np.zeros(10), s)
    with pytest.raises(ValueError, match="NaN"):
        dm.distance_correlation([0.0, np.nan, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="bins must be"):
        dm.mass_sculpting_jsd(s, s, y, bins=1)
    with pytest.raises(ValueError, match="non-negative"):
        dm.distance_correlation([0.0, 1.0], [1.0, 2.0], weights=[-1.0, 2.0])
    with pytest.raises(ValueError, match="pass_fraction"):
        dm.jsd_floor(s, 1.0)
