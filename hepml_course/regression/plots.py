"""Plots of the regression chapter: response, resolution with its fit, pulls."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from hepml_course.regression.evaluation import Evaluation

#: Line styles and markers cycled with the colours, so series differ in more than colour.
_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D")


def plot_performance(evaluations: Mapping[str, Evaluation]) -> plt.Figure:
    """Response (median E_pred/E_true) and σ_eff/E with its fit, versus true energy.

    Two panels stacked vertically (they share the energy axis), sized for the
    book column; one legend (model names) in the top panel. The fitted terms
    are in :func:`hepml_course.regression.performance_frames`.

    Parameters
    ----------
    evaluations
        ``{model name: Evaluation}``, at most 6 models.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(evaluations) > 6:
        raise ValueError(f"at most 6 models per figure, got {len(evaluations)}")
    fig, (ax_r, ax_s) = plt.subplots(
        2, 1, figsize=(8, 9), sharex=True, gridspec_kw={"height_ratios": [1, 1.2]}
    )
    e_grid = np.geomspace(1.0, 250.0, 200)
    ax_r.axhspan(0.99, 1.01, color="grey", alpha=0.2, label="±1 %")
    for i, (name, ev) in enumerate(evaluations.items()):
        colour, style, marker = f"C{i}", _STYLES[i % 4], _MARKERS[i % 4]
        b = ev.binned
        ax_r.plot(b.centre_gev, b.response, marker=marker, ls=style, color=colour, label=name)
        ax_s.errorbar(b.centre_gev, b.sigma_eff_rel, b.sigma_eff_rel_err, fmt=marker, color=colour)
        ax_s.plot(e_grid, ev.fit(e_grid), ls=style, color=colour)
    ax_r.set_xscale("log")
    ax_r.set_ylabel(r"Response: median $E_{pred}/E_{true}$")
    ax_r.legend(fontsize=12, ncol=2, loc="lower right")
    ax_s.set_yscale("log")
    ax_s.set_xlabel(r"$E_{true}$ [GeV]")
    ax_s.set_ylabel(r"$\sigma_{eff}/E$ (points) and fit (lines)")
    fig.tight_layout()
    return fig


def plot_pulls(pulls: Mapping[str, np.ndarray], bins: int = 60, *, start: int = 0) -> plt.Figure:
    """Pull distributions (E_pred − E_true)/σ_pred with the unit Gaussian for reference.

    Parameters
    ----------
    pulls
        ``{model name: pulls}``, at most 5 models.
    bins
        Number of bins between −5 and 5.
    start
        Position of the first model in the colour and line-style cycle (to keep
        each model's colour of :func:`plot_performance` when a model is left out).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(pulls) > 5:
        raise ValueError(f"at most 5 models per figure, got {len(pulls)}")
    fig, ax = plt.subplots()
    edges = np.linspace(-5, 5, bins + 1)
    for i, (name, p) in enumerate(pulls.items(), start=start):
        ax.hist(
            np.clip(p, -4.999, 4.999),
            bins=edges,
            density=True,
            histtype="step",
            lw=2,
            ls=_STYLES[i % 4],
            color=f"C{i}",
            label=name,
        )
    x = 0.5 * (edges[1:] + edges[:-1])
    ax.plot(x, np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi), "k-", lw=1.5, label="N(0, 1)")
    ax.set_xlabel(r"$(E_{pred} - E_{true}) / \sigma_{pred}$")
    ax.set_ylabel("Density (per unit pull)")
    ax.legend(fontsize=12)
    return fig
