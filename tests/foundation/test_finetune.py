"""FoundationTagger: starts from the backbone, keeps its preprocessing, refuses mismatches."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.foundation import FoundationTagger, PretrainedBackbone
from hepml_course.foundation._contract import toy_jets

from .conftest import N_PARTICLES


def _tagger(**kw):
    base = {"n_particles": N_PARTICLES, "head": (8,), "epochs": 1, "batch_size": 64}
    return FoundationTagger(**{**base, **kw})


def test_starts_from_backbone_weights_and_preprocessing(jets, backbone):
    x, y = jets
    tagger = _tagger(backbone=backbone, epochs=0).fit(x[:100], y[:100], seed=4)
    for a, b in zip(tagger.encoder_.get_weights(), backbone.encoder.get_weights(), strict=True):
        assert np.array_equal(a, b)
    # the fine-tuning jets are standardised as in pre-training, not refitted on x[:100]
    assert np.array_equal(tagger.scaler_.mean_, backbone.scaler.mean_)
    assert tagger.config_ == backbone.config
    assert tagger.backbone_info_["tokeniser_fingerprint"] == backbone.fingerprint
    scratch = _tagger(dim=16, heads=2, n_blocks=1, epochs=0).fit(x[:100], y[:100], seed=4)
    assert not np.array_equal(scratch.encoder_.get_weights()[2], backbone.encoder.get_weights()[2])
    assert scratch.n_params == tagger.n_params


def test_freeze_backbone_trains_only_the_head(jets, backbone):
    x, y = jets
    tagger = _tagger(backbone=backbone, freeze_backbone=True, epochs=2).fit(x, y, seed=0)
    for a, b in zip(tagger.encoder_.get_weights(), backbone.encoder.get_weights(), strict=True):
        assert np.array_equal(a, b)
    before = [w.copy() for w in backbone.encoder.get_weights()]
    tuned = _tagger(backbone=backbone, epochs=2).fit(x, y, seed=0)
    changed = [
        not np.array_equal(a, b)
        for a, b in zip(tuned.encoder_.get_weights(), backbone.encoder.get_weights(), strict=True)
    ]
    assert sum(changed) > len(changed) // 2
    # fine-tuning never changes the backbone object itself
    for a, b in zip(before, backbone.encoder.get_weights(), strict=True):
        assert np.array_equal(a, b)


def test_learns_toy_classes(jets):
    x, y = jets
    tagger = _tagger(dim=16, heads=2, n_blocks=1, epochs=15, learning_rate=3e-3).fit(x, y, seed=0)
    x_test, y_test = toy_jets(300, seed=11, n_particles=N_PARTICLES)
    proba = tagger.predict_proba(x_test)
    assert proba.shape == (300, 5) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert np.mean(tagger.predict(x_test) == y_test) > 0.4  # chance: 0.2


def test_save_load_with_backbone_path(jets, saved_backbone, tmp_path):
    x, y = jets
    tagger = _tagger(backbone=saved_backbone).fit(x, y, seed=0)
    assert tagger.get_params()["backbone"] == str(saved_backbone)
    path = tagger.save(tmp_path / "tagger")
    again = FoundationTagger.load(path)
    np.testing.assert_array_equal(again.predict_proba(x), tagger.predict_proba(x))
    assert again.backbone_info_ == tagger.backbone_info_
    loaded = PretrainedBackbone.load(saved_backbone)
    assert _tagger(backbone=loaded).get_params()["backbone"] == str(saved_backbone)


def test_mismatches_are_refused(jets, backbone, tmp_path):
    x, y = jets
    with pytest.raises(ValueError, match="n_particles=8"):
        _tagger(backbone=backbone, n_particles=6).fit(x, y)
    with pytest.raises(ValueError, match=r"dim=32 \(backbone: 16\)"):
        _tagger(backbone=backbone, dim=32).fit(x, y)
    with pytest.raises(FileNotFoundError, match="no pre-trained backbone"):
        _tagger(backbone=tmp_path / "missing").fit(x, y)
    with pytest.raises(TypeError, match="backbone must be"):
        _tagger(backbone=42).fit(x, y)
    with pytest.raises(TypeError, match="JetInputs"):
        _tagger().fit(x.particles, y)
    with pytest.raises(ValueError, match="load_jets"):
        _tagger(n_particles=30).fit(x, y)
    bad = x[:50]
    parts = bad.particles.copy()
    parts[:, :2] = parts[:, [1, 0]]
    from hepml_course.classification import JetInputs

    with pytest.raises(ValueError, match="pT-ordered"):
        _tagger().fit(JetInputs(bad.features, parts, bad.mask), y[:50])
