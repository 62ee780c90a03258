"""Post-training quantization (PTQ) and one-shot pruning of a float network, in NumPy.

The study the chapter contrasts with quantization-aware training: round a
*trained* float network's weights, biases and activations to ``bits``-wide fixed
point (integer bits from the largest value of each layer, as hls4ml's profiling
does), or zero its smallest weights once, and measure the accuracy left.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.fpga.network import dense_weights
from hepml_course.fpga.pruning import magnitude_pruned


def fixed_round(values: np.ndarray, bits: int, max_abs: float) -> np.ndarray:
    """Round to a signed ``bits``-wide fixed-point type with enough integer bits for ``max_abs``."""
    integer = max(0, int(np.ceil(np.log2(max_abs + 1e-12)))) if max_abs > 0 else 0
    lsb = 2.0 ** (integer - (bits - 1))
    top = 2.0**integer - lsb
    return np.clip(np.round(values / lsb) * lsb, -(2.0**integer), top)


def numpy_logits(
    weights: list[tuple[np.ndarray, np.ndarray]],
    x: np.ndarray,
    bits: int | None = None,
    activation_ranges: list[float] | None = None,
) -> np.ndarray:
    """Forward pass of a ReLU MLP in NumPy, optionally in post-training fixed point.

    Parameters
    ----------
    weights
        (kernel, bias) per dense layer (:func:`hepml_course.fpga.network.dense_weights`).
    x
        Scaled inputs, shape (n_jets, n_features).
    bits
        ``None``: float.  Otherwise every weight, bias and activation is rounded to
        ``bits``-wide fixed point, with integer bits chosen from the largest value
        (weights) or from ``activation_ranges`` (one per hidden layer, from profiling).
    activation_ranges
        Largest activation of each hidden layer on representative data.

    Returns
    -------
    numpy.ndarray
        Logits, shape (n_jets, n_classes).
    """
    h = np.asarray(x, dtype=np.float64)
    for i, (kernel, bias) in enumerate(weights):
        if bits is not None:
            kernel = fixed_round(kernel, bits, float(np.max(np.abs(kernel))))
            bias = fixed_round(bias, bits, float(np.max(np.abs(bias))))
        h = h @ kernel + bias
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
            if bits is not None:
                if activation_ranges is None:
                    raise ValueError("fixed-point activations need activation_ranges")
                h = fixed_round(h, bits, activation_ranges[i])
    return h


def activation_ranges(weights: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> list[float]:
    """Largest output of each hidden layer on ``x`` (profiling for post-training quantization)."""
    ranges = []
    h = np.asarray(x, dtype=np.float64)
    for kernel, bias in weights[:-1]:
        h = np.maximum(h @ kernel + bias, 0.0)
        ranges.append(float(h.max()))
    return ranges


def post_training_accuracy(model: Any, x: np.ndarray, y: np.ndarray, bits: int) -> float:
    """Accuracy of a float Keras MLP rounded to ``bits``-wide fixed point after training.

    ``x`` are scaled inputs (profiling uses its first 5000 rows), ``y`` integer labels.
    """
    weights = dense_weights(model)
    ranges = activation_ranges(weights, x[:5000])
    logits = numpy_logits(weights, x, bits=bits, activation_ranges=ranges)
    return float(np.mean(logits.argmax(1) == np.asarray(y)))


def one_shot_pruned_accuracy(model: Any, x: np.ndarray, y: np.ndarray, sparsity: float) -> float:
    """Accuracy of a float Keras MLP after zeroing its smallest weights once (no retraining)."""
    logits = numpy_logits(magnitude_pruned(dense_weights(model), sparsity), x)
    return float(np.mean(logits.argmax(1) == np.asarray(y)))
