from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import (
    NotFittedError,
    check_array,
    check_is_fitted,
    check_labels,
    check_lengths,
    check_sample_weight,
)


def test_check_array_names_the_problem():
    with pytest.raises(ValueError, match="must be 2-D"):
        check_array(np.zeros(3), name="X")
    with pytest.raises(ValueError, match="4 features"):
        check_array(np.zeros((2, 3)), n_features=4)
    with pytest.raises(ValueError, match="1 NaN"):
        check_array([[1.0, np.nan]])
    with pytest.raises(ValueError, match="feature names differ"):
        check_array(np.zeros((2, 2)), feature_names=["a", "b"], expected_names=["b", "a"])
    with pytest.raises(TypeError, match="numeric"):
        check_array([["a", "b"]])
    assert check_array([[1, 2]]).dtype == np.float32


def test_check_lengths_and_weights():
    assert check_lengths(X=np.zeros((3, 2)), y=np.zeros(3), w=None) == 3
    with pytest.raises(ValueError, match="X has 3, y has 2"):
        check_lengths(X=np.zeros((3, 2)), y=np.zeros(2))
    assert np.array_equal(check_sample_weight(None, 2), [1.0, 1.0])
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        check_sample_weight(np.ones(2), 3)
    with pytest.raises(ValueError, match="non-negative"):
        check_sample_weight([1.0, -1.0], 2)


def test_check_labels():
    assert check_labels([0, 1, 2], 3, n_classes=3).dtype == np.int64
    with pytest.raises(ValueError, match="3 classes"):
        check_labels([0, 3], 2, n_classes=3)
    with pytest.raises(ValueError, match="integer"):
        check_labels([0.5, 1], 2)


def test_check_is_fitted():
    class Model:
        _fitted_attributes = ("model_",)
        model_ = None

    with pytest.raises(NotFittedError, match="call fit"):
        check_is_fitted(Model())
    m = Model()
    m.model_ = object()
    check_is_fitted(m)
