"""profile_scan: exact answers on known likelihoods, and clear errors on bad grids."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from hepml_course.inference import Interval, ScanError, profile_scan
from hepml_course.inference.scan import DELTA_95


def test_exact_parabola_gives_the_gaussian_intervals():
    a, sigma = 1.3, 0.2
    grid = np.linspace(0.5, 2.1, 17)
    result = profile_scan(grid, (grid - a) ** 2 / (2 * sigma**2) + 42.0)
    assert result.estimate == pytest.approx(a, abs=1e-4)
    assert result.interval68 == pytest.approx((a - sigma, a + sigma), abs=1e-4)
    z95 = 1.959964
    assert result.interval95 == pytest.approx((a - z95 * sigma, a + z95 * sigma), abs=1e-4)
    assert result.width68 == pytest.approx(2 * sigma, abs=2e-4)


def test_small_parameter_scale_like_alpha_s():
    a, sigma = 0.1365, 0.0021
    grid = np.linspace(0.110, 0.150, 9)
    result = profile_scan(grid, (grid - a) ** 2 / (2 * sigma**2))
    assert result.estimate == pytest.approx(a, abs=1e-6)
    assert result.interval68 == pytest.approx((a - sigma, a + sigma), abs=1e-6)


def test_asymmetric_exponential_likelihood():
    # n events x ~ Exponential(rate θ) with sum S: −ln L = θ S − n ln θ, θ̂ = n/S;
    # the crossings are asymmetric (longer on the high side)
    n, total = 50, 40.0
    grid = np.linspace(0.6, 2.6, 201)
    result = profile_scan(grid, grid * total - n * np.log(grid))

    def nll(t):
        return t * total - n * np.log(t) - (n - n * np.log(n / total))

    hat = n / total
    lo68, hi68 = brentq(lambda t: nll(t) - 0.5, 0.6, hat), brentq(lambda t: nll(t) - 0.5, hat, 2.6)
    lo95 = brentq(lambda t: nll(t) - DELTA_95, 0.6, hat)
    hi95 = brentq(lambda t: nll(t) - DELTA_95, hat, 2.6)
    assert result.estimate == pytest.approx(hat, abs=1e-5)
    assert result.interval68 == pytest.approx((lo68, hi68), abs=1e-5)
    assert result.interval95 == pytest.approx((lo95, hi95), abs=1e-5)
    assert hi68 - hat > hat - lo68  # the asymmetry is real and kept


def test_interval_helpers():
    iv = Interval(1.0, (0.9, 1.2), (0.8, 1.4))
    assert iv.contains(1.15) and not iv.contains(1.3) and iv.contains(1.3, cl=0.95)
    assert iv.width68 == pytest.approx(0.3) and iv.width95 == pytest.approx(0.6)
    assert iv.to_dict() == {"estimate": 1.0, "interval68": [0.9, 1.2], "interval95": [0.8, 1.4]}
    with pytest.raises(ValueError, match=r"0\.68 or 0\.95"):
        iv.contains(1.0, cl=0.9)


def test_minimum_at_the_grid_edge_is_refused():
    grid = np.linspace(1.0, 2.0, 11)
    with pytest.raises(ScanError, match=r"upper edge .*\[1, 2\].*widen the grid on the upper"):
        profile_scan(grid, (grid - 2.5) ** 2 / 0.02)
    with pytest.raises(ScanError, match="lower edge"):
        profile_scan(grid, (grid - 0.5) ** 2 / 0.02)


def test_a_crossing_outside_the_grid_is_refused():
    grid = np.linspace(1.0, 2.0, 11)
    # minimum inside (1.5) but the 95 % crossings at 1.5 ± 0.98 are outside
    with pytest.raises(ScanError, match=r"95 % crossing .*outside the scanned grid"):
        profile_scan(grid, (grid - 1.5) ** 2 / (2 * 0.5**2))
    # and a minimum inside with even the 68 % crossing outside
    with pytest.raises(ScanError, match="68 % crossing"):
        profile_scan(grid, (grid - 1.5) ** 2 / (2 * 2.0**2))


@pytest.mark.parametrize(
    ("grid", "nll", "match"),
    [
        ([1.0, 3.0, 2.0, 4.0], [1.0, 0.0, 0.5, 2.0], "strictly increasing"),
        ([1.0, 2.0, 2.0, 4.0], [1.0, 0.0, 0.5, 2.0], "strictly increasing"),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 2.0], "one value per θ"),
        ([1.0, 2.0, 3.0, 4.0], [1.0, np.nan, 0.0, 2.0], "NaN"),
        ([1.0, 2.0, 3.0], [1.0, 0.0, 1.0], "at least 4"),
        ([1.0, np.inf, 3.0, 4.0], [1.0, 0.0, 0.5, 2.0], "NaN/infinite"),
    ],
)
def test_bad_grids_raise_clear_errors(grid, nll, match):
    with pytest.raises(ValueError, match=match):
        profile_scan(np.array(grid), np.array(nll))
