"""The one supervised fit loop: Adam, a seeded validation split, early stopping."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hepml_course.nn.quiet import import_keras


@dataclass
class TrainingResult:
    """What :func:`train` returns.

    Attributes
    ----------
    history
        Per-epoch values of every Keras metric (``loss``, ``val_loss`` ...).
    train_s
        Wall time of the fit, in seconds.
    epochs
        Epochs actually run (early stopping may end training sooner).
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    train_s: float = 0.0
    epochs: int = 0


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the Keras backend (``keras.utils.set_random_seed``)."""
    import_keras().utils.set_random_seed(int(seed))


def split_indices(n: int, validation_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, validation) row indices; validation is ``round(fraction·n)`` rows."""
    if not 0.0 <= validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in [0, 1), got {validation_fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = round(validation_fraction * n)
    return order[n_val:], order[:n_val]


def _take(inputs: Any, idx: np.ndarray) -> Any:
    if isinstance(inputs, list | tuple):
        return [np.asarray(a)[idx] for a in inputs]
    if isinstance(inputs, dict):
        return {k: np.asarray(v)[idx] for k, v in inputs.items()}
    return np.asarray(inputs)[idx]


def train(
    model: Any,
    inputs: Any,
    y: np.ndarray,
    *,
    loss: Any,
    seed: int,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    sample_weight: np.ndarray | None = None,
    validation_fraction: float = 0.1,
    validation_data: tuple | None = None,
    patience: int = 5,
    reduce_lr_patience: int | None = 2,
    metrics: Sequence[Any] = (),
    callbacks: Sequence[Any] = (),
) -> TrainingResult:
    """Compile ``model`` with Adam and fit it, keeping the best-validation-loss weights.

    Parameters
    ----------
    model
        Uncompiled Keras model.
    inputs
        Array, list of arrays or dict of arrays (one per model input); first axis = rows.
    y
        Targets, first axis = rows.
    loss
        Keras loss (name or object).
    seed
        Seeds the network initialisation (call :func:`seed_everything` *before*
        building the model for reproducible initial weights), the validation
        split and the batch order.
    epochs, batch_size, learning_rate
        Training schedule.
    sample_weight
        Optional (n_rows,) per-row weights (also used in the validation loss).
    validation_fraction
        Held-out fraction for early stopping, when ``validation_data`` is not given;
        0 disables early stopping.
    validation_data
        Explicit ``(inputs, y)`` or ``(inputs, y, weights)`` for early stopping.
    patience
        Early-stopping patience in epochs.
    reduce_lr_patience
        Halve the learning rate after this many epochs without improvement
        (``None``: constant rate).
    metrics, callbacks
        Extra Keras metrics and callbacks.

    Returns
    -------
    TrainingResult
    """
    keras = import_keras()
    y = np.asarray(y)
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    if validation_data is None and validation_fraction > 0:
        trn, val = split_indices(len(y), validation_fraction, seed)
        validation_data = (_take(inputs, val), y[val])
        if weights is not None:
            validation_data = (*validation_data, weights[val])
        inputs, y = _take(inputs, trn), y[trn]
        weights = None if weights is None else weights[trn]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        metrics=list(metrics),
        weighted_metrics=[] if sample_weight is not None else None,
    )
    cbs = list(callbacks)
    if validation_data is not None:
        cbs.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=patience, restore_best_weights=True
            )
        )
        if reduce_lr_patience is not None:
            cbs.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor="val_loss",
                    factor=0.5,
                    patience=reduce_lr_patience,
                    min_lr=learning_rate / 32,
                )
            )
    start = time.perf_counter()
    hist = model.fit(
        inputs,
        y,
        sample_weight=weights,
        validation_data=validation_data,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=cbs,
        shuffle=True,
        verbose=0,
    )
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return TrainingResult(
        history=history,
        train_s=time.perf_counter() - start,
        epochs=len(history.get("loss", [])),
    )


def predict(model: Any, inputs: Any, batch_size: int = 4096) -> np.ndarray:
    """Outputs of a Keras model as float64 NumPy (no progress bar)."""
    return np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0), dtype=np.float64)
