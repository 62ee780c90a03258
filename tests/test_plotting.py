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


def test_pareto_front_keeps_only_undominated_points():
    points = {
        "slow good": (10.0, 0.55),
        "fast bad": (1e4, 0.9),
        "dominated": (5.0, 0.6),
        "middle": (1e3, 0.7),
    }
    assert plotting.pareto_front(points) == ["slow good", "middle", "fast bad"]


def test_frontier_plot_draws_points_targets_and_literature_without_speeds():
    points = {"flow": (1e3, 0.62), "student": (2e4, 0.68)}
    fig, ax, lax = plotting.frontier_plot(
        points, simulator=(100.0, 0.5), literature={"A": 0.64, "B": 0.641}
    )
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["flow", "student", "simulator vs itself"]
    assert "A" in [t.get_text() for t in lax.texts] and lax.get_visible()
    assert ax.get_xscale() == "log"
    # the fast region starts at 100 × the simulator's speed
    assert ax.get_xlim()[1] >= 100 * 100.0
    # close literature labels are pulled apart
    ys = sorted(t.get_position()[1] for t in lax.texts)
    assert ys[1] - ys[0] > 0.01
    plt.close(fig)


@pytest.mark.parametrize(
    ("points", "kwargs", "message"),
    [
        ({}, {}, "at least one point"),
        ({"g": (0.0, 0.6)}, {"fast_target": None}, "speed must be"),
        ({"g": (10.0, 1.3)}, {"fast_target": None}, "AUC lies in"),
        ({"g": (10.0, 0.6)}, {}, "pass simulator"),
        ({"g": (10.0, 0.6)}, {"fast_target": None, "literature": {"x": -1.0}}, "literature"),
    ],
)
def test_frontier_plot_rejects_bad_input(points, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plotting.frontier_plot(points, **kwargs)


def test_learning_curve_plot_draws_every_series_in_budget_order():
    curves = {
        "2000": {
            "finetuned_acc": 0.72,
            "scratch_acc": 0.70,
            "dnn_acc": 0.69,
            "finetuned_auc_top": 0.97,
        },
        "500": {
            "finetuned_acc": 0.66,
            "scratch_acc": 0.62,
            "dnn_acc": 0.65,
            "finetuned_auc_top": 0.95,
        },
    }
    fig, axes = plotting.learning_curve_plot(curves)
    acc, auc = axes
    assert len(acc.lines) == 3 and len(auc.lines) == 1  # series without the metric are skipped
    assert list(acc.lines[0].get_xdata()) == [500, 2000]
    assert list(acc.lines[0].get_ydata()) == [0.66, 0.72]
    assert acc.get_xlabel() == "labelled training jets per class"
    plt.close(fig)
