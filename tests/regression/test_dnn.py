"""Keras calibrations: Gaussian-likelihood DNN (energy + σ) and quantile DNN."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import regression as mr
from hepml_course.regression import LinearCalibration
from hepml_course.regression.dnn import GaussianNLLCalibration, QuantileCalibration
from hepml_course.regression.evaluate import evaluate


def test_nll_dnn_is_calibrated_with_unit_pulls(calo_split):
    v_tr, e_tr, v, e = calo_split
    dnn = GaussianNLLCalibration(seed=3).fit(v_tr, e_tr)
    e_pred, sigma = dnn.predict(v)
    assert np.all(sigma > 0)
    ev = evaluate(e, e_pred, sigma)
    assert np.all(np.abs(ev.binned.response[3:] - 1) < 0.01)
    assert 0.9 < ev.pull_width < 1.1
    # σ_pred/E falls with energy like a resolution should
    low, high = e < 3, e > 100
    assert np.median(sigma[low] / e[low]) > 4 * np.median(sigma[high] / e[high])
    lin = evaluate(e, LinearCalibration().fit(v_tr, e_tr).predict(v))
    assert ev.binned.sigma_eff_rel[0] < 1.02 * lin.binned.sigma_eff_rel[0]
    again = GaussianNLLCalibration(seed=3).fit(v_tr, e_tr).predict(v[:50])[0]
    np.testing.assert_allclose(again, e_pred[:50], rtol=1e-4)


def test_quantile_dnn_covers_half_between_the_quartiles(calo_split):
    v_tr, e_tr, v, e = calo_split
    model = QuantileCalibration(seed=4).fit(v_tr, e_tr)
    q = model.predict(v)
    assert np.all(q[0.25] <= q[0.5]) and np.all(q[0.5] <= q[0.75])
    assert 0.42 < mr.interval_coverage(e, q[0.25], q[0.75]) < 0.58
    perf = mr.binned_performance(e, q[0.5])
    assert np.all(np.abs(perf.response[3:] - 1) < 0.015)
    pw = mr.pull_width(mr.pulls(e, q[0.5], model.sigma(v)))
    assert 0.85 < pw < 1.15


def test_bad_arguments():
    with pytest.raises(ValueError, match="inputs"):
        GaussianNLLCalibration(inputs="pixels")
    with pytest.raises(ValueError, match="quantiles"):
        QuantileCalibration(quantiles=(0.5, 1.5))
    with pytest.raises(RuntimeError, match="fit"):
        GaussianNLLCalibration().predict(np.zeros((2, 368)))
