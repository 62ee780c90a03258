"""The likelihood-ratio trick: classifier weights morph one sample into another."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics.unfolding import chi2_ndf, normalized_covariance
from hepml_course.unfolding.reweighting import ClassifierReweighter
from hepml_course.unfolding.sample import histogram


@pytest.fixture(scope="module")
def gaussians():
    rng = np.random.default_rng(0)
    source = rng.normal([0.0, 0.0], [1.0, 1.0], size=(15_000, 2))
    target = rng.normal([0.4, 0.0], [1.0, 1.2], size=(10_000, 2))
    model = ClassifierReweighter(hidden=(16, 16), epochs=15, batch_size=1024, seed=1)
    return source, target, model.fit(source, target)


def test_weights_reproduce_the_target(gaussians):
    source, target, model = gaussians
    w = model.weights(source)
    assert w.sum() == pytest.approx(len(target), rel=0.05)  # normalised to the target
    assert np.average(source[:, 0], weights=w) == pytest.approx(0.4, abs=0.06)
    assert np.sqrt(np.average(source[:, 1] ** 2, weights=w)) == pytest.approx(1.2, abs=0.06)
    # closure on the classifier's own features: weighted source vs target
    edges = np.linspace(-3.0, 3.5, 14)
    for j in range(2):
        h_w = histogram(source[:, j], edges, w)
        sumw2 = histogram(source[:, j], edges, w**2)
        h_t = histogram(target[:, j], edges)
        h_0 = histogram(source[:, j], edges)
        cov = normalized_covariance(h_w, sumw2)
        assert chi2_ndf(h_w, h_t, cov) < 3.0
        assert chi2_ndf(h_0, h_t, normalized_covariance(h_0)) > 10.0
    assert model.history_["loss"]


def test_event_weights_enter_the_fit():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8000, 1))
    # target = the same events, weighted by exp(x) → ratio ∝ exp(x)
    model = ClassifierReweighter(hidden=(8,), epochs=10, batch_size=1024, seed=2)
    model.fit(x, x, None, np.exp(x[:, 0]))
    w = model.weights(np.array([[-1.0], [1.0]]))
    assert w[1] / w[0] == pytest.approx(np.e**2, rel=0.3)


def test_bad_input_is_reported():
    model = ClassifierReweighter(epochs=1)
    with pytest.raises(ValueError, match="2-D"):
        model.fit(np.ones(10), np.ones((10, 1)))
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.full((10, 1), np.nan), np.ones((10, 1)))
    with pytest.raises(ValueError, match="features"):
        model.fit(np.ones((10, 2)), np.ones((10, 1)))
    with pytest.raises(RuntimeError, match="fit"):
        ClassifierReweighter().weights(np.ones((3, 1)))
