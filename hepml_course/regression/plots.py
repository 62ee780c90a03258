"""Plots of the regression chapter: response, resolution with its fit, pulls."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from hepml_course.regression.evaluation import Evaluation


def plot_performance(evaluations: Mapping[str, Evaluation]) -> plt.Figure:
    """Two panels versus true energy: response (median E_pred/E_true) and σ_eff/E with fits."""
    fig, (ax_r, ax_s) = plt.subplots(1, 2, figsize=(13, 5.5))
    e_grid = np.geomspace(1.0, 250.0, 200)
    for i, (name, ev) in enumerate(evaluations.items()):
        colour = f"C{i}"
        b = ev.binned
        ax_r.plot(b.centre_gev, b.response, "o-", color=colour, label=name)
        ax_s.errorbar(b.centre_gev, b.sigma_eff_rel, b.sigma_eff_rel_err, fmt="o", color=colour)
        f = ev.fit
        ax_s.plot(
            e_grid,
            f(e_grid),
            color=colour,
            label=f"{name}: a={f.stochastic_a:.3f}, b={f.noise_b:.2f}, c={f.constant_c:.4f}",
        )
    for ax in (ax_r, ax_s):
        ax.set_xscale("log")
        ax.set_xlabel(r"$E_{true}$ [GeV]")
    ax_r.axhspan(0.99, 1.01, color="grey", alpha=0.2, label="±1 %")
    ax_r.set_ylabel(r"median $E_{pred}/E_{true}$")
    ax_r.legend(fontsize=11)
    ax_s.set_yscale("log")
    ax_s.set_ylabel(r"$\sigma_{eff}/E$")
    ax_s.legend(fontsize=10)
    fig.tight_layout()
    return fig


def plot_pulls(pulls: Mapping[str, np.ndarray], bins: int = 60) -> plt.Figure:
    """Pull distributions (E_pred − E_true)/σ_pred with the unit Gaussian for reference."""
    fig, ax = plt.subplots()
    edges = np.linspace(-5, 5, bins + 1)
    for name, p in pulls.items():
        ax.hist(
            np.clip(p, -4.999, 4.999), bins=edges, density=True, histtype="step", lw=2, label=name
        )
    x = 0.5 * (edges[1:] + edges[:-1])
    ax.plot(x, np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi), "k--", label="N(0, 1)")
    ax.set_xlabel(r"$(E_{pred} - E_{true}) / \sigma_{pred}$")
    ax.set_ylabel("Density")
    ax.legend(fontsize=11)
    return fig
