"""Figures of the tracking chapter: event displays, graph edges, scaling, per-stage times."""

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


def stage_times_plot(
    n_hits: Sequence[float],
    times_by_stage: dict[str, Sequence[float]],
    *,
    others: dict[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    fit_min_hits: float = 0.0,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Log–log CPU time per stage of the chain vs number of hits, with fitted exponents.

    Parameters
    ----------
    n_hits
        Hits per event (or per group of events), shape (n_points,).
    times_by_stage
        Time in ms per stage (e.g. ``"graph"``, ``"filter"``, ``"gnn"``,
        ``"tracks"``, ``"total"``), each of shape (n_points,), drawn as solid
        lines; ``"total"`` in black.
    others
        Optional comparison methods, name → (hits, time in ms), drawn dashed in grey
        shades (e.g. the φ-window graph builder).
    fit_min_hits
        The exponent in each label is fitted on the points with at least this
        many hits (all of them by default).
    ax
        Axes to draw on (a new figure by default).

    Raises
    ------
    ValueError
        If a series has another length than ``n_hits``, or if fewer than two
        points have ``fit_min_hits`` hits or more.
    """
    from hepml_course.metrics.tracking import fit_scaling_exponent

    n = np.asarray(n_hits, dtype=float)
    fit = n >= fit_min_hits
    if fit.sum() < 2:
        raise ValueError(
            f"only {int(fit.sum())} point(s) with at least {fit_min_hits:g} hits: lower "
            "fit_min_hits or pass more events"
        )
    for name, t in times_by_stage.items():
        if len(t) != len(n):
            raise ValueError(
                f"stage {name!r} has {len(t)} times for {len(n)} numbers of hits: pass one "
                "time per point"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5.5))
    markers = "os^vDP"
    for i, (name, t) in enumerate(times_by_stage.items()):
        t = np.asarray(t, dtype=float)
        alpha = fit_scaling_exponent(n[fit], t[fit])
        style = {"color": "black", "lw": 2.5} if name == "total" else {"lw": 1.5}
        ax.loglog(
            n,
            t,
            marker=markers[i % len(markers)],
            label=rf"{name} ($\propto n^{{{alpha:.2f}}}$)",
            **style,
        )
    for j, (name, (n_o, t_o)) in enumerate((others or {}).items()):
        if len(n_o) != len(t_o):
            raise ValueError(f"{name!r} has {len(t_o)} times for {len(n_o)} numbers of hits")
        alpha = fit_scaling_exponent(n_o, t_o)
        ax.loglog(
            n_o,
            t_o,
            "x--",
            color=str(0.25 + 0.3 * j),
            lw=1.5,
            label=rf"{name} ($\propto n^{{{alpha:.2f}}}$)",
        )
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("hits per event")
    ax.set_ylabel("CPU time [ms]")
    ax.legend(fontsize=11, loc="upper left")
    return ax
