"""Trained, quantized trigger models ready for the FPGA chapter (hls4ml / da4ml).

:func:`axol1tl_encoder` trains the AXOL1TL-like VAE on the shipped ``l1``
background and returns only its QKeras encoder (57 scaled L1 inputs → 3 latent
means): the part that runs in the trigger, where the score is Σ μ².
:func:`cicada_student` returns the distilled CICADA-like QKeras student
(18 × 14 × 1 region ET / 32 GeV → log anomaly score).  :func:`l1_inputs` gives
matching input arrays for calibration and bit-accuracy checks.
"""

from __future__ import annotations

from typing import Any

import awkward as ak

from hepml_course.anomaly.features import FeatureScaler, l1_features, region_images, scale_images
from hepml_course.anomaly.models import CicadaStudent, ConvTeacher, TriggerVAE
from hepml_course.anomaly.sample import split_l1


def _background_train(events: ak.Array | None, seed: int) -> ak.Array:
    if events is None:
        from hepml_course import data

        events = data.load("l1")
    return split_l1(events, seed=seed).train


def l1_inputs(events: ak.Array | None = None, n_events: int = 2000, seed: int = 0) -> dict:
    """Scaled inputs of both exported models for ``n_events`` background test events.

    Returns
    -------
    dict
        ``"axol1tl"``: float32 (n, 57); ``"cicada"``: float32 (n, 18, 14, 1).
    """
    if events is None:
        from hepml_course import data

        events = data.load("l1")
    test = split_l1(events, seed=seed).test[:n_events]
    return {
        "axol1tl": FeatureScaler().transform(l1_features(test)),
        "cicada": CicadaStudent().inputs(region_images(test)),
    }


def axol1tl_encoder(events: ak.Array | None = None, seed: int = 0, epochs: int = 15) -> Any:
    """Train the VAE on the ``l1`` background; return its quantized encoder (a Keras model).

    Parameters
    ----------
    events
        ``l1`` events (the shipped file is loaded if None).
    seed
        Seed of the split and of the training.
    epochs
        Training epochs (≈ 1 s each on 2 cores).

    Returns
    -------
    keras.Model
        QKeras model ``axo_encoder``: input (None, 57) scaled by
        :class:`~hepml_course.anomaly.features.FeatureScaler` (log(1 + pT/GeV), η/3, φ/π;
        :func:`l1_inputs` applies it), output (None, 3) = μ.
    """
    train = _background_train(events, seed)
    vae = TriggerVAE(seed=seed)
    vae.fit(FeatureScaler().transform(l1_features(train)), epochs=epochs)
    return vae.encoder


def cicada_student(
    events: ak.Array | None = None, seed: int = 0, epochs: int = 15, teacher_epochs: int = 8
) -> Any:
    """Train the CICADA teacher and distil it; return the quantized student (a Keras model).

    Returns
    -------
    keras.Model
        QKeras model ``cicada_student``: input (None, 18, 14, 1) = region ET / 32 GeV,
        output (None, 1) = predicted log(teacher reconstruction error).
    """
    train = _background_train(events, seed)
    images = region_images(train)
    teacher = ConvTeacher(seed=seed)
    teacher.fit(scale_images(images), epochs=teacher_epochs)
    student = CicadaStudent(seed=seed)
    student.fit(images, teacher.score(scale_images(images)), epochs=epochs)
    return student.model


__all__ = ["axol1tl_encoder", "cicada_student", "l1_inputs"]
