"""Classifier-based reweighting: the likelihood-ratio trick with a Keras DNN.

A classifier ``f(x)`` trained with binary cross-entropy to separate a *source*
sample (label 0) from a *target* sample (label 1) approaches
``f = p_t / (p_t + p_s)``, so ``w(x) = f / (1 - f)`` reweights the source into
the target.  Both samples may carry event weights.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def build_classifier(n_features: int, hidden: tuple[int, ...] = (32, 32)) -> object:
    """A small dense network with a sigmoid output.

    Parameters
    ----------
    n_features
        Number of input features.
    hidden
        Width of each hidden ReLU layer.
    """
    import tensorflow as tf

    inputs = tf.keras.Input(shape=(n_features,))
    x = inputs
    for width in hidden:
        x = tf.keras.layers.Dense(width, activation="relu")(x)
    outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs)


def _check(x: np.ndarray, name: str, n_features: int | None = None) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_events, n_features), got shape {x.shape}")
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(f"{name} has {x.shape[1]} features, expected {n_features}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf; remove or fill those events first")
    return x


def _weights(w: np.ndarray | None, n: int, name: str) -> np.ndarray:
    if w is None:
        return np.ones(n, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return w


@dataclass
class ClassifierReweighter:
    """Learn per-event weights that morph a source sample into a target sample.

    Parameters
    ----------
    hidden
        Hidden-layer widths of the classifier.
    epochs
        Maximum number of training epochs.
    batch_size
        Mini-batch size.
    learning_rate
        Adam learning rate.
    patience
        Early stopping: epochs without improvement of the validation loss.
    validation_fraction
        Fraction of events held out for early stopping.
    max_weight
        Weights are clipped to ``[0, max_weight]`` (guards against f → 1).
    seed
        Seed of the network initialisation, the split and the shuffling.
    """

    hidden: tuple[int, ...] = (32, 32)
    epochs: int = 20
    batch_size: int = 2048
    learning_rate: float = 2e-3
    patience: int = 3
    validation_fraction: float = 0.2
    max_weight: float = 20.0
    seed: int = 0
    history_: dict = field(default_factory=dict, init=False, repr=False)

    def fit(
        self,
        x_source: np.ndarray,
        x_target: np.ndarray,
        w_source: np.ndarray | None = None,
        w_target: np.ndarray | None = None,
    ) -> ClassifierReweighter:
        """Train the classifier source (label 0) vs target (label 1).

        The two classes are given equal total weight; :meth:`weights` restores the
        ratio of the totals, so ``Σ w_source · w(x) ≈ Σ w_target``.
        """
        import tensorflow as tf

        x_source = _check(x_source, "x_source")
        x_target = _check(x_target, "x_target", x_source.shape[1])
        w_s = _weights(w_source, len(x_source), "w_source")
        w_t = _weights(w_target, len(x_target), "w_target")
        if w_s.sum() <= 0 or w_t.sum() <= 0:
            raise ValueError("both samples need a positive total weight")
        self.norm_ = float(w_t.sum() / w_s.sum())
        x = np.concatenate([x_source, x_target])
        self.mean_ = x.mean(axis=0)
        self.scale_ = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
        y = np.concatenate([np.zeros(len(x_source)), np.ones(len(x_target))]).astype(np.float32)
        w = np.concatenate([w_s / w_s.mean(), w_t / w_t.mean() * len(x_source) / len(x_target)])

        rng = np.random.default_rng(self.seed)
        order = rng.permutation(len(x))
        n_val = int(len(x) * self.validation_fraction)
        val, train = order[:n_val], order[n_val:]
        tf.keras.utils.set_random_seed(self.seed)
        self.model_ = build_classifier(x.shape[1], self.hidden)
        self.model_.compile(
            optimizer=tf.keras.optimizers.Adam(self.learning_rate),
            loss="binary_crossentropy",
            weighted_metrics=[],
        )
        xs = ((x - self.mean_) / self.scale_).astype(np.float32)
        callbacks = [
            tf.keras.callbacks.EarlyStopping(
                patience=self.patience, restore_best_weights=True, monitor="val_loss"
            )
        ]
        hist = self.model_.fit(
            xs[train],
            y[train],
            sample_weight=w[train].astype(np.float32),
            validation_data=(xs[val], y[val], w[val].astype(np.float32)),
            epochs=self.epochs,
            batch_size=self.batch_size,
            callbacks=callbacks,
            verbose=0,
        )
        self.history_ = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Classifier output f(x) ∈ (0, 1) (probability of "target")."""
        if not hasattr(self, "model_"):
            raise RuntimeError("call fit() before predict_proba()")
        x = _check(x, "x", len(self.mean_))
        xs = ((x - self.mean_) / self.scale_).astype(np.float32)
        out = self.model_.predict(xs, batch_size=16384, verbose=0)
        return np.asarray(out, dtype=np.float64).ravel()

    def weights(self, x: np.ndarray) -> np.ndarray:
        """Likelihood-ratio weights w = f/(1-f) × (Σw_target/Σw_source), clipped."""
        f = np.clip(self.predict_proba(x), 1e-7, 1 - 1e-7)
        return np.clip(f / (1.0 - f) * self.norm_, 0.0, self.max_weight)
