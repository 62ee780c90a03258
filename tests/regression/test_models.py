"""Linear and boosted calibrations on the shipped sample: physics with honest margins."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.regression import (
    GradientBoostedCalibration,
    LinearCalibration,
    effective_layer_weights,
    evaluate,
)

ABOVE_10_GEV = slice(3, None)  # bins 10-20, 20-50, 50-100, 100-250


@pytest.fixture(scope="module")
def linear(calo_split):
    v, e, _, _ = calo_split
    return LinearCalibration().fit(v, e)


def test_linear_weights_compensate_front_losses(linear, calo_split):
    w = linear.weights_
    assert w[0] > 1.2  # presampler weight corrects the energy lost in front
    assert 0.95 < w[2] < 1.1  # the middle layer is nearly at the EM scale
    v_test = calo_split[2][:200]
    eff = effective_layer_weights(linear.predict, v_test)
    np.testing.assert_allclose(np.nanmedian(eff, axis=0), w, rtol=1e-6)


def test_linear_beats_the_raw_sum_and_is_calibrated_at_high_energy(linear, calo_split):
    _, _, v, e = calo_split
    lin = evaluate(e, linear.predict(v))
    raw = evaluate(e, v.sum(axis=1))
    assert np.all(np.abs(lin.binned.response[ABOVE_10_GEV] - 1) < 0.015)
    assert np.all(raw.binned.response[:3] < 0.95)  # the raw sum misses ≥ 5 % at low energy
    assert lin.binned.sigma_eff_rel[0] < 0.95 * raw.binned.sigma_eff_rel[0]


def test_linear_sample_weight_zero_drops_rows(calo_split):
    v, e, _, _ = calo_split
    w = np.zeros(len(e))
    w[::2] = 1.0
    weighted = LinearCalibration().fit(v, e, sample_weight=w)
    half = LinearCalibration().fit(v[::2], e[::2])
    np.testing.assert_allclose(weighted.weights_, half.weights_, rtol=1e-8)
    assert not np.allclose(weighted.weights_, LinearCalibration().fit(v, e).weights_, rtol=1e-4)


def test_bdt_improves_the_lowest_bin_and_is_calibrated(linear, calo_split):
    v_tr, e_tr, v, e = calo_split
    bdt = GradientBoostedCalibration().fit(v_tr, e_tr, seed=1)
    assert bdt.feature_names_[0] == "log_raw"
    ev = evaluate(e, bdt.predict(v))
    lin = evaluate(e, linear.predict(v))
    assert np.all(np.abs(ev.binned.response[ABOVE_10_GEV] - 1) < 0.01)
    assert ev.binned.sigma_eff_rel[0] < 0.95 * lin.binned.sigma_eff_rel[0]
    assert 0.08 < ev.fit.stochastic_a < 0.16
    assert ev.fit.constant_c < 0.012
