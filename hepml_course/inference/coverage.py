"""Neyman coverage: do the intervals contain the true value as often as they claim?

Pseudo-experiments (toys) are disjoint subsets of a pool of events simulated at
a known true θ; each toy is measured like real data, and the fraction of toys
whose interval contains the truth is the coverage (0.6827 and 0.95 for honest
68 % and 95 % intervals, up to its binomial uncertainty).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hepml_course.inference.errors import ScanError
from hepml_course.inference.scan import Interval, check_grid, profile_scan


def draw_toys(n_pool: int, n_toys: int, size: int, *, seed: int) -> list[np.ndarray]:
    """Disjoint random index sets of a pool of events: one per pseudo-experiment.

    Parameters
    ----------
    n_pool
        Number of events in the pool.
    n_toys
        Number of pseudo-experiments.
    size
        Events per pseudo-experiment.
    seed
        Seeds the draw (same seed → same toys).

    Returns
    -------
    list of numpy.ndarray
        ``n_toys`` sorted int64 arrays of ``size`` indices into the pool; no
        index appears in two toys (the toys are statistically independent).

    Raises
    ------
    ValueError
        ``n_toys * size > n_pool`` (the pool is too small), or a count < 1.
    """
    for name, value in (("n_pool", n_pool), ("n_toys", n_toys), ("size", size)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    need = int(n_toys) * int(size)
    if need > n_pool:
        raise ValueError(
            f"{n_toys} toys of {size} events need {need} distinct events, but the pool has only "
            f"{n_pool}: use fewer or smaller toys, or generate a larger pool"
        )
    chosen = np.random.default_rng(seed).permutation(int(n_pool))[:need]
    return [np.sort(toy) for toy in chosen.reshape(int(n_toys), int(size))]


def toy_intervals(
    theta_grid: Any, log_ratio: Any, toys: Sequence[np.ndarray]
) -> list[Interval | None]:
    """Profile-scan every toy from per-event log-ratios computed once on the whole pool.

    Parameters
    ----------
    theta_grid
        (G,) increasing θ values.
    log_ratio
        (G, n_pool) ln r̂(x_i; θ) of every pool event (e.g.
        ``ParametrisedClassifier.log_ratio(pool, theta_grid)``): the network is
        evaluated once, and each toy's −ln L(θ) = −Σ_{i ∈ toy} ln r̂(x_i; θ).
    toys
        Index arrays from :func:`draw_toys`.

    Returns
    -------
    list of Interval or None
        One per toy; ``None`` where the scan raised :class:`ScanError` (the
        minimum or a crossing outside the grid); :func:`neyman_coverage` counts
        those as not covering.
    """
    grid = check_grid(theta_grid, min_points=4)
    lr = np.asarray(log_ratio, dtype=np.float64)
    if lr.ndim != 2 or lr.shape[0] != len(grid):
        raise ValueError(
            f"log_ratio must have shape (G, n_pool) = ({len(grid)}, n_pool), got {lr.shape}"
        )
    out: list[Interval | None] = []
    for toy in toys:
        try:
            out.append(profile_scan(grid, -lr[:, toy].sum(axis=1)))
        except ScanError:
            out.append(None)
    return out


@dataclass(frozen=True)
class CoverageResult:
    """Outcome of a Neyman toy study.

    Attributes
    ----------
    n_toys
        Number of pseudo-experiments (including failed fits).
    true_value
        The θ the pool was simulated at.
    coverage68, coverage95
        Fraction of toys whose 68 % (95 %) interval contains ``true_value``.
    coverage68_error, coverage95_error
        Binomial standard errors √(c(1 − c)/n_toys).
    mean_width68
        Mean width (hi − lo) of the 68 % intervals.
    bias
        Mean estimate − ``true_value``.
    bias_error
        Standard error of the mean estimate (std / √n).
    n_failed
        Toys without an interval (``None``: the scan failed); counted as not covering.
    estimates
        (n_toys − n_failed,) the estimates of the successful toys.
    """

    n_toys: int
    true_value: float
    coverage68: float
    coverage95: float
    coverage68_error: float
    mean_width68: float
    bias: float
    estimates: np.ndarray = field(repr=False, compare=False)
    coverage95_error: float = 0.0
    bias_error: float = 0.0
    n_failed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (without the per-toy estimates)."""
        return {
            "n_toys": self.n_toys,
            "true_value": self.true_value,
            "coverage68": self.coverage68,
            "coverage68_error": self.coverage68_error,
            "coverage95": self.coverage95,
            "coverage95_error": self.coverage95_error,
            "mean_width68": self.mean_width68,
            "bias": self.bias,
            "bias_error": self.bias_error,
            "n_failed": self.n_failed,
        }


def neyman_coverage(intervals: Sequence[Interval | None], true_value: float) -> CoverageResult:
    """Coverage, mean width and bias of the intervals of a toy study.

    Parameters
    ----------
    intervals
        One :class:`Interval` per toy; ``None`` for a toy whose fit failed
        (counted as not covering, so failures make the coverage conservative
        rather than hide).
    true_value
        The θ the toys were simulated at.

    Returns
    -------
    CoverageResult
    """
    items = list(intervals)
    if not items:
        raise ValueError("intervals is empty: give one Interval (or None) per toy")
    bad = [type(i).__name__ for i in items if i is not None and not isinstance(i, Interval)]
    if bad:
        raise TypeError(f"intervals must hold Interval objects (or None), got {sorted(set(bad))}")
    truth = float(true_value)
    if not np.isfinite(truth):
        raise ValueError(f"true_value must be finite, got {true_value}")
    good = [i for i in items if i is not None]
    if not good:
        raise ValueError(f"all {len(items)} toy fits failed: no interval to judge")
    n = len(items)
    c68 = sum(i.contains(truth, cl=0.68) for i in good) / n
    c95 = sum(i.contains(truth, cl=0.95) for i in good) / n
    estimates = np.array([i.estimate for i in good])
    return CoverageResult(
        n_toys=n,
        true_value=truth,
        coverage68=float(c68),
        coverage95=float(c95),
        coverage68_error=float(np.sqrt(c68 * (1 - c68) / n)),
        coverage95_error=float(np.sqrt(c95 * (1 - c95) / n)),
        mean_width68=float(np.mean([i.width68 for i in good])),
        bias=float(estimates.mean() - truth),
        bias_error=float(estimates.std(ddof=1) / np.sqrt(len(estimates)))
        if len(estimates) > 1
        else float("nan"),
        estimates=estimates,
        n_failed=n - len(good),
    )
