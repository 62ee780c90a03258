"""Preprocessing is fitted on training data only and rejects mismatched inputs."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.classification.preprocessing import ConstituentPreprocessor, Standardiser


def test_standardiser_uses_training_statistics():
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 2.0, size=(2000, 3))
    test = rng.normal(8.0, 2.0, size=(100, 3))
    s = Standardiser(["a", "b", "c"]).fit(train)
    assert np.abs(s.transform(train).mean(axis=0)).max() < 1e-4
    # a shifted test set stays shifted: nothing is re-fitted on it
    assert s.transform(test).mean() == pytest.approx(1.5, abs=0.3)


def test_standardiser_errors():
    s = Standardiser(["a", "b"])
    with pytest.raises(RuntimeError, match="not fitted"):
        s.transform(np.zeros((2, 2)))
    s.fit(np.arange(8.0).reshape(4, 2))
    with pytest.raises(ValueError, match="feature names differ"):
        s.transform(np.zeros((2, 2)), ["a", "x"])
    with pytest.raises(ValueError, match="shape"):
        s.transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        s.transform(np.array([[np.nan, 1.0]]))


def _parts(n=50, n_particles=10, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, n_particles, 4), np.float32)
    counts = rng.integers(2, n_particles + 1, n)
    mask = np.arange(n_particles)[None, :] < counts[:, None]
    pt = np.sort(rng.exponential(30, (n, n_particles)), axis=1)[:, ::-1]
    x[..., 0] = pt
    x[..., 1] = rng.normal(0, 0.2, (n, n_particles))
    x[..., 2] = rng.normal(0, 0.2, (n, n_particles))
    x[..., 3] = pt * 1.3
    return np.where(mask[..., None], x, 0), mask


def test_constituent_preprocessor_masks_and_standardises():
    x, mask = _parts()
    p = ConstituentPreprocessor(10).fit(x, mask)
    out = p.transform(x, mask)
    assert out.shape == (50, 10, 7) and out.dtype == np.float32
    assert np.all(out[~mask] == 0)
    assert np.abs(out[mask].mean(axis=0)).max() < 1e-3


def test_constituent_preprocessor_errors():
    x, mask = _parts()
    p = ConstituentPreprocessor(10)
    with pytest.raises(RuntimeError, match="not fitted"):
        p.transform(x, mask)
    p.fit(x, mask)
    x30 = np.zeros((5, 30, 4), np.float32)
    with pytest.raises(ValueError, match=r"padded to 30 particles but .* expects 10"):
        p.transform(x30, np.ones((5, 30), bool))
    with pytest.raises(ValueError, match=r"\(pT, Δη, Δφ, E\)"):
        p.transform(x[..., :3], mask)
    bad = x.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        p.transform(bad, mask)
