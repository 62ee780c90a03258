"""The taggers: architecture, symmetries, the model contract, and learning on the shipped jets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.classification import (
    BDTTagger,
    DeepSetsTagger,
    DNNTagger,
    JetInputs,
    ParticleTransformerTagger,
    build_dnn,
    load_hlf,
    load_jets,
    pair_features_numpy,
)
from hepml_course.metrics import classification as metrics
from hepml_course.nn import ArtifactError, NotFittedError

N = 12


@pytest.fixture(scope="module")
def hlf():
    return load_hlf(seed=0, max_jets=6000)


@pytest.fixture(scope="module")
def small():
    return load_jets(n_particles=N, max_jets=400, seed=2)


def _scrambled(x: JetInputs, rng) -> JetInputs:
    """Permute the real particles of each jet and fill the padding with garbage."""
    parts = x.particles.copy()
    for i in range(len(x)):
        real = np.flatnonzero(x.mask[i])
        parts[i, real] = x.particles[i, rng.permutation(real)]
    parts[~x.mask] = rng.normal(size=(int((~x.mask).sum()), parts.shape[-1]))
    return JetInputs(x.features, parts, x.mask, x.feature_names)


def _tiny(cls):
    if cls is BDTTagger:
        return BDTTagger(max_iter=5)
    if cls is DNNTagger:
        return DNNTagger(hidden=(8,), epochs=1)
    return cls(n_particles=N, epochs=1)


ALL = [BDTTagger, DNNTagger, DeepSetsTagger, ParticleTransformerTagger]


def test_dnn_is_the_hls4ml_reference_shape():
    model = build_dnn()
    assert [layer.units for layer in model.layers[1:]] == [64, 32, 32, 5]
    assert model.count_params() == 16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5


def test_bdt_and_dnn_learn_the_jet_classes(hlf):
    bdt = BDTTagger(max_iter=100).fit(hlf.x_train, hlf.y_train)
    dnn = DNNTagger(epochs=15).fit(hlf.x_train, hlf.y_train)
    for p in (bdt.predict_proba(hlf.x_test), dnn.predict_proba(hlf.x_test)):
        assert metrics.accuracy(hlf.y_test, p) > 0.6
        assert metrics.binary_auc(hlf.y_test, p, [4], [0, 1]) > 0.9  # top vs QCD
    assert dnn.n_params == 4389 and bdt.n_params > 100
    assert len(dnn.history_["val_accuracy"]) >= 1 and dnn.train_s_ > 0


def test_feature_taggers_read_their_columns_by_name(small):
    """Given the container, a tagger picks its columns by name — any subset, any order."""
    names = ("j_mass_mmdt", "j_multiplicity", "j_d2_b1_mmdt")
    bdt = BDTTagger(feature_names=names, max_iter=5).fit(small.x_train, small.y_train)
    cols = [small.feature_names.index(n) for n in names]
    np.testing.assert_array_equal(
        bdt.predict_proba(small.x_test), bdt.predict_proba(small.hlf_test[:, cols])
    )
    with pytest.raises(ValueError, match=r"lack the feature\(s\) \['j_mass'\]"):
        BDTTagger(feature_names=("j_mass",)).fit(small.x_train, small.y_train)
    with pytest.raises(ValueError, match="3 features"):
        bdt.predict_proba(small.hlf_test)


@pytest.mark.parametrize("cls", ALL)
def test_contract_before_fit_and_at_the_door(cls, small):
    model = _tiny(cls)
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict_proba(small.x_test)
    with pytest.raises(NotFittedError):
        model.save("unused")
    x, y = small.x_train, small.y_train
    with pytest.raises(ValueError, match="same number of rows"):
        model.fit(x, y[:-3])
    with pytest.raises(ValueError, match="same number of rows"):
        model.fit(x, y, sample_weight=np.ones(len(y) - 1))
    with pytest.raises(ValueError, match="label 7"):
        model.fit(x, np.where(y == 0, 7, y))


@pytest.mark.parametrize("cls", ALL)
def test_save_load_identical_and_tamper_evident(cls, small, tmp_path):
    model = _tiny(cls).fit(small.x_train, small.y_train, seed=3)
    p = model.predict_proba(small.x_test)
    path = model.save(tmp_path / "m")
    again = cls.load(path)
    np.testing.assert_array_equal(again.predict_proba(small.x_test), p)
    assert again.get_params() == model.get_params() and again.seed_ == 3
    record = json.loads((path / "record.json").read_text())
    if cls is not BDTTagger:
        # the preprocessing state is inside the checksummed record: editing it is caught
        record["state"]["scaler"]["mean"][0] += 0.5
        (path / "record.json").write_text(json.dumps(record))
        with pytest.raises(ArtifactError, match="modified"):
            cls.load(path)
    else:
        with open(path / "bdt.pkl", "ab") as handle:
            handle.write(b"\0")
        with pytest.raises(ArtifactError, match=r"bdt\.pkl"):
            cls.load(path)


@pytest.mark.parametrize("cls", [DeepSetsTagger, ParticleTransformerTagger])
def test_particle_models_are_permutation_invariant_and_ignore_padding(cls, small):
    rng = np.random.default_rng(0)
    tagger = cls(n_particles=N, epochs=1).fit(small.x_train, small.y_train)
    x = small.x_test[:40]
    np.testing.assert_allclose(
        tagger.predict_proba(x), tagger.predict_proba(_scrambled(x, rng)), atol=2e-5
    )


def test_pair_features_layer_matches_numpy(small):
    from hepml_course.classification.transformer import _layers

    pair_layer = _layers()[0]()
    x = small.particles_test[:5]
    x = np.where(small.mask_test[:5, :, None], x, 0.0).astype(np.float32)
    got = np.asarray(pair_layer(x))
    ref = pair_features_numpy(x.astype(np.float64))
    real = small.mask_test[:5]
    both = real[:, :, None] & real[:, None, :] & ~np.eye(N, dtype=bool)[None]
    # float32 (layer) vs float64 (reference): cosh Δη − cos Δφ loses digits at small angles
    np.testing.assert_allclose(got[both], ref[both], rtol=1e-2, atol=0.05)


def test_particle_taggers_train_and_check_their_inputs(small):
    wide = load_jets(n_particles=N + 4, max_jets=400, seed=2)
    for cls in (DeepSetsTagger, ParticleTransformerTagger):
        t = cls(n_particles=N, epochs=2).fit(small.x_train, small.y_train, seed=1)
        p = t.predict_proba(small.x_test)
        assert p.shape == (len(small.y_test), 5)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
        assert t.n_params > 1000 and len(t.history_["loss"]) >= 1
        # wider padding: the N hardest constituents are read (they are the same jets)
        np.testing.assert_allclose(t.predict_proba(wide.x_test), p, atol=1e-6)
        narrow = load_jets(n_particles=N - 4, max_jets=400, seed=2)
        with pytest.raises(ValueError, match=f"expects {N}"):
            t.predict_proba(narrow.x_test)
        with pytest.raises(TypeError, match="JetInputs"):
            t.predict_proba(small.hlf_test)
        with pytest.raises(ValueError, match="carry no constituents"):
            t.predict_proba(JetInputs(small.hlf_test))


def test_sample_weights_matter(small):
    """Zero weight on every top jet: the BDT then never predicts top."""
    w = np.where(small.y_train == 4, 0.0, 1.0)
    bdt = BDTTagger(max_iter=20).fit(small.x_train, small.y_train, sample_weight=w)
    p = bdt.predict_proba(small.x_test)
    assert p[:, 4].max() < 0.2
    assert np.mean(np.argmax(p, axis=1) == 4) == 0.0


def test_training_is_reproducible(small):
    probs = [
        DeepSetsTagger(n_particles=N, epochs=1)
        .fit(small.x_train, small.y_train, seed=5)
        .predict_proba(small.x_test)
        for _ in range(2)
    ]
    np.testing.assert_allclose(probs[0], probs[1], atol=1e-5)
