"""Plots of the anomaly-detection chapter: region images, rate curves, latent space, DQM maps."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from hepml_course.metrics.trigger import roc_curve
from hepml_course.sim.l1_objects import REGION_ETA_EDGES

#: Distinct (colour, line style) pairs for up to six series per axes.
SERIES_STYLES: tuple[tuple[str, object], ...] = (
    ("C0", "-"),
    ("C1", "--"),
    ("C2", "-."),
    ("C3", ":"),
    ("C4", (0, (5, 1))),
    ("C5", (0, (3, 1, 1, 1, 1, 1))),
)


def region_image(ax: plt.Axes, image: np.ndarray, title: str = "", label: str = "ET [GeV]") -> None:
    """Draw one 18 φ × 14 η map (region ET, occupancy, residual …) against η and φ."""
    image = np.asarray(image)
    if image.shape != (18, 14):
        raise ValueError(f"expected an (18, 14) map, got {image.shape}")
    phi_edges = np.linspace(0.0, 2 * np.pi, 19)
    mesh = ax.pcolormesh(REGION_ETA_EDGES, phi_edges, image, cmap="viridis", shading="flat")
    ax.figure.colorbar(mesh, ax=ax, label=label)
    ax.set_xlabel(r"$\eta$")
    ax.set_ylabel(r"$\phi$ [rad]")
    if title:
        ax.set_title(title, fontsize=15)


def rate_vs_efficiency(
    ax: plt.Axes,
    background: Mapping[str, np.ndarray],
    weight: np.ndarray,
    signal: Mapping[str, np.ndarray],
    rates_khz: list[float] | None = None,
    legend_fontsize: float = 13,
    legend_ncol: int = 1,
) -> None:
    """Trigger ROC: signal efficiency versus background rate (kHz, log scale) per trigger.

    At most six triggers per axes (each gets its own colour and line style).
    With ``legend_ncol > 1`` the y axis gets head-room above efficiency 1 and
    the legend sits there, clear of the curves.
    """
    if len(background) > len(SERIES_STYLES):
        raise ValueError(
            f"at most {len(SERIES_STYLES)} triggers per axes (got {len(background)}): "
            "split them over several panels"
        )
    for (name, bg), (color, ls) in zip(background.items(), SERIES_STYLES, strict=False):
        rate, eff = roc_curve(bg, weight, signal[name])
        keep = rate > 0
        ax.step(rate[keep], eff[keep], where="post", label=name, color=color, ls=ls, lw=2)
    for r in rates_khz or []:
        ax.axvline(r, color="grey", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("background rate at 40 MHz [kHz]")
    ax.set_ylabel("signal efficiency")
    if legend_ncol > 1:
        ax.set_ylim(0.0, 1.45)
        ax.set_yticks(np.linspace(0.0, 1.0, 6))
    ax.legend(
        fontsize=legend_fontsize,
        loc="upper left",
        ncol=legend_ncol,
        handlelength=1.6,
        columnspacing=0.8,
        borderaxespad=0.3,
    )


def score_histograms(
    ax: plt.Axes,
    background: np.ndarray,
    weight: np.ndarray,
    signals: Mapping[str, np.ndarray],
    bins: int = 50,
    threshold: float | None = None,
    threshold_label: str = "threshold at 10 kHz",
    legend_kw: Mapping[str, object] | None = None,
) -> None:
    """Normalised score distributions: weighted background and each signal (log y)."""
    lo = min(np.min(background), *(np.min(s) for s in signals.values()))
    hi = max(np.percentile(background, 99.99), *(np.percentile(s, 99) for s in signals.values()))
    edges = np.linspace(lo, hi, bins + 1)
    ax.hist(
        np.clip(background, lo, hi),
        edges,
        weights=weight,
        density=True,
        color="lightgrey",
        label="background (σ-weighted)",
    )
    if len(signals) > len(SERIES_STYLES) - 1:
        raise ValueError(f"at most {len(SERIES_STYLES) - 1} signals per axes, got {len(signals)}")
    for (name, s), (color, ls) in zip(signals.items(), SERIES_STYLES, strict=False):
        ax.hist(
            np.clip(s, lo, hi),
            edges,
            density=True,
            histtype="step",
            lw=2,
            label=name,
            color=color,
            ls=ls,
        )
    if threshold is not None:
        ax.axvline(threshold, color="k", ls="--", lw=1.5, label=threshold_label)
    ax.set_yscale("log")
    ax.set_xlabel("anomaly score")
    ax.set_ylabel("probability density [1/unit score]")
    ax.legend(**{"fontsize": 13, **(legend_kw or {})})


def latent_scatter(
    ax: plt.Axes, latent: Mapping[str, np.ndarray], dims: tuple[int, int] = (0, 1), n: int = 1500
) -> None:
    """Scatter of two latent coordinates for several samples (first ``n`` events each)."""
    markers = ("o", "s", "^", "D", "v", "P")
    if len(latent) > len(markers):
        raise ValueError(f"at most {len(markers)} samples per axes, got {len(latent)}")
    styles = zip(latent.items(), SERIES_STYLES, markers, strict=False)
    for (name, z), (color, _), marker in styles:
        ax.scatter(
            z[:n, dims[0]], z[:n, dims[1]], s=4, alpha=0.4, label=name, color=color, marker=marker
        )
    ax.set_xlabel(rf"latent mean $\mu_{dims[0]}$")
    ax.set_ylabel(rf"latent mean $\mu_{dims[1]}$")
    leg = ax.legend(fontsize=13, markerscale=4)
    for handle in leg.legend_handles:
        handle.set_alpha(1.0)
