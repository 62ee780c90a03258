"""Magnitude pruning written in the package (no tensorflow-model-optimization).

During training, a Keras callback zeroes the smallest ``|w|`` of every dense
kernel to a target fraction that ramps up polynomially (``s(t) = s_f · (1 −
(1 − t/T)^3)``, as in Zhu & Gupta 2017) and keeps the pruned weights at zero
after every batch, so the remaining ones adapt.  A weight that is exactly zero
costs no multiplier or adder on the FPGA.

:func:`magnitude_pruned` is the one-shot version (no retraining) on NumPy weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def sparsity_at(step: int, final_sparsity: float, end_step: int) -> float:
    """Target fraction of zero weights after ``step`` optimizer steps (cubic ramp)."""
    if end_step <= 0 or step >= end_step:
        return float(final_sparsity)
    frac = max(0, step) / end_step
    return float(final_sparsity * (1.0 - (1.0 - frac) ** 3))


def magnitude_mask(kernel: np.ndarray, sparsity: float) -> np.ndarray:
    """1/0 mask keeping the largest ``|w|``: ``round(sparsity · size)`` entries are zeroed."""
    if not 0.0 <= sparsity < 1.0:
        raise ValueError(f"sparsity must be in [0, 1), got {sparsity}")
    kernel = np.asarray(kernel)
    n_zero = round(sparsity * kernel.size)
    mask = np.ones(kernel.size, dtype=kernel.dtype if kernel.dtype.kind == "f" else np.float32)
    if n_zero:
        mask[np.argsort(np.abs(kernel), axis=None, kind="stable")[:n_zero]] = 0.0
    return mask.reshape(kernel.shape)


def magnitude_pruned(
    weights: list[tuple[np.ndarray, np.ndarray]], sparsity: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Zero the smallest ``sparsity`` fraction of each kernel (one-shot, no retraining)."""
    return [(kernel * magnitude_mask(kernel, sparsity), bias) for kernel, bias in weights]


def pruning_callback(
    final_sparsity: float, end_step: int, update_every: int = 10, layers: Any = None
) -> Any:
    """A Keras callback that prunes every dense kernel of the model during training.

    Parameters
    ----------
    final_sparsity
        Fraction of zero weights in every kernel at the end of the ramp, in [0, 1).
    end_step
        Optimizer step at which the target is reached (e.g. 60 % of all steps).
    update_every
        Steps between two recomputations of the masks (masks are applied after every step).
    layers
        Names of the layers to prune (default: every layer with a ``kernel``).

    Returns
    -------
    keras.callbacks.Callback
        Its ``sparsity`` attribute is the fraction currently targeted.
    """
    from hepml_course.nn import import_keras

    keras = import_keras()
    if not 0.0 <= final_sparsity < 1.0:
        raise ValueError(f"sparsity must be in [0, 1), got {final_sparsity}")

    class MagnitudePruning(keras.callbacks.Callback):
        """Zero the smallest kernel weights, ramping to ``final_sparsity``."""

        def __init__(self) -> None:
            super().__init__()
            self.step = 0
            self.sparsity = 0.0
            self.masks: dict[str, np.ndarray] = {}

        def _kernels(self) -> list[Any]:
            return [
                la
                for la in self.model.layers
                if getattr(la, "kernel", None) is not None and (layers is None or la.name in layers)
            ]

        def _update_masks(self) -> None:
            self.sparsity = sparsity_at(self.step, final_sparsity, end_step)
            for layer in self._kernels():
                kernel = keras.ops.convert_to_numpy(layer.kernel)
                self.masks[layer.name] = magnitude_mask(kernel, self.sparsity)

        def _apply(self) -> None:
            for layer in self._kernels():
                mask = self.masks.get(layer.name)
                if mask is not None:
                    layer.kernel.assign(keras.ops.convert_to_numpy(layer.kernel) * mask)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if self.step % update_every == 0 or self.step == end_step:
                self._update_masks()
            self._apply()
            self.step += 1

        def on_train_end(self, logs: Any = None) -> None:
            self._update_masks()
            self._apply()

    return MagnitudePruning()
