"""Plots of the anomaly-detection chapter: region images, rate curves, latent space, DQM maps."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from hepml_course.metrics.trigger import roc_curve
from hepml_course.sim.l1_objects import REGION_ETA_EDGES


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
        ax.set_title(title, fontsize=14)


def rate_vs_efficiency(
    ax: plt.Axes,
    background: Mapping[str, np.ndarray],
    weight: np.ndarray,
    signal: Mapping[str, np.ndarray],
    rates_khz: list[float] | None = None,
) -> None:
    """Trigger ROC: signal efficiency versus background rate (kHz, log scale) per trigger."""
    for name, bg in background.items():
        rate, eff = roc_curve(bg, weight, signal[name])
        keep = rate > 0
        ax.step(rate[keep], eff[keep], where="post", label=name)
    for r in rates_khz or []:
        ax.axvline(r, color="grey", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("background rate at 40 MHz [kHz]")
    ax.set_ylabel("signal efficiency")
    ax.legend(fontsize=11)


def score_histograms(
    ax: plt.Axes,
    background: np.ndarray,
    weight: np.ndarray,
    signals: Mapping[str, np.ndarray],
    bins: int = 50,
    threshold: float | None = None,
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
    for name, s in signals.items():
        ax.hist(np.clip(s, lo, hi), edges, density=True, histtype="step", lw=2, label=name)
    if threshold is not None:
        ax.axvline(threshold, color="k", ls="--", label="threshold at 10 kHz")
    ax.set_yscale("log")
    ax.set_xlabel("anomaly score")
    ax.set_ylabel("density")
    ax.legend(fontsize=10)


def latent_scatter(
    ax: plt.Axes, latent: Mapping[str, np.ndarray], dims: tuple[int, int] = (0, 1), n: int = 1500
) -> None:
    """Scatter of two latent coordinates for several samples (first ``n`` events each)."""
    for name, z in latent.items():
        ax.scatter(z[:n, dims[0]], z[:n, dims[1]], s=3, alpha=0.4, label=name)
    ax.set_xlabel(rf"$\mu_{dims[0]}$")
    ax.set_ylabel(rf"$\mu_{dims[1]}$")
    ax.legend(fontsize=10, markerscale=4)
