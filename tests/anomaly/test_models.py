"""The trigger models learn what normal looks like (toy data, a few seconds each)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from hepml_course.anomaly.models import CicadaStudent, ConvTeacher, DenseAutoencoder, TriggerVAE
from tests.anomaly.toy import structured


def _normal_and_odd():
    train = structured(3000, seed=0)
    normal = structured(1000, seed=1)
    odd = structured(1000, seed=2)
    odd[:, 20:30] += 0.5  # a feature pattern never seen in training
    return train, normal, odd


def test_dense_autoencoder_flags_unseen_pattern():
    train, normal, odd = _normal_and_odd()
    ae = DenseAutoencoder(seed=0)
    history = ae.fit(train, epochs=8)
    assert history["loss"][-1] < history["loss"][0]
    scores = np.concatenate([ae.score(normal), ae.score(odd)])
    labels = np.r_[np.zeros(1000), np.ones(1000)]
    assert roc_auc_score(labels, scores) > 0.9
    assert ae.encoder.output_shape == (None, 3)
    assert any("QDense" in type(layer).__name__ for layer in ae.model.layers)


def test_vae_scores_and_deployable_encoder():
    train, normal, odd = _normal_and_odd()
    vae = TriggerVAE(seed=0, beta=1.0)  # a strong KL term pins normal data near μ = 0
    vae.fit(train, epochs=8)
    labels = np.r_[np.zeros(1000), np.ones(1000)]
    mu2 = np.concatenate([vae.score(normal), vae.score(odd)])
    kl = np.concatenate([vae.kl_score(normal), vae.kl_score(odd)])
    assert roc_auc_score(labels, mu2) > 0.8
    assert roc_auc_score(labels, kl) > 0.8
    # the encoder alone gives the trigger score
    mu = vae.encoder.predict(normal[:5], verbose=0)
    np.testing.assert_allclose(np.sum(mu**2, axis=1), vae.score(normal[:5]), rtol=1e-5)
    assert all("sampling" not in layer.name for layer in vae.encoder.layers)


def test_same_seed_same_model():
    train, normal, _ = _normal_and_odd()
    a, b = DenseAutoencoder(seed=3), DenseAutoencoder(seed=3)
    a.fit(train[:1000], epochs=2)
    b.fit(train[:1000], epochs=2)
    np.testing.assert_allclose(a.score(normal[:50]), b.score(normal[:50]), rtol=1e-5)


def test_teacher_and_student():
    # normal images: a smooth η profile with Poisson noise; odd ones have a hot 2×2 block
    profile = np.exp(-(np.linspace(-1.5, 1.5, 14) ** 2))[None, None, :] * 8.0

    def images(n, seed, hot=False):
        r = np.random.default_rng(seed)
        img = r.poisson(np.broadcast_to(profile, (n, 18, 14))).astype(np.float32)
        if hot:
            img[:, 4:6, 3:5] += 60.0
        return img

    train = images(3000, 0)
    teacher = ConvTeacher(seed=0)
    teacher.fit(np.log1p(train)[..., None], epochs=4)
    normal, odd = images(500, 1), images(500, 2, hot=True)
    t_normal = teacher.score(np.log1p(normal)[..., None])
    t_odd = teacher.score(np.log1p(odd)[..., None])
    labels = np.r_[np.zeros(500), np.ones(500)]
    assert roc_auc_score(labels, np.r_[t_normal, t_odd]) > 0.95
    # the student learns the teacher's score on a mixture that spans its range
    mix = np.concatenate([train[:1500], images(1500, 3, hot=True)])
    target = teacher.score(np.log1p(mix)[..., None])
    student = CicadaStudent(seed=0)
    student.fit(mix, target, epochs=10)
    pred = student.score(np.concatenate([normal, odd]))
    assert roc_auc_score(labels, pred) > 0.95
    with pytest.raises(ValueError, match="teacher scores"):
        student.fit(mix, target[:10])


def test_models_reject_bad_inputs():
    ae = DenseAutoencoder()
    with pytest.raises(RuntimeError, match="fit"):
        ae.score(np.zeros((2, 57)))
    with pytest.raises(ValueError, match="shape"):
        ae.fit(np.zeros((10, 12)))
    with pytest.raises(ValueError, match="NaN"):
        ae.fit(np.full((10, 57), np.nan))
