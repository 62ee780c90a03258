"""HEP plot style and the few plot kinds every chapter uses.

Built on :mod:`mplhep` (style, labels, histogram drawing) and :mod:`hist`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import mplhep
import numpy as np

__all__ = ["label", "plot_fit", "ratio_axes", "use_style"]

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
