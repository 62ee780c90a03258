"""HEP plot style and the few plot kinds every chapter uses.

Built on :mod:`mplhep` (style, labels, histogram drawing) and :mod:`hist`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import mplhep
import numpy as np

__all__ = ["frontier_plot", "label", "pareto_front", "plot_fit", "ratio_axes", "use_style"]

#: Text shown in the experiment label of every figure.
LABEL_TEXT = "hepml-course"


def use_style() -> None:
    """Apply the course's plot style (mplhep's CMS-like style)."""
    mplhep.style.use(mplhep.style.CMS)
    plt.rcParams.update({"figure.figsize": (7, 5.5), "font.size": 16})


def label(
    ax: plt.Axes | None = None,
    text: str = "Simulation",
    lumi: float | None = None,
    com_tev: float | None = 13,
) -> None:
    """Experiment label: "hepml-course <text>" on the left, luminosity and √s on the right.

    Parameters
    ----------
    ax
        Axes to label (the current ones if None).
    text
        Text after the experiment name ("Simulation", "Simulation Preliminary" ...).
    lumi
        Integrated luminosity in fb⁻¹, or None to leave it out.
    com_tev
        Centre-of-mass energy in TeV, or None for samples without collisions
        (a calorimeter test beam, a particle gun).
    """
    # data=True: mplhep would otherwise prepend its own "Simulation" to ``text``
    mplhep.label.exp_label(
        exp=LABEL_TEXT, text=text, lumi=lumi, com=com_tev, ax=ax, data=True, loc=0
    )


def ratio_axes(figsize: tuple[float, float] = (7, 7)) -> tuple[plt.Figure, plt.Axes, plt.Axes]:
    """A figure with a main panel and a ratio/pull panel below it, sharing x."""
    fig, (ax, rax) = plt.subplots(
        2, 1, figsize=figsize, sharex=True, gridspec_kw={"height_ratios": (3, 1), "hspace": 0.05}
    )
    return fig, ax, rax


def plot_fit(
    edges: np.ndarray,
    counts: np.ndarray,
    expected: np.ndarray,
    xlabel: str,
    text: Sequence[str] = (),
    *,
    label_text: str = "Simulation",
    com_tev: float | None = 13,
    lumi: float | None = None,
    data_label: str | None = None,
) -> tuple[plt.Figure, plt.Axes, plt.Axes]:
    """Data points with Poisson errors, a fitted model, and pulls below.

    Parameters
    ----------
    edges
        Bin edges (units of ``xlabel``).
    counts, expected
        Observed and fitted counts per bin.
    xlabel
        x-axis label, with its unit.
    text
        Lines printed in the upper-left corner (fit results).
    label_text
        Text of the experiment label after "hepml-course" (see :func:`label`):
        "Simulation" for the course's samples, e.g. "CMS Open Data" for real
        collisions.
    com_tev
        Centre-of-mass energy in TeV shown in the label (13 for the course's
        samples; 7 or 8 for CMS data of 2010 or 2012), or None.
    lumi
        Integrated luminosity in fb⁻¹ for the label, or None.
    data_label
        Legend entry of the points; by default "Simulation" when ``label_text``
        starts with "Simulation", else "Data".
    """
    if data_label is None:
        data_label = "Simulation" if label_text.startswith("Simulation") else "Data"
    fig, ax, rax = ratio_axes()
    mplhep.histplot(
        counts, edges, yerr=True, histtype="errorbar", color="k", label=data_label, ax=ax
    )
    mplhep.histplot(expected, edges, color="tab:red", label="Fit", ax=ax)
    pulls = (counts - expected) / np.sqrt(np.maximum(expected, 1e-9))
    centers = 0.5 * (edges[1:] + edges[:-1])
    rax.bar(centers, pulls, width=np.diff(edges), color="grey")
    rax.axhline(0, color="k", lw=1)
    rax.set_ylabel("Pull")
    rax.set_xlabel(xlabel)
    ax.set_ylabel("Events / bin")
    ax.legend(loc="upper right")
    if text:
        ax.text(0.04, 0.95, "\n".join(text), transform=ax.transAxes, va="top", fontsize=13)
    label(ax, text=label_text, lumi=lumi, com_tev=com_tev)
    return fig, ax, rax


def pareto_front(points: Mapping[str, tuple[float, float]]) -> list[str]:
    """Names of the points that no other point beats in both speed and accuracy.

    Parameters
    ----------
    points
        Name → (speed, score): higher speed is better, lower score is better
        (e.g. showers per second and a classifier AUC).

    Returns
    -------
    list of str
        The non-dominated names, ordered by increasing speed.
    """
    front = []
    for name, (speed, score) in points.items():
        dominated = any(
            s >= speed and a <= score and (s > speed or a < score)
            for other, (s, a) in points.items()
            if other != name
        )
        if not dominated:
            front.append(name)
    return sorted(front, key=lambda n: points[n][0])


def _spread_labels(values: Sequence[float], min_gap: float) -> np.ndarray:
    """Label heights near ``values`` (any order) with at least ``min_gap`` between neighbours."""
    order = np.argsort(values)
    placed = np.asarray(values, dtype=float)[order].copy()
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def frontier_plot(
    points: Mapping[str, tuple[float, float]],
    *,
    simulator: tuple[float, float] | None = None,
    literature: Mapping[str, float] | None = None,
    literature_title: str = "literature",
    best_target: float | None = 0.65,
    fast_target: tuple[float, float] | None = (100.0, 0.70),
    xlabel: str = "showers per second",
    ylabel: str = "classifier AUC (high-level)",
    ylim: tuple[float, float] = (0.45, 1.0),
    figsize: tuple[float, float] = (8.0, 5.0),
) -> tuple[plt.Figure, plt.Axes, plt.Axes]:
    """Accuracy–speed frontier: each generator a point (speed on a log axis, AUC), targets shaded.

    Parameters
    ----------
    points
        Generator name → (speed > 0, AUC in [0, 1]), speed in the unit of
        ``xlabel`` (e.g. showers per second).
    simulator
        (speed, AUC of the simulator against itself): drawn as a black star,
        and the reference of ``fast_target``'s speed factor.
    literature
        Label → AUC of results measured elsewhere (other hardware, other
        reference): drawn only as AUCs, as markers in a narrow panel on the
        right, never at a speed.
    literature_title
        Title of that panel.
    best_target
        Shade AUC ≤ this at every speed ("an accurate generator"), or None.
    fast_target
        (speed factor over the simulator, AUC): shade the region at least
        that much faster than ``simulator`` with AUC ≤ the value ("a fast
        generator"), or None.  Needs ``simulator``.
    xlabel, ylabel
        Axis labels, with units.
    ylim
        AUC range shown.
    figsize
        Figure size, inches.

    Returns
    -------
    (Figure, Axes, Axes)
        The figure, the frontier axes and the literature axes (hidden if
        ``literature`` is empty).

    Raises
    ------
    ValueError
        No points, a speed ≤ 0 or not finite, an AUC outside [0, 1], or a
        ``fast_target`` without ``simulator``.
    """
    if not points:
        raise ValueError("frontier_plot needs at least one point: {name: (speed, auc)}")
    checked = dict(points)
    if simulator is not None:
        checked["simulator"] = simulator
    for name, (speed, auc) in checked.items():
        if not (np.isfinite(speed) and speed > 0):
            raise ValueError(f"{name}: speed must be a finite number > 0 (log axis), got {speed!r}")
        if not 0.0 <= auc <= 1.0:
            raise ValueError(f"{name}: an AUC lies in [0, 1], got {auc!r}")
    for name, auc in (literature or {}).items():
        if not 0.0 <= auc <= 1.0:
            raise ValueError(f"literature entry {name}: an AUC lies in [0, 1], got {auc!r}")
    if fast_target is not None and simulator is None:
        raise ValueError(
            "fast_target is a speed factor over the simulator: pass simulator=(speed, auc) "
            "or fast_target=None"
        )

    fig, (ax, lax) = plt.subplots(
        1,
        2,
        figsize=figsize,
        sharey=True,
        layout="constrained",
        gridspec_kw={"width_ratios": (2.5, 1.2)},
    )
    speeds = [s for s, _ in checked.values()]
    lo, hi = min(speeds) / 3, max(speeds) * 3
    if fast_target is not None:
        hi = max(hi, simulator[0] * fast_target[0] * 10)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(*ylim)
    if best_target is not None:
        ax.axhspan(ylim[0], best_target, color="tab:green", alpha=0.12, lw=0)
        ax.axhline(best_target, color="tab:green", lw=1)
        ax.text(
            lo * 1.2,
            ylim[0] + 0.01,
            f"accurate: AUC ≤ {best_target:g}",
            va="bottom",
            fontsize=11,
            color="darkgreen",
        )
    if fast_target is not None:
        factor, auc_max = fast_target
        x0 = simulator[0] * factor
        ax.fill_between([x0, hi], ylim[0], auc_max, color="tab:blue", alpha=0.12, lw=0)
        ax.plot([x0, x0, hi], [ylim[0], auc_max, auc_max], color="tab:blue", lw=1)
        ax.text(
            x0 * 1.1,
            auc_max + 0.01,
            f"fast: ≥ {factor:g}× simulator,\nAUC ≤ {auc_max:g}",
            va="bottom",
            fontsize=11,
            color="navy",
        )
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")

    front = pareto_front(points)
    if len(front) > 1:
        ax.plot(
            [points[n][0] for n in front],
            [points[n][1] for n in front],
            color="grey",
            lw=1,
            ls="--",
            zorder=1,
        )
    markers = ["o", "s", "D", "^", "v", "P"]
    for k, (name, (speed, auc)) in enumerate(points.items()):
        ax.plot(
            speed,
            auc,
            ls="none",
            marker=markers[k % len(markers)],
            ms=9,
            color=f"C{k % 10}",
            zorder=3,
            label=name,
        )
    if simulator is not None:
        ax.plot(
            *simulator,
            ls="none",
            marker="*",
            ms=14,
            color="black",
            zorder=3,
            label="simulator vs itself",
        )
    ax.legend(loc="upper left", fontsize=12, frameon=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)

    lax.set_xlim(0, 1)
    lax.tick_params(
        axis="both",
        which="both",
        left=False,
        right=False,
        top=False,
        bottom=False,
        labelleft=False,
        labelbottom=False,
    )
    for spine in lax.spines.values():
        spine.set_visible(False)
    if literature:
        names = list(literature)
        values = [literature[n] for n in names]
        text_y = _spread_labels(values, min_gap=0.04 * (ylim[1] - ylim[0]))
        for name, auc, y in zip(names, values, text_y, strict=True):
            lax.plot([0.0, 0.12], [auc, auc], color="dimgrey", lw=2)
            lax.plot([0.12, 0.2], [auc, y], color="dimgrey", lw=0.6)
            lax.text(0.22, y, name, va="center", fontsize=11)
        lax.set_title(literature_title, fontsize=11, loc="left")
    else:
        lax.set_visible(False)
    return fig, ax, lax


#: Line styles of :func:`learning_curve_plot`, one per series.
_CURVE_STYLES = {"finetuned": ("-", "o"), "scratch": ("--", "s"), "dnn": (":", "^")}
_CURVE_LABELS = {
    "finetuned": "pre-trained + fine-tuned",
    "scratch": "same network from scratch",
    "dnn": "DNN on 16 features",
}


def learning_curve_plot(
    curves: Mapping[str, Mapping[str, float]],
    *,
    metrics: Sequence[tuple[str, str]] = (
        ("acc", "accuracy (5 classes)"),
        ("auc_top", "AUC top vs rest"),
    ),
    figsize: tuple[float, float] = (10.0, 4.2),
) -> tuple[plt.Figure, np.ndarray]:
    """Learning curves: a metric against the labelled jets per class, one panel per metric.

    Parameters
    ----------
    curves
        ``str(jets per class)`` → row with ``"{series}_{metric}"`` keys, series
        among ``finetuned``, ``scratch``, ``dnn`` (missing ones are skipped),
        as :func:`hepml_course.foundation.learning_curves` returns.
    metrics
        (key suffix, axis label) per panel.
    figsize
        Figure size, inches.
    """
    budgets = sorted(curves, key=int)
    x = np.array([int(b) for b in budgets])
    fig, axes = plt.subplots(1, len(metrics), figsize=figsize, squeeze=False)
    for ax, (key, ylabel) in zip(axes[0], metrics, strict=True):
        for series, (style, marker) in _CURVE_STYLES.items():
            name = f"{series}_{key}"
            if all(name in curves[b] for b in budgets):
                ax.plot(
                    x,
                    [curves[b][name] for b in budgets],
                    linestyle=style,
                    marker=marker,
                    label=_CURVE_LABELS[series],
                )
        ax.set_xscale("log")
        ax.set_xticks(x, [f"{v:,}" for v in x])
        ax.minorticks_off()
        ax.set_xlabel("labelled training jets per class")
        ax.set_ylabel(ylabel)
    axes[0, 0].legend(loc="lower right")
    fig.tight_layout()
    return fig, axes[0]
