"""Flat L1 vector, image scaling and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.anomaly.features import (
    N_FEATURES,
    FeatureScaler,
    l1_features,
    object_matrix,
    region_images,
    scale_images,
    student_inputs,
)
from tests.anomaly.toy import toy_events


def test_object_matrix_layout_and_padding():
    events = toy_events(6)
    m = object_matrix(events)
    assert m.shape == (6, 19, 3)
    assert np.all(m[:, 0, 1] == 0.0)  # MET has η = 0
    np.testing.assert_allclose(m[:, 0, 0], events.MET_pt.to_numpy())
    for i in range(6):
        n_mu = min(len(events.Muon.pt[i]), 4)
        np.testing.assert_allclose(m[i, 5 : 5 + n_mu, 0], events.Muon.pt[i][:n_mu].to_numpy())
        assert np.all(m[i, 5 + n_mu : 9] == 0.0)  # zero padding
        n_jet = min(len(events.Jet.pt[i]), 10)
        assert np.all(m[i, 9 + n_jet :, :] == 0.0)
    assert l1_features(events).shape == (6, N_FEATURES)


def test_images_in_gev_and_log_scaled():
    events = toy_events(3)
    images = region_images(events)
    np.testing.assert_allclose(images, events.Region_et.to_numpy() * 0.5)
    scaled = scale_images(images)
    assert scaled.shape == (3, 18, 14, 1)
    np.testing.assert_allclose(scaled[..., 0], np.log1p(images))


def test_scaler_and_errors():
    x = l1_features(toy_events(4))
    scaled = FeatureScaler().transform(x)
    np.testing.assert_allclose(scaled[:, 0], np.log1p(x[:, 0]), rtol=1e-6)
    np.testing.assert_allclose(scaled[:, 4], x[:, 4] / 3.0, rtol=1e-6)
    np.testing.assert_allclose(scaled[:, 5], x[:, 5] / np.pi, rtol=1e-6)
    linear = FeatureScaler(log_pt=False, pt_scale_gev=64.0).transform(x)
    np.testing.assert_allclose(linear[:, 3], x[:, 3] / 64.0, rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        FeatureScaler().transform(x[:, :50])
    x[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        FeatureScaler().transform(x)
    with pytest.raises(KeyError, match="lack"):
        l1_features(toy_events(2)[["MET_pt"]])
    with pytest.raises(ValueError, match="18, 14"):
        scale_images(np.zeros((2, 18)))
    with pytest.raises(ValueError, match="18, 14"):
        student_inputs(np.zeros((2, 18, 14, 1)))


def test_student_inputs_are_a_bit_shift():
    images = region_images(toy_events(3))
    x = student_inputs(images)
    assert x.shape == (3, 18, 14, 1) and x.dtype == np.float32
    # 0.5 GeV counts / 32 GeV = counts · 2⁻⁶: exact in binary
    np.testing.assert_array_equal(x[..., 0] * 64.0, images * 2.0)
