"""Regression inputs computed from voxels."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.regression import check_voxels, raw_energy, shower_features, voxel_inputs


def test_feature_shapes_and_values(calo_split):
    v = calo_split[0][:100]
    x, names = shower_features(v)
    assert x.shape == (100, len(names)) == (100, 14)
    assert names[0] == "log_raw"
    np.testing.assert_allclose(x[:, 6:11].sum(axis=1), 1.0, rtol=1e-6)  # layer fractions
    np.testing.assert_allclose(np.exp(x[:, 0]), raw_energy(v), rtol=1e-6)
    assert voxel_inputs(v).shape == (100, 1 + 5 + 368)
    assert np.all(np.isfinite(x))
    assert check_voxels(v).dtype == np.float64


def test_bad_voxels_are_rejected():
    with pytest.raises(ValueError, match="368 features"):
        shower_features(np.ones((4, 10)))
    with pytest.raises(ValueError, match="2-D"):
        raw_energy(np.ones(368))
    bad = np.ones((2, 368))
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        raw_energy(bad)
