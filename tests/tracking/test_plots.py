"""The per-stage timing figure of the tracking chapter."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hepml_course.tracking import plots

N_HITS = [2_000, 10_000, 20_000, 100_000]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_stage_times_plot_draws_every_stage_with_its_exponent():
    n = np.asarray(N_HITS, dtype=float)
    times = {"graph": 1e-4 * n**2, "gnn": 1e-2 * n, "total": 1e-4 * n**2 + 1e-2 * n}
    ax = plots.stage_times_plot(
        N_HITS, times, others={"φ window": (N_HITS[:2], [1.0, 25.0])}, fit_min_hits=5_000
    )
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 4
    assert labels[0].startswith("graph") and "n^{2.00}" in labels[0]
    assert labels[1].startswith("gnn") and "n^{1.00}" in labels[1]
    assert "n^{2.00}" in labels[3]  # 1 → 25 over a factor 5 in hits
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "ms" in ax.get_ylabel()
    total = ax.get_lines()[2]
    assert total.get_color() == "black"


def test_stage_times_plot_fits_only_above_fit_min_hits():
    n = np.asarray(N_HITS, dtype=float)
    t = np.where(n < 5_000, 100.0, 1e-3 * n)  # flat at small n, linear above
    ax = plots.stage_times_plot(N_HITS, {"total": t}, fit_min_hits=5_000)
    assert "n^{1.00}" in ax.get_lines()[0].get_label()


def test_stage_times_plot_rejects_bad_input():
    with pytest.raises(ValueError, match="one time per point"):
        plots.stage_times_plot(N_HITS, {"graph": [1.0, 2.0]})
    with pytest.raises(ValueError, match="lower fit_min_hits"):
        plots.stage_times_plot(N_HITS, {"graph": [1.0, 2.0, 3.0, 4.0]}, fit_min_hits=50_000)
    with pytest.raises(ValueError, match="numbers of hits"):
        plots.stage_times_plot(N_HITS, {"total": [1.0, 2, 3, 4]}, others={"x": ([1, 2], [1.0])})
