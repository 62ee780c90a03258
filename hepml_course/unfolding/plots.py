"""Plots of the unfolding chapter: response matrices and unfolded spectra with ratio panels."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import mplhep
import numpy as np

from hepml_course.metrics.unfolding import normalize, normalized_covariance
from hepml_course.plotting import ratio_axes
from hepml_course.unfolding.binned import Response
from hepml_course.unfolding.evaluation import UnfoldingResult
from hepml_course.unfolding.sample import LABELS

STYLES: dict[str, dict] = {
    "omnifold": {"color": "tab:red", "label": "OmniFold", "marker": "o"},
    "ibu": {"color": "tab:blue", "label": "IBU", "marker": "s"},
    "bin-by-bin": {"color": "tab:green", "label": "Bin-by-bin", "marker": "^"},
}


def plot_response(response: Response, observable: str, ax: plt.Axes | None = None) -> plt.Axes:
    """Migration matrix P(reco bin | gen bin), each column normalised to 1."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    col = response.migration.sum(axis=0, keepdims=True)
    prob = np.divide(response.migration, col, out=np.zeros_like(response.migration), where=col > 0)
    mesh = ax.pcolormesh(response.gen_edges, response.reco_edges, prob, cmap="Blues", vmin=0)
    plt.colorbar(mesh, ax=ax, label="P(detector bin | particle bin)")
    label = LABELS.get(observable, observable)
    ax.set_title(label, fontsize=15)
    ax.set_xlabel("Particle level")
    ax.set_ylabel("Detector level")
    return ax


def _density(counts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return normalize(counts) / np.diff(edges)


def plot_result(
    result: UnfoldingResult,
    methods: Sequence[str] = ("ibu", "omnifold"),
    extra: dict[str, np.ndarray] | None = None,
    ratio_range: tuple[float, float] = (0.8, 1.2),
) -> tuple[plt.Figure, plt.Axes, plt.Axes]:
    """Normalised truth, prior and unfolded spectra; ratio to the truth below.

    Parameters
    ----------
    result
        From :func:`hepml_course.unfolding.evaluation.unfold_all`.
    methods
        Methods of ``result`` to draw, with their uncertainty bands.
    extra
        Further unfolded counts to draw without uncertainties (e.g. bin-by-bin).
    ratio_range
        y range of the ratio panel.
    """
    edges = result.edges
    width = np.diff(edges)
    centers = 0.5 * (edges[1:] + edges[:-1])
    fig, ax, rax = ratio_axes(figsize=(7, 6))
    truth = _density(result.truth, edges)
    mplhep.histplot(truth, edges, ax=ax, histtype="fill", color="0.85", label="Truth (nature)")
    prior = _density(result.prior, edges)
    mplhep.histplot(prior, edges, ax=ax, color="k", ls="--", label="Prior (simulation)")
    rax.stairs(prior / np.where(truth > 0, truth, 1), edges, color="k", ls="--")
    rel = np.sqrt(np.clip(np.diag(normalized_covariance(result.truth)), 0, None)) / width / truth
    rax.fill_between(
        edges, np.r_[1 - rel, 1 - rel[-1]], np.r_[1 + rel, 1 + rel[-1]], step="post", color="0.8"
    )
    shift = np.linspace(-0.15, 0.15, max(len(methods), 2)) * width[:, None].mean()
    for k, method in enumerate(methods):
        style = STYLES.get(method, {"label": method, "color": f"C{k}", "marker": "o"})
        y = _density(result.unfolded[method], edges)
        err = result.uncertainty(method) / width
        x = centers + (shift[k] if len(methods) > 1 else 0.0)
        ax.errorbar(x, y, err, ls="none", **style)
        rax.errorbar(
            x, y / truth, err / truth, ls="none", color=style["color"], marker=style["marker"]
        )
    for k, (name, counts) in enumerate((extra or {}).items()):
        style = STYLES.get(name, {"label": name, "color": f"C{k + 4}"})
        y = _density(counts, edges)
        ax.stairs(y, edges, color=style["color"], label=style["label"], lw=2)
        rax.stairs(y / truth, edges, color=style["color"], lw=2)
    rax.axhline(1.0, color="k", lw=1)
    rax.set_ylim(*ratio_range)
    rax.set_ylabel("Ratio to truth", fontsize=13)
    rax.set_xlabel(LABELS.get(result.observable, result.observable))
    ax.set_ylabel("Normalised density")
    ax.legend(fontsize=13)
    ax.set_xlim(edges[0], edges[-1])
    return fig, ax, rax
