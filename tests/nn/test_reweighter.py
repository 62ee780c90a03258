from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import ClassifierReweighter, NotFittedError


def test_reweights_a_gaussian_shift_and_keeps_the_total_weight_ratio():
    rng = np.random.default_rng(0)
    xs = rng.normal(0.0, 1.0, (20000, 1))
    xt = rng.normal(0.5, 1.0, (10000, 1))
    wt = np.full(len(xt), 3.0)
    rw = ClassifierReweighter(epochs=10).fit_samples(xs, xt, None, wt, seed=1)
    w = rw.weights(xs)
    mean = float(np.average(xs[:, 0], weights=w))
    assert mean == pytest.approx(0.5, abs=0.05)
    # Σ w_source·w ≈ Σ w_target
    assert w.sum() == pytest.approx(wt.sum(), rel=0.05)


def test_validates_before_training():
    rw = ClassifierReweighter()
    with pytest.raises(NotFittedError):
        rw.weights(np.zeros((2, 1)))
    with pytest.raises(ValueError, match="same number of rows"):
        rw.fit(np.zeros((4, 1)), np.array([0, 1]))
    with pytest.raises(ValueError, match="0 \\(source\\) and 1"):
        rw.fit(np.zeros((2, 1)), np.array([0, 2]))
    with pytest.raises(ValueError, match="features"):
        rw.fit_samples(np.zeros((2, 1)), np.zeros((2, 3)))


def test_same_seed_same_weights():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(600, 2))
    y = (rng.random(600) < 0.5).astype(int)
    a = ClassifierReweighter(epochs=2).fit(x, y, seed=4).weights(x)
    b = ClassifierReweighter(epochs=2).fit(x, y, seed=4).weights(x)
    assert np.allclose(a, b, rtol=1e-5)
