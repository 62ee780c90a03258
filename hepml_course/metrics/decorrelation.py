"""Figures of merit of mass-decorrelated taggers: rejection, mass sculpting, distance correlation.

A tagger whose cut selects QCD jets of a particular mass "sculpts" the QCD mass
spectrum into a fake bump.  Two numbers measure it:

- :func:`mass_sculpting_jsd`: the Jensen–Shannon divergence (base 2, so in
  [0, 1]) between the QCD mass histogram of all jets and that of the jets passing
  the cut that keeps a given signal efficiency;
- :func:`distance_correlation`: the squared distance correlation dCor² of
  Székely, Rizzo & Bakirov (2007), 0 if and only if two variables are independent
  (used as a penalty by DisCo, Kasieczka & Shih 2020).

With a finite number of QCD jets the JSD has a statistical floor (a random cut
also changes the histogram): :func:`jsd_floor` measures it.

Pure functions: arrays in, numbers out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial.distance import jensenshannon

#: Above this many rows :func:`distance_correlation` uses a seeded random subsample
#: (the exact statistic is O(n²) in time; memory stays O(chunk · n)).
DCOR_MAX_ROWS = 5_000
_CHUNK_ROWS = 1_000


def _vector(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per jet), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN/infinite values: clean or drop those jets")
    return arr


def _same_length(**arrays: np.ndarray) -> int:
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        detail = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ValueError(f"inputs must have one value per jet (same lengths): {detail}")
    return next(iter(lengths.values()))


def _check_efficiency(signal_efficiency: float) -> float:
    eff = float(signal_efficiency)
    if not 0.0 < eff < 1.0:
        raise ValueError(f"signal_efficiency must lie strictly between 0 and 1, got {eff}")
    return eff


def _labels(y_true: Any, n: int) -> np.ndarray:
    y = np.asarray(y_true)
    if y.shape != (n,):
        raise ValueError(f"y_true must have shape ({n},) (one label per jet), got {y.shape}")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y_true must hold 0 (background, QCD) or 1 (signal) only")
    y = y.astype(bool)
    if not y.any() or y.all():
        raise ValueError("y_true needs both signal (1) and background (0) jets")
    return y


# --- distance correlation -------------------------------------------------------------------
def _centred_moments(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted dCov²(x, y), dCov²(x, x), dCov²(y, y) by row chunks (memory O(chunk · n))."""
    wn = w / w.sum()
    # weighted row means of the distance matrices (= column means, by symmetry)
    ra, rb = np.empty(len(x)), np.empty(len(x))
    for s in range(0, len(x), _CHUNK_ROWS):
        a = np.abs(x[s : s + _CHUNK_ROWS, None] - x[None, :])
        b = np.abs(y[s : s + _CHUNK_ROWS, None] - y[None, :])
        ra[s : s + _CHUNK_ROWS], rb[s : s + _CHUNK_ROWS] = a @ wn, b @ wn
    ga, gb = float(wn @ ra), float(wn @ rb)
    xy = xx = yy = 0.0
    for s in range(0, len(x), _CHUNK_ROWS):
        sl = slice(s, s + _CHUNK_ROWS)
        a = np.abs(x[sl, None] - x[None, :]) - ra[sl, None] - ra[None, :] + ga
        b = np.abs(y[sl, None] - y[None, :]) - rb[sl, None] - rb[None, :] + gb
        xy += float(wn[sl] @ ((a * b) @ wn))
        xx += float(wn[sl] @ ((a * a) @ wn))
        yy += float(wn[sl] @ ((b * b) @ wn))
    return xy, xx, yy


def distance_correlation(
    x: Any,
    y: Any,
    weights: Any = None,
    *,
    max_rows: int = DCOR_MAX_ROWS,
    seed: int = 0,
) -> float:
    """Squared distance correlation dCor²(x, y) of two 1-D samples (Székely et al. 2007).

    dCor² = dCov²(x, y) / sqrt(dCov²(x, x) · dCov²(y, y)), with the (weighted,
    V-statistic) distance covariance built from double-centred matrices of
    |x_i − x_j| and |y_i − y_j|, as in the DisCo penalty (Kasieczka & Shih 2020).
    It lies in [0, 1]; it is 0 for independent variables (up to a positive
    finite-sample bias ~ 1/n) and 1 for y = a·x + b.  It is invariant under shifts
    and scalings of either variable.

    Parameters
    ----------
    x, y
        Shape (n,) each, any units (e.g. the tagger score and the jet mass in GeV).
    weights
        Optional shape (n,) non-negative event weights.
    max_rows
        Cap on n: above it, a random subsample of ``max_rows`` rows (drawn with
        ``seed``) is used, so the cost stays ≤ O(max_rows²) in time and
        O(1000 · max_rows) in memory.
    seed
        Seed of that subsample (unused when n ≤ max_rows).

    Returns
    -------
    float
        dCor² in [0, 1]; 0 if either variable is constant.
    """
    xa, ya = _vector(x, "x"), _vector(y, "y")
    w = None if weights is None else _vector(weights, "weights")
    n = _same_length(x=xa, y=ya) if w is None else _same_length(x=xa, y=ya, weights=w)
    if n < 2:
        raise ValueError(f"distance_correlation needs at least 2 rows, got {n}")
    if w is None:
        w = np.ones(n)
    elif np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    if max_rows < 2:
        raise ValueError(f"max_rows must be ≥ 2, got {max_rows}")
    if n > max_rows:
        keep = np.random.default_rng(seed).choice(n, size=max_rows, replace=False)
        xa, ya, w = xa[keep], ya[keep], w[keep]
    xy, xx, yy = _centred_moments(xa, ya, w)
    if xx <= 0 or yy <= 0:
        return 0.0
    return float(np.clip(xy / np.sqrt(xx * yy), 0.0, 1.0))


# --- cut at a signal efficiency -----------------------------------------------------------
def signal_efficiency_cut(y_true: Any, score: Any, signal_efficiency: float = 0.5) -> float:
    """Score threshold t such that a fraction ``signal_efficiency`` of signal has score ≥ t.

    Parameters
    ----------
    y_true
        Shape (n,), 1 = signal, 0 = background.
    score
        Shape (n,), larger = more signal-like.
    signal_efficiency
        Wanted ε_S, strictly between 0 and 1.

    Returns
    -------
    float
        The k-th highest signal score, k = ceil(ε_S · n_signal).
    """
    s = _vector(score, "score")
    y = _labels(y_true, len(s))
    eff = _check_efficiency(signal_efficiency)
    sig = np.sort(s[y])[::-1]
    k = max(int(np.ceil(eff * len(sig))), 1)
    return float(sig[k - 1])


def background_rejection(y_true: Any, score: Any, signal_efficiency: float = 0.5) -> float:
    """Background rejection 1/ε_B at the cut that keeps ``signal_efficiency`` of the signal.

    Parameters
    ----------
    y_true
        Shape (n,), 1 = signal (W/Z jet), 0 = background (QCD jet).
    score
        Shape (n,), larger = more signal-like.
    signal_efficiency
        ε_S of the cut (see :func:`signal_efficiency_cut`), strictly in (0, 1).

    Returns
    -------
    float
        1/ε_B, ``inf`` if no background jet passes.
    """
    s = _vector(score, "score")
    y = _labels(y_true, len(s))
    cut = signal_efficiency_cut(y, s, signal_efficiency)
    eps_b = float(np.mean(s[~y] >= cut))
    return float("inf") if eps_b == 0 else 1.0 / eps_b


# --- mass sculpting ---------------------------------------------------------------------------
def _histogram(mass: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts in ``edges``; masses outside the range are put in the first/last bin."""
    clipped = np.clip(mass, edges[0], edges[-1])
    return np.histogram(clipped, bins=edges)[0].astype(np.float64)


def _edges(mass: np.ndarray, bins: int | Any, mass_range: tuple[float, float] | None) -> np.ndarray:
    if np.ndim(bins) == 0:
        n_bins = int(bins)
        if n_bins < 2:
            raise ValueError(f"bins must be ≥ 2 (or an array of edges), got {bins}")
        lo, hi = (float(mass.min()), float(mass.max())) if mass_range is None else mass_range
        if not hi > lo:
            raise ValueError(f"mass range must have hi > lo, got ({lo}, {hi})")
        return np.linspace(lo, hi, n_bins + 1)
    edges = np.asarray(bins, dtype=np.float64)
    if edges.ndim != 1 or len(edges) < 3 or np.any(np.diff(edges) <= 0):
        raise ValueError("bins given as edges must be ≥ 3 strictly increasing values")
    return edges


def histogram_jsd(p: Any, q: Any) -> float:
    """Jensen–Shannon divergence (base 2, in [0, 1]) between two histograms (normalised here).

    Parameters
    ----------
    p, q
        Shape (n_bins,) non-negative counts or densities with a positive sum.
    """
    pa, qa = _vector(p, "p"), _vector(q, "q")
    _same_length(p=pa, q=qa)
    if np.any(pa < 0) or np.any(qa < 0) or pa.sum() <= 0 or qa.sum() <= 0:
        raise ValueError("histograms must be non-negative with a positive sum")
    # scipy returns the Jensen–Shannon *distance*, the square root of the divergence
    return float(jensenshannon(pa / pa.sum(), qa / qa.sum(), base=2) ** 2)


def mass_sculpting_jsd(
    mass_gev: Any,
    score: Any,
    y_true: Any,
    signal_efficiency: float = 0.5,
    bins: int | Any = 40,
    mass_range: tuple[float, float] | None = None,
) -> float:
    """JSD between the QCD mass distribution of all QCD jets and of those passing the cut.

    The cut keeps ``signal_efficiency`` of the signal (:func:`signal_efficiency_cut`).
    The divergence is in base 2 (bits), so it lies in [0, 1]: 0 = the cut leaves the
    QCD mass shape unchanged, 1 = the passing jets occupy mass bins that are
    otherwise empty.  With few passing QCD jets it has a positive statistical
    floor (:func:`jsd_floor`).

    Parameters
    ----------
    mass_gev
        Shape (n,), jet mass in GeV (all jets; only QCD jets, y_true = 0, are used).
    score
        Shape (n,), tagger output, larger = more signal-like.
    y_true
        Shape (n,), 1 = signal, 0 = QCD.
    signal_efficiency
        ε_S of the cut, strictly in (0, 1).
    bins
        Number of equal-width bins (default 40) or an array of bin edges (GeV).
    mass_range
        (low, high) in GeV for an integer ``bins``; default: min and max of the
        QCD masses given.  Masses outside are counted in the first/last bin.
        Fix it (as the studies do) to compare taggers on different samples.

    Returns
    -------
    float
        JSD in [0, 1] (bits).  ``nan`` is never returned: if no QCD jet passes,
        a ``ValueError`` explains that the cut is too tight for this sample.
    """
    m = _vector(mass_gev, "mass_gev")
    s = _vector(score, "score")
    _same_length(mass_gev=m, score=s)
    y = _labels(y_true, len(s))
    cut = signal_efficiency_cut(y, s, signal_efficiency)
    qcd_mass, qcd_pass = m[~y], s[~y] >= cut
    edges = _edges(qcd_mass, bins, mass_range)
    if not qcd_pass.any():
        raise ValueError(
            "no QCD jet passes the cut: the JSD is undefined; use more QCD jets or a "
            "higher signal_efficiency"
        )
    return histogram_jsd(_histogram(qcd_mass, edges), _histogram(qcd_mass[qcd_pass], edges))


def jsd_floor(
    mass_gev: Any,
    pass_fraction: float,
    *,
    bins: int | Any = 40,
    mass_range: tuple[float, float] | None = None,
    n_repeats: int = 50,
    seed: int = 0,
) -> tuple[float, float]:
    """Statistical floor of :func:`mass_sculpting_jsd`: a cut that ignores the mass.

    Keeps a random ``pass_fraction`` of the QCD jets (at least one) and measures
    the JSD between all jets and the kept ones, ``n_repeats`` times.  A tagger
    whose JSD is at this level does not sculpt the mass within the sample's
    statistical precision.

    Parameters
    ----------
    mass_gev
        Shape (n_qcd,), masses of the QCD jets in GeV.
    pass_fraction
        Fraction of QCD jets passing (1 / rejection of the tagger), in (0, 1).
    bins, mass_range
        As in :func:`mass_sculpting_jsd` (use the same ones).
    n_repeats
        Number of random selections.
    seed
        Seed of the selections.

    Returns
    -------
    (mean, std) : tuple of float
        Mean and standard deviation of the JSD over the repeats.
    """
    m = _vector(mass_gev, "mass_gev")
    frac = float(pass_fraction)
    if not 0.0 < frac < 1.0:
        raise ValueError(f"pass_fraction must lie strictly between 0 and 1, got {frac}")
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be ≥ 1, got {n_repeats}")
    edges = _edges(m, bins, mass_range)
    full = _histogram(m, edges)
    k = max(round(frac * len(m)), 1)
    rng = np.random.default_rng(seed)
    values = [
        histogram_jsd(full, _histogram(m[rng.choice(len(m), size=k, replace=False)], edges))
        for _ in range(n_repeats)
    ]
    return float(np.mean(values)), float(np.std(values))
