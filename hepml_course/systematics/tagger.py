"""The chapter's plain W/Z-vs-QCD tagger: a dense network on the 16 high-level features.

Every other model of the chapter (decorrelated, parametrised, domain-adversarial,
ensembles) starts from :func:`tagger_network` and is compared with
:class:`BinaryTagger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification.jets import HLF_FEATURES


def tagger_network(
    n_inputs: int,
    hidden: Sequence[int] = (64, 64, 32),
    *,
    dropout: float = 0.0,
    name: str = "tagger",
) -> Any:
    """Keras MLP ``n_inputs → hidden… → 1`` with ReLU and a sigmoid output (P(W/Z jet)).

    Parameters
    ----------
    n_inputs
        Number of (standardised) input features.
    hidden
        Hidden-layer widths.
    dropout
        Dropout rate after every hidden layer (0: none; > 0 enables MC dropout).
    name
        Name of the Keras model.
    """
    return nn.mlp(n_inputs, hidden, 1, output_activation="sigmoid", dropout=dropout, name=name)


def check_features(x: Any, n_features: int, *, name: str = "X") -> np.ndarray:
    """``x`` as a finite float32 array of shape (n_jets, n_features), or a clear error."""
    return nn.check_array(x, name=name, n_features=n_features)


def train_standardised(
    estimator: Any,
    x: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None,
    *,
    names: Sequence[str],
    seed: int,
) -> None:
    """Fit a standardiser on ``x`` and train ``estimator._build()`` with binary cross-entropy.

    The one training recipe of the chapter's Keras taggers: reads the
    estimator's ``epochs``, ``batch_size``, ``learning_rate``,
    ``validation_fraction`` and ``patience``, and sets its ``model_``,
    ``scaler_``, ``history_`` and ``train_s_``.

    Parameters
    ----------
    estimator
        The tagger being fitted (its ``_build()`` returns the uncompiled network).
    x
        ``(n_rows, len(names))`` inputs, unstandardised.
    labels
        ``(n_rows,)`` float 0/1 targets.
    weights
        Optional ``(n_rows,)`` weights (loss and standardisation).
    names
        Column names of ``x`` (stored in the standardiser).
    seed
        Seeds the initial weights, the validation split and the batch order.
    """
    scaler = nn.Standardiser(tuple(names)).fit(x, sample_weight=weights)
    nn.seed_everything(seed)
    model = estimator._build()
    result = nn.train(
        model,
        scaler.transform(x),
        labels,
        loss="binary_crossentropy",
        seed=seed,
        epochs=estimator.epochs,
        batch_size=estimator.batch_size,
        learning_rate=estimator.learning_rate,
        sample_weight=weights,
        validation_fraction=estimator.validation_fraction,
        patience=estimator.patience,
    )
    estimator.model_, estimator.scaler_ = model, scaler
    estimator.history_, estimator.train_s_ = result.history, result.train_s


class BinaryTagger(nn.Estimator):
    """Standardise the features and train :func:`tagger_network` with binary cross-entropy.

    Parameters
    ----------
    feature_names
        Names of the input columns (their number sets the input width).
    hidden
        Hidden-layer widths.
    dropout
        Dropout rate after every hidden layer.
    epochs, batch_size, learning_rate
        Training schedule (Adam; early stopping on ``validation_fraction`` of the
        training jets, keeping the best-validation-loss weights).
    validation_fraction, patience
        Held-out fraction of the training jets and early-stopping patience (epochs).

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    scaler_ : hepml_course.nn.Standardiser
        Standardisation fitted on the training jets.
    history_ : dict
        Per-epoch ``loss`` and ``val_loss``.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 64, 32),
        dropout: float = 0.0,
        epochs: int = 40,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.15,
        patience: int = 4,
    ) -> None:
        self.feature_names = feature_names
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience

    def _build(self) -> Any:
        return tagger_network(len(self.feature_names), self.hidden, dropout=self.dropout)

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> BinaryTagger:
        """Fit the standardisation and the network.

        Parameters
        ----------
        X
            ``(n_jets, len(feature_names))`` features.
        y
            ``(n_jets,)`` labels, 1 = W/Z jet, 0 = QCD jet.
        sample_weight
            Optional ``(n_jets,)`` non-negative weights.
        seed
            Seeds the initial weights, the validation split and the batch order.
        """
        x = check_features(X, len(self.feature_names))
        labels = nn.check_labels(y, len(x), n_classes=2).astype(np.float32)
        weights = None if sample_weight is None else nn.check_sample_weight(sample_weight, len(x))
        train_standardised(self, x, labels, weights, names=self.feature_names, seed=seed)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(W/Z jet) per jet, shape (n_jets,)."""
        self._check_is_fitted()
        x = check_features(X, len(self.feature_names))
        return nn.predict(self.model_, self.scaler_.transform(x))[:, 0]

    def _save_state(self, writer: Any) -> dict[str, Any]:
        writer.keras_weights("model", self.model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "history": self.history_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        self.model_ = reader.keras_weights("model", self._build())
        self.scaler_ = nn.Standardiser.from_dict(state["scaler"])
        self.history_, self.train_s_ = state["history"], state["train_s"]
