"""Neural reweighting of generated showers towards the reference (likelihood-ratio trick).

A classifier trained to separate reference (label 1) from generated (label 0)
showers with balanced classes learns ``p(x) = r(x) / (r(x) + g(x))``, so
``w(x) = p / (1 − p)`` estimates the density ratio ``r(x) / g(x)``.  Weighting
each generated shower by ``w`` makes weighted generated distributions match
the reference — the refinement used e.g. by CMS to correct fast simulation
(and by DCTR-style reweighting of generators).  The weights cost statistical
power: the effective sample size ``(Σw)² / Σw²`` says how much.

The classifier sees high-level features (see
:func:`hepml_course.metrics.generative.high_level_features`); it is a small
Keras network, trained with early stopping.
"""

from __future__ import annotations

import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf


class ClassifierReweighter:
    """Density-ratio weights for generated samples from a reference-vs-generated classifier.

    Parameters
    ----------
    hidden
        Widths of the hidden layers.
    epochs, batch_size, patience
        Training length (early stopping on a 20 % validation split).
    max_weight
        Weights are clipped to ``[1 / max_weight, max_weight]`` (stability).
    seed
        Seed of the initialisation, the split and the shuffling.
    """

    def __init__(
        self,
        hidden: tuple[int, ...] = (64, 64),
        epochs: int = 30,
        batch_size: int = 512,
        patience: int = 4,
        max_weight: float = 20.0,
        seed: int = 0,
    ) -> None:
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.max_weight = max_weight
        self.seed = seed
        self.model: tf.keras.Model | None = None

    def fit(self, generated: np.ndarray, reference: np.ndarray) -> ClassifierReweighter:
        """Train the classifier on feature matrices (n, n_features) of both samples."""
        gen = np.asarray(generated, dtype=np.float64)
        ref = np.asarray(reference, dtype=np.float64)
        if gen.ndim != 2 or ref.ndim != 2 or gen.shape[1] != ref.shape[1]:
            raise ValueError(
                "generated and reference must be 2D feature matrices with the same number of "
                f"columns, got {gen.shape} and {ref.shape}"
            )
        if not (np.all(np.isfinite(gen)) and np.all(np.isfinite(ref))):
            raise ValueError("features contain NaN or inf; clean them before reweighting")
        n = min(len(gen), len(ref))
        rng = np.random.default_rng(self.seed)
        gen, ref = gen[rng.permutation(len(gen))[:n]], ref[rng.permutation(len(ref))[:n]]
        x = np.concatenate([ref, gen])
        y = np.concatenate([np.ones(n), np.zeros(n)]).astype(np.float32)
        self.mean_, self.std_ = x.mean(axis=0), np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
        order = rng.permutation(2 * n)
        x = ((x[order] - self.mean_) / self.std_).astype(np.float32)
        tf.keras.utils.set_random_seed(self.seed)
        layers = [tf.keras.Input(shape=(x.shape[1],))]
        layers += [tf.keras.layers.Dense(w, activation="relu") for w in self.hidden]
        layers.append(tf.keras.layers.Dense(1))  # logit = log w
        self.model = tf.keras.Sequential(layers)
        self.model.compile(
            optimizer=tf.keras.optimizers.Adam(1e-3),
            loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        )
        stop = tf.keras.callbacks.EarlyStopping(patience=self.patience, restore_best_weights=True)
        self.model.fit(
            x,
            y[order],
            epochs=self.epochs,
            batch_size=self.batch_size,
            validation_split=0.2,
            callbacks=[stop],
            verbose=0,
        )
        return self

    def weights(self, generated: np.ndarray) -> np.ndarray:
        """Weights of generated showers, clipped and normalised to mean 1."""
        if self.model is None:
            raise RuntimeError("call fit(generated, reference) before weights(...)")
        x = ((np.asarray(generated, dtype=np.float64) - self.mean_) / self.std_).astype(np.float32)
        # direct calls, not model.predict: no new predict function (and retracing) per model
        logit = np.concatenate(
            [
                self.model(x[i : i + 8192], training=False).numpy().ravel()
                for i in range(0, len(x), 8192)
            ]
        )
        w = np.exp(np.clip(logit, -np.log(self.max_weight), np.log(self.max_weight)))
        return w / w.mean()


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish effective sample size (Σw)² / Σw² of a weighted sample."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.sum(w**2))
