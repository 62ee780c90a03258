"""Trained, quantized trigger models ready for the FPGA chapter (hls4ml / da4ml).

:func:`axol1tl_encoder` trains the AXOL1TL-like VAE on the shipped ``l1``
background and returns only its quantized encoder (Keras 3, QKeras-API layers
of hgq2) (57 scaled L1 inputs → 3 latent
means): the part that runs in the trigger, where the score is Σ μ².
:func:`cicada_student` returns the distilled CICADA-like QKeras student
(18 × 14 × 1 region ET / 32 GeV → standardised log anomaly score).  :func:`l1_inputs` gives
matching input arrays for calibration and bit-accuracy checks.
"""

from __future__ import annotations

from typing import Any

import awkward as ak

from hepml_course.anomaly.features import (
    FeatureScaler,
    l1_features,
    region_images,
    student_inputs,
)
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
        "cicada": student_inputs(region_images(test), CicadaStudent().et_scale_gev),
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
        Quantized Keras-3 model ``axo_encoder`` (input quantizer, QDense, QActivation
        from hgq2's ``qkeras`` module): input (None, 57) scaled by
        :class:`~hepml_course.anomaly.features.FeatureScaler` (log(1 + pT/GeV), η/3, φ/π;
        :func:`l1_inputs` applies it), output (None, 3) = μ.
    """
    train = _background_train(events, seed)
    vae = TriggerVAE(epochs=epochs)
    vae.fit(FeatureScaler().transform(l1_features(train)), seed=seed)
    return vae.encoder_


def cicada_student(
    events: ak.Array | None = None, seed: int = 0, epochs: int = 15, teacher_epochs: int = 8
) -> Any:
    """Train the CICADA teacher and distil it; return the quantized student (a Keras model).

    Returns
    -------
    keras.Model
        Quantized Keras-3 model ``cicada_student`` (QConv2D, QDense, QActivation from
        hgq2's ``qkeras`` module): input (None, 18, 14, 1) = region ET / 32 GeV,
        output (None, 1) = standardised predicted log(teacher reconstruction error).
    """
    train = _background_train(events, seed)
    images = region_images(train)
    teacher = ConvTeacher(epochs=teacher_epochs).fit(images, seed=seed)
    student = CicadaStudent(epochs=epochs).fit(images, teacher.score(images), seed=seed)
    return student.model_


def _fixed_type(config: Any) -> str:
    """hls4ml-style type of a QKeras-API quantizer configuration, e.g. ``ap_fixed<8,1>``."""
    cfg = getattr(config, "config", None)
    if not isinstance(cfg, dict) or not {"k0", "b0", "i0"} <= set(cfg):
        return str(config)
    k, b, i = int(bool(cfg["k0"])), int(cfg["b0"]), int(cfg["i0"])
    return f"ap_{'' if k else 'u'}fixed<{b + k},{i + k}>"


def quantization_summary(model: Any) -> list[dict[str, Any]]:
    """Each layer of a quantized Keras model: name, type, fixed-point types, parameters.

    Types are written as hls4ml does, ``ap_fixed<W,I>`` (W bits in total, I of them
    integer, sign included) or ``ap_ufixed`` for unsigned (ReLU) outputs.

    Returns
    -------
    list of dict
        Keys ``layer``, ``type``, ``quantization`` and ``parameters``; the input layer
        is skipped.
    """
    rows = []
    for layer in model.layers[1:]:
        parts = []
        for attr, what in (("kq", "weights"), ("bq", "bias")):
            quantizer = getattr(layer, attr, None)
            if quantizer is not None and getattr(quantizer, "config", None) is not None:
                parts.append(f"{what} {_fixed_type(quantizer.config)}")
        if type(layer).__name__ == "Quantizer":  # QActivation
            parts.append(f"output {_fixed_type(layer.config)}")
        rows.append(
            {
                "layer": layer.name,
                "type": type(layer).__name__,
                "quantization": ", ".join(parts) or "float",
                "parameters": int(layer.count_params()),
            }
        )
    return rows


__all__ = ["axol1tl_encoder", "cicada_student", "l1_inputs", "quantization_summary"]
