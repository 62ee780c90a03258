"""Figures of the tracking chapter: event displays, graph edges, scaling."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from hepml_course.tracking.graph import Graph
from hepml_course.tracking.hits import Hits


def event_display(
    hits: Hits,
    colour_by: np.ndarray | None = None,
    max_groups: int = 40,
    seed: int = 0,
    axes: Sequence[plt.Axes] | None = None,
) -> Sequence[plt.Axes]:
    """Transverse (x–y) and longitudinal (z–r) views of an event.

    Parameters
    ----------
    hits
        Hits of one event (mm).
    colour_by
        Group label per hit (true particle or track id; ``-1`` drawn grey).
        ``max_groups`` randomly chosen groups are coloured, others grey.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 6), gridspec_kw={"width_ratios": (1, 1.3)})
    ax_xy, ax_rz = axes
    for ax, (u, v) in zip(axes, ((hits.x, hits.y), (hits.z, hits.r)), strict=True):
        ax.scatter(u, v, s=1, c="0.8", rasterized=True)
    if colour_by is not None and len(hits):
        groups = np.unique(colour_by[colour_by >= 0])
        rng = np.random.default_rng(seed)
        chosen = rng.choice(groups, size=min(max_groups, len(groups)), replace=False)
        cmap = plt.get_cmap("tab20")
        for i, g in enumerate(chosen):
            sel = colour_by == g
            order = np.argsort(hits.r[sel])
            for ax, (u, v) in zip(axes, ((hits.x, hits.y), (hits.z, hits.r)), strict=True):
                ax.plot(u[sel][order], v[sel][order], ".-", ms=3, lw=0.8, color=cmap(i % 20))
    ax_xy.set_xlabel("x [mm]")
    ax_xy.set_ylabel("y [mm]")
    ax_xy.set_aspect("equal")
    ax_rz.set_xlabel("z [mm]")
    ax_rz.set_ylabel("r [mm]")
    return axes


def edge_display(hits: Hits, graph: Graph, mask: np.ndarray, ax: plt.Axes, **style) -> plt.Axes:
    """Draw the edges ``graph`` selects with ``mask`` in the x–y view."""
    s, r = graph.senders[mask], graph.receivers[mask]
    xs = np.stack([hits.x[s], hits.x[r], np.full(len(s), np.nan)], axis=1).ravel()
    ys = np.stack([hits.y[s], hits.y[r], np.full(len(s), np.nan)], axis=1).ravel()
    ax.plot(xs, ys, **({"lw": 0.4} | style))
    ax.set_xlabel("x [mm]")
    ax.set_ylabel("y [mm]")
    ax.set_aspect("equal")
    return ax


def scaling_plot(
    series: dict[str, tuple[Sequence[float], Sequence[float]]], ax: plt.Axes | None = None
) -> plt.Axes:
    """Log–log time vs number of hits, one line per method, with fitted exponents."""
    from hepml_course.metrics.tracking import fit_scaling_exponent

    if ax is None:
        _, ax = plt.subplots()
    for name, (n, t) in series.items():
        alpha = fit_scaling_exponent(n, t)
        ax.loglog(n, t, "o-", label=rf"{name} ($\propto n^{{{alpha:.2f}}}$)")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("hits per event")
    ax.set_ylabel("time [s]")
    ax.legend(fontsize=12)
    return ax
