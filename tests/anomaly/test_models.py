"""The trigger models learn what normal looks like (toy data, a few seconds each)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from hepml_course.anomaly.models import CicadaStudent, ConvTeacher, DenseAutoencoder, TriggerVAE
from hepml_course.nn import ArtifactError, NotFittedError, load_model
from tests.anomaly.toy import structured


def _normal_and_odd():
    train = structured(3000, seed=0)
    normal = structured(1000, seed=1)
    odd = structured(1000, seed=2)
    odd[:, 20:30] += 0.5  # a feature pattern never seen in training
    return train, normal, odd


LABELS = np.r_[np.zeros(1000), np.ones(1000)]


def test_dense_autoencoder_flags_unseen_pattern():
    from qkeras.qlayers import QActivation, QDense

    train, normal, odd = _normal_and_odd()
    ae = DenseAutoencoder(epochs=8)
    assert ae.fit(train, seed=0) is ae
    assert ae.history_["loss"][-1] < ae.history_["loss"][0]
    scores = np.concatenate([ae.score(normal), ae.score(odd)])
    assert roc_auc_score(LABELS, scores) > 0.9
    assert ae.encoder_.output_shape == (None, 3)
    assert any(isinstance(layer, QDense) for layer in ae.model_.layers)
    assert isinstance(ae.model_.layers[1], QActivation)  # the input quantizer


def test_vae_scores_and_deployable_encoder():
    train, normal, odd = _normal_and_odd()
    # a strong KL term pins normal data near μ = 0; every toy event trains (no held-out share)
    vae = TriggerVAE(beta=1.0, epochs=8, validation_fraction=0.0)
    vae.fit(train, seed=0)
    mu2 = np.concatenate([vae.score(normal), vae.score(odd)])
    kl = np.concatenate([vae.score(normal, kind="kl"), vae.score(odd, kind="kl")])
    assert roc_auc_score(LABELS, mu2) > 0.8
    assert roc_auc_score(LABELS, kl) > 0.8
    # the encoder alone gives the trigger score
    mu = vae.encoder_.predict(normal[:5], verbose=0)
    np.testing.assert_allclose(np.sum(mu**2, axis=1), vae.score(normal[:5]), rtol=1e-5)
    assert all("sampling" not in layer.name for layer in vae.encoder_.layers)
    # the KL term is in the loss: with β = 1 it keeps log σ² well away from −∞
    _, logvar = vae.moments_.predict(normal[:100], verbose=0)
    assert np.mean(logvar) > -3.0
    with pytest.raises(ValueError, match="kind"):
        vae.score(normal, kind="mse")


def test_same_seed_same_model():
    train, normal, _ = _normal_and_odd()
    a = DenseAutoencoder(epochs=2).fit(train[:1000], seed=3)
    b = DenseAutoencoder(epochs=2).fit(train[:1000], seed=3)
    c = DenseAutoencoder(epochs=2).fit(train[:1000], seed=4)
    np.testing.assert_allclose(a.score(normal[:50]), b.score(normal[:50]), rtol=1e-5)
    assert not np.allclose(a.score(normal[:50]), c.score(normal[:50]), rtol=1e-3)


def _images(n, seed, hot=False):
    # normal images: a smooth η profile with Poisson noise; odd ones have a hot 2×2 block
    profile = np.exp(-(np.linspace(-1.5, 1.5, 14) ** 2))[None, None, :] * 8.0
    r = np.random.default_rng(seed)
    img = r.poisson(np.broadcast_to(profile, (n, 18, 14))).astype(np.float32)
    if hot:
        img[:, 4:6, 3:5] += 60.0
    return img


def test_teacher_and_student():
    from qkeras.qlayers import QConv2D

    train = _images(3000, 0)
    teacher = ConvTeacher(epochs=4).fit(train, seed=0)
    normal, odd = _images(500, 1), _images(500, 2, hot=True)
    labels = np.r_[np.zeros(500), np.ones(500)]
    assert roc_auc_score(labels, np.r_[teacher.score(normal), teacher.score(odd)]) > 0.95
    # the student learns the teacher's score on a mixture that spans its range
    mix = np.concatenate([train[:1500], _images(1500, 3, hot=True)])
    student = CicadaStudent(epochs=10).fit(mix, teacher.score(mix), seed=0)
    pred = student.score(np.concatenate([normal, odd]))
    assert roc_auc_score(labels, pred) > 0.95
    assert isinstance(student.model_.get_layer("conv"), QConv2D)
    # it predicts log(teacher score): close to the teacher on unseen events
    both = np.concatenate([normal, odd])
    assert np.corrcoef(np.log(teacher.score(both)), pred)[0, 1] > 0.9
    with pytest.raises(ValueError, match="same number of rows"):
        CicadaStudent(epochs=1).fit(mix, teacher.score(mix)[:10])
    with pytest.raises(ValueError, match="teacher"):
        CicadaStudent(epochs=1).fit(mix)


def test_models_reject_bad_inputs():
    ae = DenseAutoencoder(epochs=1)
    with pytest.raises(NotFittedError, match="fit"):
        ae.score(np.zeros((2, 57)))
    with pytest.raises(ValueError, match="NaN"):
        ae.fit(np.full((10, 57), np.nan))
    with pytest.raises(ValueError, match="2-D"):
        ae.fit(np.zeros((10, 57, 1)))
    with pytest.raises(ValueError, match="rows"):
        ae.fit(np.zeros((10, 57)), sample_weight=np.ones(9))
    ae.fit(structured(200, seed=0), seed=0)
    with pytest.raises(ValueError, match="57"):
        ae.score(np.zeros((3, 12)))
    with pytest.raises(ValueError, match="even"):
        ConvTeacher(epochs=1).fit(np.zeros((10, 17, 14)))
    with pytest.raises(ValueError, match="non-negative"):
        CicadaStudent(epochs=1).fit(np.zeros((10, 18, 14)), -np.ones(10))


def test_init_stores_hyper_parameters_only():
    vae = TriggerVAE(beta=0.5, hidden=[8, 4])
    assert vae.get_params()["beta"] == 0.5 and vae.hidden == (8, 4)
    assert not hasattr(vae, "model_")
    with pytest.raises(TypeError):
        TriggerVAE(0.5)  # keyword-only


@pytest.mark.parametrize("kind", ["mu2", "kl"])
def test_vae_save_load_identical(tmp_path, kind):
    x = structured(300, seed=0)
    vae = TriggerVAE(epochs=1).fit(x, seed=0)
    vae.save(tmp_path / "vae")
    again = TriggerVAE.load(tmp_path / "vae")
    np.testing.assert_array_equal(vae.score(x, kind=kind), again.score(x, kind=kind))
    assert again.get_params() == vae.get_params()
    assert (tmp_path / "vae" / "model.weights.h5").is_file()


def test_student_save_load_and_tampering(tmp_path):
    images = _images(200, 0)
    student = CicadaStudent(epochs=1).fit(images, images.reshape(200, -1).var(axis=1), seed=0)
    path = student.save(tmp_path / "student")
    again = load_model(path)
    assert isinstance(again, CicadaStudent)
    np.testing.assert_array_equal(student.score(images), again.score(images))
    # the standardisation of the target is inside the checksummed record
    record = json.loads((path / "record.json").read_text())
    record["state"]["target_mean"] += 1.0
    (path / "record.json").write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        CicadaStudent.load(path)


def test_tampered_weights_are_refused(tmp_path):
    ae = DenseAutoencoder(epochs=1).fit(structured(200, seed=0), seed=0)
    path = ae.save(tmp_path / "ae")
    with open(path / "model.weights.h5", "r+b") as handle:
        handle.seek(-64, 2)
        byte = handle.read(1)
        handle.seek(-64, 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ArtifactError, match="sha256"):
        DenseAutoencoder.load(path)
    other = ae.save(tmp_path / "ae2")
    with pytest.raises(ArtifactError, match="holds a DenseAutoencoder"):
        ConvTeacher.load(other)
