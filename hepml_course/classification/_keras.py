"""Shared Keras plumbing of the jet taggers: quiet TensorFlow import, seeded training."""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np


def tf() -> Any:
    """Import TensorFlow quietly (``TF_CPP_MIN_LOG_LEVEL`` is set before the import)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow

    return tensorflow


def train(
    model: Any,
    inputs: Any,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
    validation_fraction: float = 0.1,
    patience: int = 5,
) -> tuple[dict[str, list[float]], float]:
    """Compile and fit a softmax classifier with Adam, early stopping on a validation split.

    The learning rate is halved whenever the validation loss has not improved
    for two epochs.

    Parameters
    ----------
    model
        Uncompiled Keras model whose output is class probabilities.
    inputs
        Array or list of arrays (one per model input), first axis = jets.
    y
        Integer labels.
    epochs, batch_size, learning_rate
        Training schedule (the best-validation-loss weights are restored).
    seed
        Seeds Python, NumPy and TensorFlow (:func:`tf.keras.utils.set_random_seed`)
        and the validation split.
    validation_fraction, patience
        Held-out fraction for early stopping, and its patience in epochs.

    Returns
    -------
    history : dict
        Keras history (loss, accuracy, val_loss, val_accuracy per epoch).
    train_s : float
        Wall time of the fit, in seconds.
    """
    tfm = tf()
    tfm.keras.utils.set_random_seed(seed)
    y = np.asarray(y, dtype=np.int64)
    arrays = inputs if isinstance(inputs, list | tuple) else [inputs]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    n_val = round(validation_fraction * len(y))
    val, trn = order[:n_val], order[n_val:]
    pick = (lambda idx: [a[idx] for a in arrays]) if len(arrays) > 1 else (lambda i: arrays[0][i])
    model.compile(
        optimizer=tfm.keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    callbacks = [
        tfm.keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        ),
        # halve the step when the validation loss stalls: steadier final weights
        tfm.keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=2, min_lr=learning_rate / 32
        ),
    ]
    start = time.perf_counter()
    hist = model.fit(
        pick(trn),
        y[trn],
        validation_data=(pick(val), y[val]) if n_val else None,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks if n_val else [],
        verbose=0,
    )
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}, (
        time.perf_counter() - start
    )


def predict(model: Any, inputs: Any, batch_size: int = 2048) -> np.ndarray:
    """Class probabilities from a Keras model, as float64 NumPy."""
    return np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0), dtype=np.float64)
