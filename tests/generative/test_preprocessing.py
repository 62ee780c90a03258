"""Voxel preprocessing: round trip, thresholds, persistence, errors."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.generative.preprocessing import ShowerPreprocessor
from tests.generative.toy import THRESHOLD_GEV, toy_showers


@pytest.fixture(scope="module")
def data():
    return toy_showers(800, seed=4)


@pytest.mark.parametrize("sizes", [None, (4, 12)])
def test_round_trip_reproduces_the_showers(data, sizes):
    voxels, e_inc = data
    pre = ShowerPreprocessor(layer_sizes=sizes).fit(voxels, e_inc)
    n_layers = 1 if sizes is None else 2
    x, c = pre.transform(voxels, e_inc)
    assert x.shape == (800, 16 + n_layers) and c.shape == (800, 1) and x.dtype == np.float32
    back = pre.inverse_transform(x, e_inc)
    assert np.allclose(back, voxels, rtol=1e-3, atol=1e-5)
    assert np.allclose(back[:, :4].sum(axis=1), voxels[:, :4].sum(axis=1), rtol=1e-4)
    # dequantised training features are standardised and continuous
    noisy, _ = pre.transform(voxels, e_inc, rng=np.random.default_rng(1))
    assert np.allclose(noisy.mean(axis=0), 0, atol=0.1)
    assert np.allclose(noisy.std(axis=0), 1, atol=0.2)
    assert len(np.unique(noisy[:, 0])) > 700
    # the noise disappears again in the inverse transform
    assert np.allclose(pre.inverse_transform(noisy, e_inc), voxels, rtol=1e-3, atol=1e-5)


def test_inverse_applies_the_per_voxel_threshold(data):
    voxels, e_inc = data
    voxels = voxels.copy()
    voxels[:, 3] = 0.0  # a "dead" voxel never hit in training
    pre = ShowerPreprocessor().fit(voxels, e_inc)
    assert pre.threshold_gev_[0] >= THRESHOLD_GEV
    x, _ = pre.transform(voxels, e_inc)
    x[:, 3] = 5.0  # the generator puts energy into the dead voxel
    x[:, :3] -= 0.5  # and lowers others
    out = pre.inverse_transform(x, e_inc)
    assert np.all(out[:, 3] == 0)
    positive = out[out > 0]
    assert positive.min() >= THRESHOLD_GEV
    assert np.all(out >= 0)


def test_state_survives_a_dict_round_trip(data):
    voxels, e_inc = data
    pre = ShowerPreprocessor().fit(voxels, e_inc)
    again = ShowerPreprocessor.from_dict(pre.to_dict())
    x1, c1 = pre.transform(voxels, e_inc)
    x2, c2 = again.transform(voxels, e_inc)
    assert np.array_equal(x1, x2) and np.array_equal(c1, c2)


def test_clear_errors(data):
    voxels, e_inc = data
    with pytest.raises(RuntimeError, match="not fitted"):
        ShowerPreprocessor().transform(voxels, e_inc)
    empty = voxels.copy()
    empty[0] = 0
    with pytest.raises(ValueError, match="deposit no energy"):
        ShowerPreprocessor().fit(empty, e_inc)
    pre = ShowerPreprocessor().fit(voxels, e_inc)
    with pytest.raises(ValueError, match="expects 16 voxels"):
        pre.transform(np.ones((3, 10)), np.ones(3))
    with pytest.raises(ValueError, match="expected features"):
        pre.inverse_transform(np.zeros((3, 5)), np.ones(3))
    with pytest.raises(ValueError, match="> 0 GeV"):
        pre.condition(np.array([-1.0]))


def test_energy_features_round_trip_and_meaning():
    from hepml_course.generative.preprocessing import energy_features, layer_energies

    rng = np.random.default_rng(0)
    e_layer = rng.exponential(5.0, size=(200, 4)) + 1e-4
    e_inc = e_layer.sum(axis=1) / rng.uniform(0.8, 1.0, 200)
    feats = energy_features(e_layer, e_inc)
    assert feats.shape == (200, 4)
    assert np.allclose(np.exp(feats[:, 0]), e_layer.sum(axis=1) / e_inc)  # deposited / incident
    share0 = e_layer[:, 0] / e_layer.sum(axis=1)
    assert np.allclose(1 / (1 + np.exp(-feats[:, 1])), share0)
    assert np.allclose(layer_energies(feats, e_inc), e_layer, rtol=1e-9)


def test_empty_layers_come_back_empty(data):
    voxels, e_inc = data
    voxels = voxels.copy()
    voxels[:100, :4] = 0.0  # first layer empty in 100 showers
    pre = ShowerPreprocessor(layer_sizes=(4, 12)).fit(voxels, e_inc)
    x, _ = pre.transform(voxels, e_inc)
    assert np.all(np.isfinite(x))
    back = pre.inverse_transform(x, e_inc)
    assert np.all(back[:100, :4] == 0)
    assert np.allclose(back, voxels, rtol=1e-3, atol=1e-5)


def test_hit_calibration_restores_the_reference_hit_rates(data):
    voxels, e_inc = data
    pre = ShowerPreprocessor(layer_sizes=(4, 12)).fit(voxels, e_inc)
    x, _ = pre.transform(voxels, e_inc, rng=np.random.default_rng(2))
    # a "generator" whose voxels are blurred and low: many cells fall below the threshold
    blurred = x + np.random.default_rng(3).normal(-1.0, 0.5, x.shape).astype(np.float32)
    blurred[:, 16:] = x[:, 16:]
    rate_ref = (voxels > 0).mean(axis=0)
    before = (pre.inverse_transform(blurred, e_inc) > 0).mean(axis=0)
    pre.calibrate_hits(blurred, voxels, e_inc, n_bins=4)
    after = (pre.inverse_transform(blurred, e_inc) > 0).mean(axis=0)
    assert np.abs(before - rate_ref).max() > 0.05
    assert np.abs(after - rate_ref).max() < 0.02
    # layer energies are untouched by the cut, and the calibration is saved with the state
    out = pre.inverse_transform(blurred, e_inc)
    assert np.allclose(out[:, 4:].sum(axis=1), pre.inverse_transform(x, e_inc)[:, 4:].sum(axis=1))
    again = ShowerPreprocessor.from_dict(pre.to_dict())
    assert np.array_equal(again.inverse_transform(blurred, e_inc), out)
    with pytest.raises(ValueError, match="at least 20 showers per bin"):
        pre.calibrate_hits(blurred[:50], voxels[:50], e_inc[:50], n_bins=4)
    with pytest.raises(ValueError, match="expected 16 voxels"):
        pre.calibrate_hits(blurred, voxels[:, :10], e_inc)
    with pytest.raises(ValueError, match="expected features of shape"):
        pre.calibrate_hits(blurred[:, :5], voxels, e_inc)


def test_an_energy_column_is_accepted_and_two_columns_refused(data):
    voxels, e_inc = data
    pre = ShowerPreprocessor(layer_sizes=(4, 12)).fit(voxels, e_inc)
    x, c = pre.transform(voxels[:5], e_inc[:5])
    assert np.array_equal(pre.condition(e_inc[:5, None]), c)
    assert np.allclose(
        pre.inverse_transform(x, e_inc[:5, None]), pre.inverse_transform(x, e_inc[:5])
    )
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        pre.inverse_transform(x, np.column_stack([e_inc[:5], e_inc[:5]]))
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        pre.condition(np.column_stack([e_inc[:5], e_inc[:5]]))
