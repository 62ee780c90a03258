"""The taggers: architecture, symmetries, error messages, and learning on the shipped jets."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.classification.bdt import BDTTagger
from hepml_course.classification.deepsets import DeepSetsTagger, build_deepsets
from hepml_course.classification.dnn import DNNTagger, build_dnn
from hepml_course.classification.jets import load_hlf, load_jets
from hepml_course.classification.transformer import (
    ParticleTransformerTagger,
    build_particle_transformer,
    pair_features_numpy,
)
from hepml_course.metrics import classification as metrics

N = 12
MULT = 15  # column of j_multiplicity


@pytest.fixture(scope="module")
def hlf():
    return load_hlf(seed=0, max_jets=6000)


@pytest.fixture(scope="module")
def small():
    return load_jets(n_particles=N, max_jets=400, seed=2)


def _scramble(x, mask, rng):
    """Permute the real particles of each jet and fill the padding with garbage."""
    x2 = x.copy()
    for i in range(len(x)):
        real = np.flatnonzero(mask[i])
        x2[i, real] = x[i, rng.permutation(real)]
    x2[~mask] = rng.normal(size=(int((~mask).sum()), x.shape[-1]))
    return x2


def test_dnn_is_the_hls4ml_reference_shape():
    model = build_dnn()
    assert [layer.units for layer in model.layers[1:]] == [64, 32, 32, 5]
    assert model.count_params() == 16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5


def test_bdt_and_dnn_learn_the_jet_classes(hlf):
    bdt = BDTTagger(hlf.feature_names, max_iter=100).fit(hlf.x_train, hlf.y_train)
    p_bdt = bdt.predict_proba(hlf.x_test, hlf.feature_names)
    dnn = DNNTagger(hlf.feature_names, epochs=15).fit(hlf.x_train, hlf.y_train)
    p_dnn = dnn.predict_proba(hlf.x_test)
    for p in (p_bdt, p_dnn):
        assert metrics.accuracy(hlf.y_test, p) > 0.6
        assert metrics.binary_auc(hlf.y_test, p, [4], [0, 1]) > 0.9  # top vs QCD
    assert dnn.n_params == 4389 and bdt.n_params > 100


def test_taggers_refuse_mismatched_features(hlf):
    bdt = BDTTagger(hlf.feature_names, max_iter=5).fit(hlf.x_train[:300], hlf.y_train[:300])
    renamed = list(hlf.feature_names)
    renamed[14] = "j_mass"
    with pytest.raises(ValueError, match="feature names differ"):
        bdt.predict_proba(hlf.x_test, renamed)
    with pytest.raises(ValueError, match="shape"):
        bdt.predict_proba(hlf.x_test[:, :15])
    with pytest.raises(RuntimeError, match="not trained"):
        DNNTagger(hlf.feature_names).predict_proba(hlf.x_test)


@pytest.mark.parametrize("build", [build_deepsets, build_particle_transformer])
def test_particle_models_are_permutation_invariant_and_ignore_padding(build, small):
    rng = np.random.default_rng(0)
    tagger = (DeepSetsTagger if build is build_deepsets else ParticleTransformerTagger)(N)
    tagger.preprocessor.fit(small.particles_train, small.mask_train)
    model = tagger.build()
    x, mask = small.particles_test[:40], small.mask_test[:40]
    mult = small.hlf_test[:40, MULT]
    p1 = model.predict(tagger.inputs(x, mask, mult), verbose=0)
    x2 = _scramble(x, mask, rng)
    p2 = model.predict(tagger.inputs(x2, mask, mult), verbose=0)
    np.testing.assert_allclose(p1, p2, atol=2e-5)


def test_pair_features_layer_matches_numpy(small):
    import tensorflow as tf

    from hepml_course.classification.transformer import _layers

    pair_layer = _layers()[0]()
    x = small.particles_test[:5]
    x = np.where(small.mask_test[:5, :, None], x, 0.0).astype(np.float32)
    got = pair_layer(tf.constant(x)).numpy()
    ref = pair_features_numpy(x.astype(np.float64))
    real = small.mask_test[:5]
    both = real[:, :, None] & real[:, None, :] & ~np.eye(N, dtype=bool)[None]
    # float32 (layer) vs float64 (reference): cosh Δη − cos Δφ loses digits at small angles
    np.testing.assert_allclose(got[both], ref[both], rtol=1e-2, atol=0.05)


def test_particle_taggers_train_and_check_padding(small):
    for cls in (DeepSetsTagger, ParticleTransformerTagger):
        t = cls(N, epochs=2, seed=1).fit(
            small.particles_train, small.mask_train, small.y_train, small.hlf_train[:, MULT]
        )
        p = t.predict_proba(small.particles_test, small.mask_test, small.hlf_test[:, MULT])
        assert p.shape == (len(small.y_test), 5)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
        assert t.n_params > 1000 and len(t.history["loss"]) >= 1
        wrong = np.zeros((3, N + 5, 4), np.float32)
        with pytest.raises(ValueError, match=f"expects {N}"):
            t.predict_proba(wrong, np.ones((3, N + 5), bool), np.full(3, 40.0))
        with pytest.raises(ValueError, match="multiplicity"):
            t.predict_proba(small.particles_test, small.mask_test)


def test_training_is_reproducible(small):
    mult, mult_test = small.hlf_train[:, MULT], small.hlf_test[:, MULT]
    probs = []
    for _ in range(2):
        t = DeepSetsTagger(N, epochs=1, seed=5)
        t.fit(small.particles_train, small.mask_train, small.y_train, mult)
        probs.append(t.predict_proba(small.particles_test, small.mask_test, mult_test))
    np.testing.assert_allclose(probs[0], probs[1], atol=1e-5)
