"""Generation 2: a dense network on the 16 high-level features (hls4ml reference shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification._inputs import feature_matrix, targets
from hepml_course.classification.jets import HLF_FEATURES


def build_dnn(
    n_features: int = 16, n_classes: int = 5, hidden: Sequence[int] = (64, 32, 32)
) -> Any:
    """Keras MLP ``n_features → hidden… → n_classes`` with ReLU and a softmax output.

    The default is the hls4ml-tutorial jet tagger 16 → 64 → 32 → 32 → 5
    (layers ``fc1`` … ``fc3``, ``output``), built by :func:`hepml_course.nn.mlp`.
    """
    return nn.mlp(n_features, hidden, n_classes, output_activation="softmax", name="dnn")


class DNNTagger(nn.Estimator):
    """Standardise the features (fitted on training jets) and train :func:`build_dnn`.

    ``X`` is a :class:`~hepml_course.classification.jets.JetInputs` (the
    columns ``feature_names`` are read by name) or an array ``(n_jets,
    len(feature_names))`` whose columns are ``feature_names`` in that order.

    Parameters
    ----------
    feature_names
        Input columns.
    hidden
        Hidden-layer widths.
    epochs, batch_size, learning_rate
        Training schedule (Adam; the rate is halved after 2 epochs without
        improvement; early stopping on ``validation_fraction`` of the training
        jets, keeping the best-validation-loss weights).
    validation_fraction, patience
        Held-out fraction and early-stopping patience (epochs).
    n_classes
        Number of classes.

    Attributes
    ----------
    model_ : keras.Model
        The trained network (outputs class probabilities).
    scaler_ : hepml_course.nn.Standardiser
        Feature standardisation fitted on the training jets.
    history_ : dict
        Per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``.
    train_s_ : float
        Training wall time in seconds.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_", "scaler_")

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = HLF_FEATURES,
        hidden: Sequence[int] = (64, 32, 32),
        epochs: int = 60,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
        n_classes: int = 5,
    ) -> None:
        self.feature_names = feature_names
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.n_classes = n_classes

    def _build(self) -> Any:
        return build_dnn(len(self.feature_names), self.n_classes, self.hidden)

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> DNNTagger:
        """Fit the standardisation and the network on training jets.

        Parameters
        ----------
        X
            Training jets (see the class docstring).
        y
            ``(n_jets,)`` integer labels in ``[0, n_classes)``.
        sample_weight
            Optional ``(n_jets,)`` non-negative weights (loss and standardisation).
        seed
            Seeds the initial weights, the validation split and the batch order.
        """
        labels, weights = targets(X, y, sample_weight, self.n_classes)
        x = feature_matrix(X, self.feature_names)
        scaler = nn.Standardiser(tuple(self.feature_names)).fit(x, sample_weight=weights)
        nn.seed_everything(seed)
        model = self._build()
        result = nn.train(
            model,
            scaler.transform(x),
            labels,
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=weights,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )
        self.model_, self.scaler_ = model, scaler
        self.history_, self.train_s_, self.seed_ = result.history, result.train_s, seed
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        self._check_is_fitted()
        return nn.predict(
            self.model_, self.scaler_.transform(feature_matrix(X, self.feature_names))
        )

    @property
    def n_params(self) -> int:
        """Parameters of the network (0 before fit)."""
        return nn.count_parameters(getattr(self, "model_", None))

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
