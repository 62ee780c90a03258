from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import NotFittedError, Standardiser


def test_standardises_and_round_trips_its_state():
    rng = np.random.default_rng(1)
    x = rng.normal([1.0, -3.0], [2.0, 0.5], size=(5000, 2))
    s = Standardiser(["a", "b"]).fit(x)
    z = s.transform(x, ["a", "b"])
    assert np.allclose(z.mean(axis=0), 0, atol=1e-3)
    assert np.allclose(z.std(axis=0), 1, atol=1e-3)
    again = Standardiser.from_dict(s.to_dict())
    assert np.array_equal(again.transform(x), z)


def test_constant_column_and_errors():
    s = Standardiser().fit(np.ones((10, 2)))
    assert np.all(np.isfinite(s.transform(np.ones((3, 2)))))
    with pytest.raises(NotFittedError):
        Standardiser().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="2 features"):
        s.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="feature names differ"):
        Standardiser(["a", "b"]).fit(np.ones((2, 2)), ["x", "y"])


def test_weighted_mean():
    x = np.array([[0.0], [10.0]])
    s = Standardiser().fit(x, sample_weight=[3.0, 1.0])
    assert s.mean_[0] == pytest.approx(2.5)
