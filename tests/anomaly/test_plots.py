"""The chapter's plots keep every series distinguishable (≤ 6 per axes, own colour and style)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hepml_course.anomaly import plots


def _scores(n_triggers: int) -> tuple[dict, np.ndarray, dict]:
    rng = np.random.default_rng(0)
    bg = {f"t{i}": rng.normal(size=500) for i in range(n_triggers)}
    sig = {f"t{i}": rng.normal(1.0, size=200) for i in range(n_triggers)}
    return bg, rng.uniform(0.1, 1.0, 500), sig


def test_rate_curves_have_distinct_colours_and_styles():
    bg, w, sig = _scores(5)
    fig, ax = plt.subplots()
    plots.rate_vs_efficiency(ax, bg, w, sig, [10.0], legend_ncol=2)
    lines = [line for line in ax.get_lines() if line.get_label() in bg]
    assert len(lines) == 5
    assert len({line.get_color() for line in lines}) == 5
    # matplotlib reports every custom dash pattern as "--": compare the declared styles
    styles = [str(ls) for _, ls in plots.SERIES_STYLES]
    assert len(set(styles)) == len(styles) == 6
    assert ax.get_ylim()[1] > 1.0  # head-room for the legend
    plt.close(fig)


def test_rate_curves_refuse_more_than_six_series():
    bg, w, sig = _scores(7)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="at most 6"):
        plots.rate_vs_efficiency(ax, bg, w, sig)
    plt.close(fig)
