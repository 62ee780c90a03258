"""Figures of merit of track finding: edges, tracks, TrackML score, scaling.

Conventions (as in the TrackML challenge and the Exa.TrkX papers):

* **Edge efficiency**: fraction of true edges (both hits from one particle)
  whose score passes the threshold; **edge purity**: fraction of selected
  edges that are true.
* **Double-majority matching**: a track matches a particle if more than half
  of the track's hits come from the particle *and* the track holds more than
  half of the particle's hits.
* **Reconstructable** particle: pT above ``pt_min_gev`` and at least
  ``min_hits`` hits.
* **Track efficiency**: fraction of reconstructable particles matched by a
  track (double majority).
* **Fake rate**: fraction of tracks in which no particle contributes more
  than half of the hits (as in ACTS's track-finding performance writer) —
  a mix of several particles.
* **Duplicate rate**: fraction of tracks whose majority particle already has
  another, larger track (e.g. the short piece of a track broken in two).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def edge_efficiency_purity(
    y: np.ndarray,
    selected: np.ndarray,
    mask_true: np.ndarray | None = None,
) -> dict[str, float]:
    """Edge efficiency and purity.

    Parameters
    ----------
    y
        Truth per edge (bool).
    selected
        Edges kept (bool), e.g. ``scores > 0.5``.
    mask_true
        Optional restriction of the efficiency denominator (e.g. edges of
        particles with pT > 1 GeV); the purity always uses every selected edge.

    Returns
    -------
    dict
        ``efficiency`` and ``purity`` (NaN when undefined, e.g. no edges).
    """
    y = np.asarray(y, dtype=bool)
    selected = np.asarray(selected, dtype=bool)
    if y.shape != selected.shape:
        raise ValueError(f"y and selected need the same shape, got {y.shape} and {selected.shape}")
    true = y if mask_true is None else y & np.asarray(mask_true, dtype=bool)
    n_true, n_sel = int(true.sum()), int(selected.sum())
    eff = float((selected & true).sum() / n_true) if n_true else float("nan")
    pur = float((selected & y).sum() / n_sel) if n_sel else float("nan")
    return {"efficiency": eff, "purity": pur}


def binned_edge_metrics(
    y: np.ndarray, selected: np.ndarray, values: np.ndarray, bins: np.ndarray
) -> dict[str, np.ndarray]:
    """Edge efficiency and purity in bins of ``values`` (e.g. the particle pT, GeV).

    Returns
    -------
    dict
        ``centers``, ``efficiency``, ``purity`` (NaN in empty bins), ``n_true``.
    """
    y = np.asarray(y, dtype=bool)
    selected = np.asarray(selected, dtype=bool)
    values = np.asarray(values, dtype=np.float64)
    index = np.digitize(values, bins) - 1
    n = len(bins) - 1
    ok = (index >= 0) & (index < n)
    count = lambda m: np.bincount(index[ok & m], minlength=n).astype(float)  # noqa: E731
    n_true, n_sel, n_good = count(y), count(selected), count(y & selected)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "centers": 0.5 * (bins[1:] + bins[:-1]),
            "efficiency": np.where(n_true > 0, n_good / n_true, np.nan),
            "purity": np.where(n_sel > 0, n_good / n_sel, np.nan),
            "n_true": n_true,
        }


def _pair_counts(labels: np.ndarray, particle: np.ndarray) -> tuple[np.ndarray, ...]:
    """(track, particle, common hits) for every pair sharing at least one hit."""
    on = labels >= 0
    t, p = labels[on], particle[on]
    if len(t) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    key = t * (int(particle.max()) + 2) + (p + 1)
    uniq, counts = np.unique(key, return_counts=True)
    return uniq // (int(particle.max()) + 2), uniq % (int(particle.max()) + 2) - 1, counts


def match_tracks(
    labels: np.ndarray,
    hit_particle: np.ndarray,
    particle_pt: np.ndarray,
    pt_min_gev: float = 1.0,
    min_hits: int = 5,
) -> dict[str, Any]:
    """Match tracks to particles with the double-majority rule.

    Parameters
    ----------
    labels
        Track id per hit (``-1``: no track), from
        :func:`hepml_course.tracking.tracks.build_tracks`.
    hit_particle
        True particle index per hit (``-1``: unknown, e.g. noise).
    particle_pt
        True pT per particle, GeV.
    pt_min_gev, min_hits
        Definition of a reconstructable particle.

    Returns
    -------
    dict
        ``efficiency``, ``fake_rate``, ``duplicate_rate`` (NaN when undefined),
        ``n_tracks``, ``n_reconstructable``, ``n_matched``, and
        ``matched`` (bool per particle: has a double-majority track).
    """
    labels = np.asarray(labels, dtype=np.int64)
    hit_particle = np.asarray(hit_particle, dtype=np.int64)
    particle_pt = np.asarray(particle_pt, dtype=np.float64)
    if labels.shape != hit_particle.shape:
        raise ValueError(
            f"labels and hit_particle need one entry per hit, got {labels.shape} and "
            f"{hit_particle.shape}"
        )
    n_particles = len(particle_pt)
    known = hit_particle >= 0
    particle_hits = np.bincount(hit_particle[known], minlength=n_particles)
    n_tracks = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    track_hits = np.bincount(labels[labels >= 0], minlength=n_tracks)

    trk, par, common = _pair_counts(labels, hit_particle)
    # majority particle of each track: the pair with most common hits
    order = np.lexsort((-common, trk))
    first = np.unique(trk[order], return_index=True)[1]
    best = order[first]
    t_best, p_best, c_best = trk[best], par[best], common[best]
    track_majority = (p_best >= 0) & (2 * c_best > track_hits[t_best])
    p_safe = np.where(p_best >= 0, p_best, 0)
    double = track_majority & (2 * c_best > particle_hits[p_safe])

    matched = np.zeros(n_particles, dtype=bool)
    matched[p_best[double]] = True
    reconstructable = (particle_pt > pt_min_gev) & (particle_hits >= min_hits)
    n_rec = int(reconstructable.sum())
    n_matched = int((matched & reconstructable).sum())

    # duplicates: tracks whose majority particle is the majority particle of a larger track
    maj_particle = p_best[track_majority]
    maj_common = c_best[track_majority]
    by_particle = np.lexsort((-maj_common, maj_particle))
    sorted_particles = maj_particle[by_particle]
    is_first = np.ones(len(sorted_particles), dtype=bool)
    is_first[1:] = sorted_particles[1:] != sorted_particles[:-1]
    n_duplicates = int((~is_first).sum())

    return {
        "efficiency": n_matched / n_rec if n_rec else float("nan"),
        "fake_rate": float((~track_majority).sum() / n_tracks) if n_tracks else float("nan"),
        "duplicate_rate": n_duplicates / n_tracks if n_tracks else float("nan"),
        "n_tracks": n_tracks,
        "n_reconstructable": n_rec,
        "n_matched": n_matched,
        "matched": matched,
    }


def trackml_score(
    labels: np.ndarray, hit_particle: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """TrackML score: weighted fraction of hits on double-majority-matched tracks.

    For each track, the particle sharing most of its hits is found; if the pair
    is double-majority matched, the weights of their common hits count.  Hits
    on no track (``-1``) count as single-hit tracks.  With ``weights=None``
    every hit with a known particle weighs the same (the challenge weighted
    hits by their position on the track and the particle's pT; we do not).

    Returns
    -------
    float
        Score in [0, 1]; NaN if no hit has a known particle.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    hit_particle = np.asarray(hit_particle, dtype=np.int64)
    if weights is None:
        weights = (hit_particle >= 0).astype(np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    total = weights.sum()
    if total <= 0:
        return float("nan")
    alone = labels < 0
    start = labels.max() + 1 if len(labels) else 0
    labels[alone] = start + np.arange(alone.sum())
    n_tracks = int(labels.max()) + 1 if len(labels) else 0
    track_hits = np.bincount(labels, minlength=n_tracks)
    known = hit_particle >= 0
    particle_hits = np.bincount(hit_particle[known], minlength=max(hit_particle.max() + 1, 0))
    trk, par, common = _pair_counts(labels, hit_particle)
    order = np.lexsort((-common, trk))
    best = order[np.unique(trk[order], return_index=True)[1]]
    t_best, p_best, c_best = trk[best], par[best], common[best]
    p_safe = np.where(p_best >= 0, p_best, 0)
    good = (p_best >= 0) & (2 * c_best > track_hits[t_best]) & (2 * c_best > particle_hits[p_safe])
    good_pairs = set(zip(t_best[good].tolist(), p_best[good].tolist(), strict=False))
    if not good_pairs:
        return 0.0
    key = labels * (int(hit_particle.max()) + 2) + hit_particle + 1
    good_keys = np.array([t * (int(hit_particle.max()) + 2) + p + 1 for t, p in good_pairs])
    return float(weights[np.isin(key, good_keys)].sum() / total)


def fit_scaling_exponent(n: Sequence[float], seconds: Sequence[float]) -> float:
    """Exponent α of ``seconds ∝ n^α`` (least squares in log–log).

    Raises
    ------
    ValueError
        With fewer than two sizes or non-positive values.
    """
    n = np.asarray(n, dtype=np.float64)
    t = np.asarray(seconds, dtype=np.float64)
    if len(n) < 2 or len(np.unique(n)) < 2:
        raise ValueError("need at least two different sizes to fit a scaling exponent")
    if (n <= 0).any() or (t <= 0).any():
        raise ValueError("sizes and times must be positive")
    return float(np.polyfit(np.log(n), np.log(t), 1)[0])


def measure(func: Callable[[], Any], repeats: int = 3, memory: bool = True) -> tuple[float, float]:
    """Best wall time (s) of ``repeats`` calls and the peak Python/NumPy memory (MB).

    The memory is the peak traced by :mod:`tracemalloc` during one more call
    (NumPy reports its buffers to it; TensorFlow's own allocator does not, so
    it is a lower bound for TensorFlow work); NaN with ``memory=False``, which
    skips that call.
    """
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    if not memory:
        return best, float("nan")
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak / 2**20
