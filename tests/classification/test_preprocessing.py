"""The constituent preprocessing is fitted on training data only and rejects mismatched inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.classification import ConstituentPreprocessor
from hepml_course.nn import NotFittedError


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
    # other jets are transformed with the training statistics, not re-fitted
    x2, mask2 = _parts(seed=1)
    x2[..., 0] *= 2.0
    assert np.abs(p.transform(x2, mask2)[mask2].mean(axis=0)).max() > 0.1


def test_constituent_preprocessor_state_round_trips_through_json():
    x, mask = _parts()
    p = ConstituentPreprocessor(10).fit(x, mask)
    q = ConstituentPreprocessor.from_dict(json.loads(json.dumps(p.to_dict())))
    np.testing.assert_array_equal(q.transform(x, mask), p.transform(x, mask))


def test_constituent_preprocessor_errors():
    x, mask = _parts()
    p = ConstituentPreprocessor(10)
    with pytest.raises(NotFittedError, match="not fitted"):
        p.transform(x, mask)
    with pytest.raises(NotFittedError):
        p.to_dict()
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
