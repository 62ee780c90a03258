"""Keras calibrations: Gaussian-likelihood DNN (energy + σ) and quantile DNN."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import regression as mr
from hepml_course.regression import (
    GaussianNLLCalibration,
    LinearCalibration,
    QuantileCalibration,
    evaluate,
)


def test_nll_dnn_is_calibrated_with_unit_pulls(calo_split):
    v_tr, e_tr, v, e = calo_split
    dnn = GaussianNLLCalibration().fit(v_tr, e_tr, seed=3)
    e_pred, sigma = dnn.predict(v, return_std=True)
    np.testing.assert_array_equal(dnn.predict(v), e_pred)
    assert np.all(sigma > 0)
    ev = evaluate(e, e_pred, sigma)
    assert np.all(np.abs(ev.binned.response[3:] - 1) < 0.01)
    assert 0.9 < ev.pull_width < 1.1
    # σ_pred/E falls with energy like a resolution should
    low, high = e < 3, e > 100
    assert np.median(sigma[low] / e[low]) > 4 * np.median(sigma[high] / e[high])
    lin = evaluate(e, LinearCalibration().fit(v_tr, e_tr).predict(v))
    assert ev.binned.sigma_eff_rel[0] < 1.02 * lin.binned.sigma_eff_rel[0]
    assert len(dnn.history_["val_loss"]) == len(dnn.history_["loss"]) > 5
    assert min(dnn.history_["val_loss"]) < dnn.history_["val_loss"][0]


def test_same_seed_same_network_other_seed_another(calo_split):
    v_tr, e_tr, v, _ = calo_split
    kw = {"hidden": (16,), "epochs": 3}
    a = GaussianNLLCalibration(**kw).fit(v_tr[:3000], e_tr[:3000], seed=5).predict(v[:50])
    b = GaussianNLLCalibration(**kw).fit(v_tr[:3000], e_tr[:3000], seed=5).predict(v[:50])
    c = GaussianNLLCalibration(**kw).fit(v_tr[:3000], e_tr[:3000], seed=6).predict(v[:50])
    np.testing.assert_allclose(a, b, rtol=1e-5)
    assert not np.allclose(a, c, rtol=1e-5)


def test_quantile_dnn_covers_half_between_the_quartiles(calo_split):
    v_tr, e_tr, v, e = calo_split
    model = QuantileCalibration().fit(v_tr, e_tr, seed=4)
    median, sigma, q = model.predict(v, return_std=True, return_quantiles=True)
    assert sorted(q) == [0.25, 0.5, 0.75]
    np.testing.assert_array_equal(median, q[0.5])
    np.testing.assert_array_equal(model.predict(v), median)
    assert np.all(q[0.25] <= q[0.5]) and np.all(q[0.5] <= q[0.75])
    assert 0.42 < mr.interval_coverage(e, q[0.25], q[0.75]) < 0.58
    perf = mr.binned_performance(e, median)
    assert np.all(np.abs(perf.response[3:] - 1) < 0.015)
    pw = mr.pull_width(mr.pulls(e, median, sigma))
    assert 0.85 < pw < 1.15


def test_bad_hyper_parameters_are_refused_in_fit_before_training():
    v = np.ones((10, 368))
    e = np.full(10, 5.0)
    model = GaussianNLLCalibration(inputs="pixels")
    assert model.inputs == "pixels"  # __init__ only stores
    with pytest.raises(ValueError, match="inputs"):
        model.fit(v, e)
    with pytest.raises(ValueError, match="quantiles"):
        QuantileCalibration(quantiles=(0.5, 1.5)).fit(v, e)
    with pytest.raises(ValueError, match=r"0\.25 and 0\.75"):
        QuantileCalibration(quantiles=(0.1, 0.5, 0.9), epochs=1).fit(v, e).predict(
            v, return_std=True
        )
    assert not hasattr(model, "model_")
