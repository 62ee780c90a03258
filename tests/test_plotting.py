"""The experiment label of ``plot_fit`` and ``label``: text and √s are the caller's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hepml_course import plotting


def _texts(fig: plt.Figure) -> str:
    return " | ".join(t.get_text() for ax in fig.axes for t in ax.texts)


@pytest.fixture
def histogram():
    edges = np.linspace(76.0, 106.0, 31)
    expected = np.full(30, 10.0)
    return edges, expected.copy(), expected


def test_plot_fit_defaults_are_simulation_at_13_tev(histogram):
    fig, ax, _ = plotting.plot_fit(*histogram, r"$m$ [GeV]", ["fit"])
    texts = _texts(fig)
    assert "Simulation" in texts and "13 TeV" in texts
    assert "Simulation" in ax.get_legend_handles_labels()[1]
    plt.close(fig)


def test_plot_fit_real_data_label_and_energy(histogram):
    fig, ax, _ = plotting.plot_fit(
        *histogram, r"$m$ [GeV]", ["fit"], label_text="CMS Open Data", com_tev=7
    )
    texts = _texts(fig)
    assert "CMS Open Data" in texts and "7 TeV" in texts
    assert "Simulation" not in texts and "13 TeV" not in texts
    assert "Data" in ax.get_legend_handles_labels()[1]
    plt.close(fig)


def test_label_text_and_energy():
    fig, ax = plt.subplots()
    plotting.label(ax, text="CMS Open Data", com_tev=8)
    texts = _texts(fig)
    assert "CMS Open Data" in texts and "8 TeV" in texts and "Simulation" not in texts
    plt.close(fig)
