"""Bit-accuracy report: does the hls4ml C++ emulation compute what the (Q)Keras model computes?

Compares, on the same fixed-point inputs, the logits (arg-max agreement, identical
values, largest difference), the softmax outputs, and every layer's output through
hls4ml's trace.  For a QKeras model converted with :mod:`hepml_course.fpga.convert`
the logits should be identical; for a float model they differ by the fixed-point
rounding of ``ap_fixed<16,I>``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass
class BitAccuracy:
    """Agreement between a reference (QKeras/Keras) and an emulation.

    Attributes
    ----------
    n_jets
        Number of inputs compared.
    argmax_agreement
        Fraction of jets with the same arg-max of the logits.
    exact_fraction
        Fraction of logit values that agree to within 1e-6 (bit-exact for QKeras models).
    max_abs_diff
        Largest absolute logit difference.
    softmax_argmax_agreement
        Arg-max agreement of the softmax outputs (``nan`` when not compared).
    softmax_max_abs_diff
        Largest absolute difference of softmax outputs (``nan`` when not compared).
    per_layer_max_abs_diff
        Layer name → largest absolute difference of that layer's output.
    """

    n_jets: int
    argmax_agreement: float
    exact_fraction: float
    max_abs_diff: float
    softmax_argmax_agreement: float = float("nan")
    softmax_max_abs_diff: float = float("nan")
    per_layer_max_abs_diff: dict[str, float] = field(default_factory=dict)
    emulated_logits: np.ndarray | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        """Plain dictionary (JSON-ready), without the logits array."""
        d = asdict(self)
        d.pop("emulated_logits")
        return d


def compare_logits(reference: np.ndarray, emulated: np.ndarray, atol: float = 1e-6) -> BitAccuracy:
    """Compare two arrays of logits of shape (n_jets, n_classes)."""
    reference = np.asarray(reference, dtype=np.float64)
    emulated = np.asarray(emulated, dtype=np.float64).reshape(reference.shape)
    diff = np.abs(reference - emulated)
    return BitAccuracy(
        n_jets=len(reference),
        argmax_agreement=float(np.mean(reference.argmax(1) == emulated.argmax(1))),
        exact_fraction=float(np.mean(diff <= atol)),
        max_abs_diff=float(diff.max()) if diff.size else 0.0,
    )


def bit_accuracy(model: Any, hls_model: Any, x: np.ndarray, trace: bool = True) -> BitAccuracy:
    """Full report for a Keras model and its compiled hls4ml model on scaled inputs ``x``.

    Parameters
    ----------
    model
        The Keras/QKeras tagger (with ``logits`` and ``softmax`` layers).
    hls_model
        Its hls4ml model; for the per-layer comparison it must have been converted
        with tracing on (:func:`hepml_course.fpga.convert.enable_trace`).  hls4ml's
        ``trace`` always recompiles the C++, so convert with ``compile_model=False``
        when ``trace`` is set, to compile once.
    x
        Inputs on the fixed-point input grid, shape (n_jets, n_features).
    trace
        Also compare every layer's output (slower).
    """
    from hls4ml.model.profiling import get_ymodel_keras

    from hepml_course.fpga.models import predict_logits

    x = np.ascontiguousarray(x, dtype=np.float32)
    ref_logits = predict_logits(model, x)
    if trace:
        hls_soft, hls_trace = hls_model.trace(x)
        keras_trace = get_ymodel_keras(model, x)
        per_layer = {}
        for name, out in hls_trace.items():
            if name in keras_trace:
                ref = np.asarray(keras_trace[name], dtype=np.float64).reshape(len(x), -1)
                got = np.asarray(out, dtype=np.float64).reshape(len(x), -1)
                per_layer[name] = float(np.max(np.abs(ref - got)))
        if "logits" not in hls_trace:
            raise ValueError("the hls4ml model has no trace of the 'logits' layer")
        hls_logits = np.asarray(hls_trace["logits"]).reshape(ref_logits.shape)
    else:
        per_layer = {}
        hls_soft = hls_model.predict(x)
        hls_logits = None
    report = None
    if hls_logits is not None:
        report = compare_logits(ref_logits, hls_logits)
        report.emulated_logits = hls_logits.astype(np.float64)
    ref_soft = model.predict(x, batch_size=4096, verbose=0)
    hls_soft = np.asarray(hls_soft, dtype=np.float64).reshape(ref_soft.shape)
    soft_agree = float(np.mean(ref_soft.argmax(1) == hls_soft.argmax(1)))
    if report is None:
        # without a trace, the logits are not available: judge on the softmax
        report = compare_logits(ref_soft, hls_soft, atol=0.0)
        report.exact_fraction = float("nan")
    report.softmax_argmax_agreement = soft_agree
    report.softmax_max_abs_diff = float(np.max(np.abs(ref_soft - hls_soft)))
    report.per_layer_max_abs_diff = per_layer
    return report
