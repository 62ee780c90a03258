"""Refinement: the package's one ClassifierReweighter moves a distorted sample to the reference."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.generative import effective_sample_size
from hepml_course.metrics import generative as gm
from hepml_course.nn import ClassifierReweighter
from tests.generative.toy import GEOMETRY, toy_showers


def test_reweighting_reduces_the_distance():
    ref = gm.high_level_features(*toy_showers(4000, seed=1), GEOMETRY)
    gen = gm.high_level_features(*toy_showers(4000, seed=2, width_scale=1.3), GEOMETRY)
    names = ["e_ratio", "width_x_1", "width_y_1", "width_x_0", "e_layer_0", "e_layer_1"]
    x_ref, _ = gm.feature_matrix(ref, names)
    x_gen, _ = gm.feature_matrix(gen, names)
    rw = ClassifierReweighter(epochs=15, batch_size=512, max_weight=20.0).fit_samples(
        x_gen[:2000], x_ref[:2000], seed=0
    )
    # evaluate on showers not used to train the classifier
    test_gen = {k: v[2000:] for k, v in gen.items()}
    test_ref = {k: v[2000:] for k, v in ref.items()}
    w = rw.weights(x_gen[2000:])
    # E_gen[w] = 1 for the exact ratio; a finite classifier and the clipping leave it near 1
    assert w.mean() == pytest.approx(1.0, abs=0.25) and np.all(w > 0)
    before = gm.wasserstein_per_feature(test_ref, test_gen, names=["width_x_1"])["width_x_1"]
    after = gm.wasserstein_per_feature(test_ref, test_gen, w, names=["width_x_1"])["width_x_1"]
    assert after < 0.6 * before
    assert 0.1 * len(w) < effective_sample_size(w) < len(w)


def test_effective_sample_size():
    assert effective_sample_size(np.ones(10)) == pytest.approx(10)
    assert effective_sample_size(np.r_[np.ones(5), np.zeros(5)]) == pytest.approx(5)
    with pytest.raises(ValueError, match="1-D"):
        effective_sample_size(np.ones((3, 2)))
    with pytest.raises(ValueError, match="non-negative"):
        effective_sample_size(np.array([1.0, -1.0]))
