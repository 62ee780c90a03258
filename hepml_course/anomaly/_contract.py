"""Contract examples of the anomaly models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.anomaly.dqm import DQMAutoencoder
from hepml_course.anomaly.models import CicadaStudent, ConvTeacher, DenseAutoencoder, TriggerVAE
from hepml_course.nn.contract import ContractExample

_FAST = {"epochs": 1, "batch_size": 64}


def _features(n: int = 200) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 57)).astype(np.float32)


def _images(n: int = 120) -> np.ndarray:
    return np.random.default_rng(1).poisson(3.0, (n, 18, 14)).astype(np.float32)


def _dense_autoencoder() -> ContractExample:
    return ContractExample(DenseAutoencoder(**_FAST), _features(), verb="score")


def _trigger_vae() -> ContractExample:
    return ContractExample(
        TriggerVAE(**_FAST), _features(), verb="score", verb_kwargs={"kind": "kl"}
    )


def _conv_teacher() -> ContractExample:
    return ContractExample(ConvTeacher(filters=(2, 2), latent=4, **_FAST), _images(), verb="score")


def _cicada_student() -> ContractExample:
    images = _images()
    teacher_scores = images.reshape(len(images), -1).var(axis=1)
    return ContractExample(CicadaStudent(**_FAST), images, teacher_scores, verb="score")


def _dqm_autoencoder() -> ContractExample:
    maps = np.random.default_rng(2).uniform(0.0, 1.0, (60, 18, 14)).astype(np.float32)
    return ContractExample(DQMAutoencoder(filters=(2, 2), latent=4, **_FAST), maps, verb="score")


EXAMPLES = {
    "CicadaStudent": _cicada_student,
    "ConvTeacher": _conv_teacher,
    "DQMAutoencoder": _dqm_autoencoder,
    "DenseAutoencoder": _dense_autoencoder,
    "TriggerVAE": _trigger_vae,
}
