"""One evaluation for every calibration: binned response/resolution, fit and pulls."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.regression import evaluate


def test_a_perfect_gaussian_calibration_has_unit_response_and_pulls():
    rng = np.random.default_rng(0)
    e = np.exp(rng.uniform(np.log(1), np.log(250), 20_000))
    sigma = e * np.hypot(0.1 / np.sqrt(e), 0.01)
    ev = evaluate(e, e + sigma * rng.normal(size=e.size), sigma)
    assert np.all(np.abs(ev.binned.response - 1) < 0.01)
    assert 0.95 < ev.pull_width < 1.05 and ev.sigma_from_model
    assert 0.09 < ev.fit.stochastic_a < 0.11
    assert set(ev.as_dict()) == {
        "sigma_eff_rel",
        "response",
        "stochastic_a",
        "constant_c",
        "pull_width",
    }


def test_evaluate_refuses_mismatched_lengths():
    e = np.geomspace(1, 250, 100)
    with pytest.raises(ValueError, match="same number of rows"):
        evaluate(e, e[:-1])
    with pytest.raises(ValueError, match="same number of rows"):
        evaluate(e, e, np.ones(3))


def test_performance_frames_lay_out_bins_by_models():
    from hepml_course.regression import performance_frames

    rng = np.random.default_rng(1)
    e = np.exp(rng.uniform(np.log(1), np.log(250), 5000))
    evaluations = {
        name: evaluate(e, e * (1 + scale / np.sqrt(e) * rng.normal(size=e.size)))
        for name, scale in [("good", 0.1), ("bad", 0.2)]
    }
    frames = performance_frames(evaluations)
    n_bins = len(evaluations["good"].binned.response)
    assert list(frames["resolution"].columns) == ["E_true bin [GeV]", "good", "bad"]
    assert len(frames["resolution"]) == len(frames["response"]) == n_bins
    assert np.all(frames["resolution"]["bad"] > frames["resolution"]["good"])
    assert list(frames["fit"]["model"]) == ["good", "bad"]
    # a in % · √GeV: the configured 10 % and 20 % stochastic terms
    assert 8 < frames["fit"]["a [%·√GeV]"][0] < 12 and 17 < frames["fit"]["a [%·√GeV]"][1] < 23


def test_performance_plots_have_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    from hepml_course.regression import plot_performance, plot_pulls

    rng = np.random.default_rng(2)
    e = np.exp(rng.uniform(np.log(1), np.log(250), 3000))
    ev = evaluate(e, e * (1 + 0.1 / np.sqrt(e) * rng.normal(size=e.size)))
    fig = plot_performance({"a": ev, "b": ev})
    assert len(fig.axes) == 2 and all(ax.get_ylabel() for ax in fig.axes)
    with pytest.raises(ValueError, match="at most 6"):
        plot_performance({str(i): ev for i in range(7)})
    fig = plot_pulls({"a": ev.pulls}, start=1)
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
