"""Bit accuracy: does the hls4ml C++ emulation compute what the Keras model computes?

Both are compared on the same fixed-point inputs and on the *logits* (the
hardware output).  ``bit_exact`` is the fraction of logit values that are
identical (not an arg-max agreement): 1.0 for a quantized (hgq2 / QKeras-API)
network converted by :mod:`hepml_course.fpga.convert`; a float network deployed
as ``ap_fixed<16,I>`` differs by its rounding, and only its arg-max agreement
is meaningful.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass
class BitAccuracy:
    """Agreement of emulated logits with the reference (Keras) logits.

    Attributes
    ----------
    n_jets
        Number of inputs compared.
    argmax_agreement
        Fraction of jets with the same arg-max of the logits.
    bit_exact
        Fraction of logit values that are identical (0 difference).
    max_abs_diff
        Largest absolute logit difference.
    """

    n_jets: int
    argmax_agreement: float
    bit_exact: float
    max_abs_diff: float
    emulated_logits: np.ndarray | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        """Plain dictionary (JSON-ready), without the logits array."""
        d = asdict(self)
        d.pop("emulated_logits")
        return d


def compare_logits(reference: np.ndarray, emulated: np.ndarray) -> BitAccuracy:
    """Compare two arrays of logits of shape (n_jets, n_classes)."""
    reference = np.asarray(reference, dtype=np.float64)
    emulated = np.asarray(emulated, dtype=np.float64).reshape(reference.shape)
    diff = np.abs(reference - emulated)
    return BitAccuracy(
        n_jets=len(reference),
        argmax_agreement=float(np.mean(reference.argmax(1) == emulated.argmax(1))),
        bit_exact=float(np.mean(diff == 0)),
        max_abs_diff=float(diff.max()) if diff.size else 0.0,
        emulated_logits=emulated,
    )


def bit_accuracy(model: Any, hls_model: Any, x: np.ndarray) -> BitAccuracy:
    """Compare a Keras model and its compiled hls4ml model on scaled inputs ``x``.

    Parameters
    ----------
    model
        The Keras network (a final softmax layer is ignored: logits are compared).
    hls_model
        Its compiled hls4ml model (:func:`hepml_course.fpga.convert.convert`).
    x
        Inputs on the fixed-point input grid, shape (n_jets, n_features).
    """
    from hepml_course.fpga.network import predict_logits

    x = np.ascontiguousarray(x, dtype=np.float32)
    reference = predict_logits(model, x)
    emulated = np.asarray(hls_model.predict(x), dtype=np.float64)
    return compare_logits(reference, emulated)
