"""The edge filter: continuation features and the MLP that uses them."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import NotFittedError
from hepml_course.tracking.edge_filter import FILTER_FEATURES, EdgeFilter, filter_features
from hepml_course.tracking.module_map import ModuleMap

from .helpers import helix_event


def _candidates(module_map, hits):
    s, r = module_map.candidates(hits)
    y = (hits.particle[s] == hits.particle[r]) & (hits.particle[s] >= 0)
    return s, r, y


@pytest.fixture(scope="module")
def sample():
    events = [helix_event(600, seed=s, pt_range=(1.0, 10.0)) for s in range(5)]
    module_map = ModuleMap.fit(events[:3], n_phi=64, n_z=12, pt_min_gev=1.0)
    parts = []
    for hits in events:
        s, r, y = _candidates(module_map, hits)
        parts.append((filter_features(hits, s, r), y))
    return parts


def test_true_segments_continue_fakes_do_not(sample):
    x, y = sample[0]
    assert x.shape == (len(y), len(FILTER_FEATURES)) and x.dtype == np.float32
    fwd = x[:, FILTER_FEATURES.index("forward_chi2")]
    has_fwd = x[:, FILTER_FEATURES.index("forward_missing")] == 0
    # ideal helices continue where the segment points (small χ²); fakes mostly do not
    assert np.median(fwd[y & has_fwd]) < 1.0
    assert np.median(fwd[~y & has_fwd]) > 3.0
    # the last layer pair has no outer continuation, the first no inner one
    layer = x[:, FILTER_FEATURES.index("layer")]
    assert np.all(x[layer == 6, FILTER_FEATURES.index("forward_missing")] == 1)
    assert np.all(x[layer == 0, FILTER_FEATURES.index("backward_missing")] == 1)


def test_filter_removes_fakes_and_keeps_true_segments(sample):
    x = np.concatenate([p[0] for p in sample[:3]])
    y = np.concatenate([p[1] for p in sample[:3]])
    model = EdgeFilter(hidden=(16, 16), epochs=10, batch_size=1024).fit(x, y, seed=0)
    x_test, y_test = sample[4]
    keep = model.predict_proba(x_test) > 0.5
    assert keep[y_test].mean() > 0.97
    assert keep[~y_test].mean() < 0.1
    assert model.predict_proba(x_test[:0]).shape == (0,)


def test_same_seed_same_filter(sample):
    x, y = sample[0]
    a = EdgeFilter(hidden=(8,), epochs=2).fit(x, y, seed=3).predict_proba(x[:50])
    b = EdgeFilter(hidden=(8,), epochs=2).fit(x, y, seed=3).predict_proba(x[:50])
    np.testing.assert_array_equal(a, b)


def test_save_load_and_bad_input(sample, tmp_path):
    x, y = sample[0]
    with pytest.raises(NotFittedError):
        EdgeFilter().predict_proba(x)
    model = EdgeFilter(hidden=(8,), epochs=1).fit(x, y, seed=0)
    again = EdgeFilter.load(model.save(tmp_path / "filter"))
    np.testing.assert_allclose(again.predict_proba(x[:20]), model.predict_proba(x[:20]))
    with pytest.raises(ValueError, match="features"):
        model.predict_proba(x[:, :5])
    with pytest.raises(ValueError):
        EdgeFilter().fit(x, y[:-1])
    with pytest.raises(ValueError, match="both true and fake"):
        EdgeFilter(epochs=1).fit(x, np.ones(len(x), bool))
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError):
        model.predict_proba(bad)


def test_empty_candidates_give_empty_features():
    hits = helix_event(10, seed=1)
    assert filter_features(hits, np.zeros(0, int), np.zeros(0, int)).shape == (
        0,
        len(FILTER_FEATURES),
    )
