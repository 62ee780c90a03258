"""Generation 2: a dense network on the 16 high-level features (hls4ml reference shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.classification import _keras
from hepml_course.classification.preprocessing import Standardiser


def build_dnn(
    n_features: int = 16, n_classes: int = 5, hidden: Sequence[int] = (64, 32, 32)
) -> Any:
    """Keras MLP ``n_features → hidden… → n_classes`` with ReLU and a softmax output.

    The default is the hls4ml-tutorial jet tagger 16 → 64 → 32 → 32 → 5.
    """
    tf = _keras.tf()
    layers = tf.keras.layers
    inp = tf.keras.Input(shape=(n_features,), name="features")
    x = inp
    for i, width in enumerate(hidden):
        x = layers.Dense(width, activation="relu", name=f"fc{i + 1}")(x)
    out = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return tf.keras.Model(inp, out, name="dnn")


class DNNTagger:
    """Standardise the features (fitted on training jets) and train :func:`build_dnn`.

    Parameters
    ----------
    feature_names
        Column names; inference checks them.
    hidden
        Hidden-layer widths.
    epochs, batch_size, learning_rate, seed
        Training schedule (early stopping on 10 % of the training jets).
    """

    def __init__(
        self,
        feature_names: Sequence[str],
        hidden: Sequence[int] = (64, 32, 32),
        epochs: int = 60,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        seed: int = 0,
        n_classes: int = 5,
    ) -> None:
        self.feature_names = tuple(feature_names)
        self.hidden = tuple(hidden)
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.seed, self.n_classes = seed, n_classes
        self.scaler = Standardiser(self.feature_names)
        self.model: Any = None
        self.history: dict[str, list[float]] = {}
        self.train_s = 0.0

    def fit(
        self, x: np.ndarray, y: np.ndarray, feature_names: Sequence[str] | None = None
    ) -> DNNTagger:
        """Fit the standardisation and the network on training jets."""
        xs = self.scaler.fit(x, feature_names).transform(x)
        _keras.tf().keras.utils.set_random_seed(self.seed)
        self.model = build_dnn(len(self.feature_names), self.n_classes, self.hidden)
        self.history, self.train_s = _keras.train(
            self.model, xs, y, self.epochs, self.batch_size, self.learning_rate, self.seed
        )
        return self

    def predict_proba(
        self, x: np.ndarray, feature_names: Sequence[str] | None = None
    ) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        if self.model is None:
            raise RuntimeError("DNNTagger is not trained yet: call fit() first")
        return _keras.predict(self.model, self.scaler.transform(x, feature_names))

    @property
    def n_params(self) -> int:
        """Trainable parameters of the network."""
        return int(self.model.count_params()) if self.model is not None else 0
