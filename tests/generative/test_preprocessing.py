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
