"""Profile-likelihood scans: an estimate with its 68 % and 95 % intervals from −ln L.

The intervals are the likelihood-ratio (Wilks) intervals of one parameter: the
set of θ where −ln L(θ) − min(−ln L) stays below Δ = 0.5 (68.27 %, "1σ") or
Δ = χ²₁(0.95)/2 = 1.92 (95 %).  They are exact confidence intervals only
asymptotically; a Neyman toy study (:mod:`hepml_course.inference.coverage`)
measures whether they cover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq
from scipy.stats import chi2

from hepml_course.inference.errors import ScanError

#: Δ(−ln L) of the 68.27 % (1σ) interval.
DELTA_68 = 0.5
#: Δ(−ln L) of the 95 % interval (χ²₁ quantile / 2 ≈ 1.92).
DELTA_95 = float(chi2.ppf(0.95, 1) / 2)
#: Minuit's convergence tolerance (its default is 0.1; scans are cheap, so be precise).
_TOL = 1e-6


@dataclass(frozen=True)
class Interval:
    """A measurement of one parameter: the estimate and two confidence intervals.

    Attributes
    ----------
    estimate
        θ̂, the minimum of −ln L (same unit as θ).
    interval68
        (lo, hi) where −ln L rises by 0.5 above its minimum (68.27 % CL).
    interval95
        (lo, hi) where it rises by 1.92 (95 % CL).
    """

    estimate: float
    interval68: tuple[float, float]
    interval95: tuple[float, float]

    @property
    def width68(self) -> float:
        """hi − lo of the 68 % interval."""
        return self.interval68[1] - self.interval68[0]

    @property
    def width95(self) -> float:
        """hi − lo of the 95 % interval."""
        return self.interval95[1] - self.interval95[0]

    def contains(self, value: float, *, cl: float = 0.68) -> bool:
        """Whether ``value`` lies inside the interval of confidence level ``cl`` (0.68 or 0.95)."""
        if cl == 0.68:
            lo, hi = self.interval68
        elif cl == 0.95:
            lo, hi = self.interval95
        else:
            raise ValueError(f"cl must be 0.68 or 0.95 (the intervals stored), got {cl}")
        return bool(lo <= value <= hi)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able ``{"estimate", "interval68", "interval95"}`` (lists for the intervals)."""
        return {
            "estimate": self.estimate,
            "interval68": list(self.interval68),
            "interval95": list(self.interval95),
        }


def check_grid(theta_grid: Any, name: str = "theta_grid", min_points: int = 3) -> np.ndarray:
    """A finite, strictly increasing 1-D float64 grid of at least ``min_points`` values."""
    grid = np.asarray(theta_grid, dtype=np.float64)
    if grid.ndim != 1 or len(grid) < min_points:
        raise ValueError(
            f"{name} must be a 1-D array of at least {min_points} θ values, got shape {grid.shape}"
        )
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"{name} contains NaN/infinite values: give finite θ values")
    if np.any(np.diff(grid) <= 0):
        raise ValueError(
            f"{name} must be strictly increasing (sorted, no repeated value), got {grid}: "
            "sort it, e.g. np.unique(theta_grid)"
        )
    return grid


def theta_outside(
    theta: Any, theta_range: tuple[float, float], name: str = "θ"
) -> tuple[np.ndarray, np.ndarray]:
    """``theta`` as a finite 1-D float64 array, and its values outside ``theta_range``.

    Raises
    ------
    ValueError
        If ``theta`` is not a finite scalar or 1-D array.
    """
    th = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    if th.ndim != 1 or not np.all(np.isfinite(th)):
        raise ValueError(f"{name} must be finite θ value(s) (a scalar or 1-D array), got {theta!r}")
    lo, hi = theta_range
    return th, th[(th < lo) | (th > hi)]


def _crossing(f: Callable[[float], float], a: float, b: float) -> float:
    """The root of ``f`` between ``a`` and ``b`` (``f`` changes sign there)."""
    return float(brentq(f, a, b, xtol=1e-12, rtol=1e-12))


def minimise_1d(
    fcn: Callable[[float], float],
    start: float,
    bounds: tuple[float, float],
    *,
    what: str,
) -> Interval:
    """Minimise a one-parameter −ln L with Minuit, then MINOS at 68 % and 95 %.

    Parameters
    ----------
    fcn
        −ln L(θ) (any additive constant), defined on ``bounds``.
    start
        Starting value of θ.
    bounds
        (lo, hi): the range where ``fcn`` is valid; the minimum and every
        crossing must lie strictly inside it, else :class:`ScanError`.
    what
        How the error messages name the range (e.g. "the scanned grid").

    Returns
    -------
    Interval
    """
    from iminuit import Minuit

    lo, hi = bounds

    def _fcn(t: float) -> float:
        return float(fcn(t))

    minuit = Minuit(_fcn, float(start), name=("theta",))
    minuit.errordef = Minuit.LIKELIHOOD  # 0.5
    minuit.tol = _TOL
    minuit.strategy = 2
    minuit.limits = [(lo, hi)]
    minuit.migrad()
    estimate = float(minuit.values[0])
    fmin = float(minuit.fval)
    span = hi - lo
    if not minuit.valid or min(estimate - lo, hi - estimate) < 1e-6 * span:
        raise ScanError(
            f"the minimum of −ln L is not inside {what} [{lo:.6g}, {hi:.6g}]: MIGRAD ends at "
            f"θ = {estimate:.6g} (at its edge or not converged); widen the range beyond that side"
        )
    intervals = []
    for cl, delta in ((None, DELTA_68), (0.95, DELTA_95)):
        for edge, side in ((lo, "lower"), (hi, "upper")):
            if _fcn(edge) - fmin < delta:
                raise ScanError(
                    f"the {side} {'68' if cl is None else '95'} % crossing "
                    f"(Δ(−ln L) = {delta:.3g}) lies outside {what} [{lo:.6g}, {hi:.6g}]: "
                    f"at its {side} edge θ = {edge:.6g}, −ln L is only {_fcn(edge) - fmin:.3g} "
                    f"above the minimum at θ̂ = {estimate:.6g}; widen the range on the {side} side"
                )
        minuit.minos(cl=cl)
        me = minuit.merrors["theta"]
        bounds_cl = []
        for edge, err, valid in ((lo, me.lower, me.lower_valid), (hi, me.upper, me.upper_valid)):
            value = estimate + err
            between = (min(edge, estimate), max(edge, estimate))
            if not valid or not between[0] < value < between[1]:
                # MINOS failed: the crossing is bracketed (checked above), so find the root
                value = _crossing(lambda t, d=delta: _fcn(t) - fmin - d, *between)
            bounds_cl.append(float(value))
        intervals.append((bounds_cl[0], bounds_cl[1]))
    return Interval(estimate, intervals[0], intervals[1])


def profile_scan(theta_grid: Any, nll: Any) -> Interval:
    """Estimate and intervals from −ln L values on a grid of θ.

    A cubic spline (``scipy.interpolate.CubicSpline``, not-a-knot: exact for
    polynomials up to degree 3) interpolates −ln L between the grid points;
    Minuit minimises the spline (``errordef = 0.5``) and MINOS finds where it
    rises by 0.5 (68.27 %) and by 1.92 (95 %) above the minimum.

    Parameters
    ----------
    theta_grid
        (G,) strictly increasing θ values, G ≥ 4.
    nll
        (G,) −ln L at each θ (any additive constant).

    Returns
    -------
    Interval

    Raises
    ------
    ScanError
        The smallest −ln L is at an edge of the grid, or −ln L does not rise by
        1.92 above the minimum before an edge: widen the grid.
    ValueError
        Grid not strictly increasing, lengths differ, non-finite values.
    """
    grid = check_grid(theta_grid, min_points=4)
    values = np.asarray(nll, dtype=np.float64)
    if values.shape != grid.shape:
        raise ValueError(
            f"nll must have one value per θ of the grid: theta_grid has shape {grid.shape}, "
            f"nll has {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "nll contains NaN/infinite values: the likelihood is undefined at "
            f"θ = {grid[~np.isfinite(values)]}; check the model there or narrow the grid"
        )
    best = int(np.argmin(values))
    what = "the scanned grid"
    if best in (0, len(grid) - 1):
        side = "lower" if best == 0 else "upper"
        raise ScanError(
            f"the smallest −ln L of the scan is at θ = {grid[best]:.6g}, the {side} edge of "
            f"{what} [{grid[0]:.6g}, {grid[-1]:.6g}]: the minimum is not bracketed; "
            f"widen the grid on the {side} side"
        )
    spline = CubicSpline(grid, values - values[best])
    return minimise_1d(spline, grid[best], (grid[0], grid[-1]), what=what)
