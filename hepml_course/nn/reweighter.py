"""The one classifier reweighter: the likelihood-ratio trick with a Keras MLP.

A classifier ``f(x)`` trained with binary cross-entropy to separate a *source*
sample (label 0) from a *target* sample (label 1), the two given equal total
weight, approaches ``f = p_t / (p_t + p_s)``; so
``w(x) = f / (1 - f) · Σw_target / Σw_source`` reweights the source into the
target.  Unfolding (OmniFold), generative refinement and the classifier
two-sample test all use this class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.nn.base import Estimator
from hepml_course.nn.mlp import mlp
from hepml_course.nn.standardiser import Standardiser
from hepml_course.nn.training import predict, seed_everything, train
from hepml_course.nn.validation import check_array, check_lengths, check_sample_weight


class ClassifierReweighter(Estimator):
    """Learn per-event weights that morph a source sample into a target sample.

    Parameters
    ----------
    hidden
        Hidden-layer widths of the classifier.
    epochs, batch_size, learning_rate
        Training schedule (Adam).
    patience
        Early stopping: epochs without improvement of the validation loss.
    validation_fraction
        Fraction of events held out for early stopping.
    max_weight
        Weights are clipped to ``[0, max_weight]`` (guards against f → 1);
        ``None``: no clipping.

    Attributes
    ----------
    model_ : keras.Model
        The classifier (sigmoid output).
    scaler_ : Standardiser
        Input standardisation fitted on both samples together.
    norm_ : float
        Σw_target / Σw_source.
    history_ : dict
        Per-epoch training and validation losses.
    """

    _fitted_attributes = ("model_", "scaler_", "norm_")

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (32, 32),
        epochs: int = 20,
        batch_size: int = 2048,
        learning_rate: float = 2e-3,
        patience: int = 3,
        validation_fraction: float = 0.2,
        max_weight: float | None = 20.0,
    ) -> None:
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.max_weight = max_weight

    def fit(
        self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0
    ) -> ClassifierReweighter:
        """Train the classifier on rows labelled 0 (source) and 1 (target).

        Parameters
        ----------
        X
            (n_events, n_features) both samples.
        y
            (n_events,) 0 for source rows, 1 for target rows.
        sample_weight
            (n_events,) event weights (default: ones).
        seed
            Seeds the initial weights, the validation split and the batches.
        """
        x = check_array(X, name="X")
        check_lengths(X=x, y=y, sample_weight=sample_weight)
        y = np.asarray(y)
        if y.shape != (len(x),) or not np.isin(y, (0, 1)).all():
            raise ValueError("y must be a (n_events,) array of 0 (source) and 1 (target)")
        w = check_sample_weight(sample_weight, len(x))
        source, target = y == 0, y == 1
        if w[source].sum() <= 0 or w[target].sum() <= 0:
            raise ValueError("both samples (y == 0 and y == 1) need a positive total weight")
        self.norm_ = float(w[target].sum() / w[source].sum())
        # equal total weight per class, mean weight 1 over the source
        balanced = np.where(
            target,
            w / w[target].mean() * source.sum() / target.sum(),
            w / w[source].mean(),
        )
        self.scaler_ = Standardiser().fit(x)
        seed_everything(seed)
        self.model_ = mlp(
            x.shape[1], self.hidden, 1, output_activation="sigmoid", name="reweighter"
        )
        result = train(
            self.model_,
            self.scaler_.transform(x),
            y.astype(np.float32),
            loss="binary_crossentropy",
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=balanced,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
            reduce_lr_patience=None,
        )
        self.history_ = result.history
        self.seed_ = seed
        return self

    def fit_samples(
        self,
        x_source: Any,
        x_target: Any,
        w_source: Any = None,
        w_target: Any = None,
        *,
        seed: int = 0,
    ) -> ClassifierReweighter:
        """:meth:`fit` from the two samples given separately (with optional weights)."""
        xs = check_array(x_source, name="x_source")
        xt = check_array(x_target, name="x_target", n_features=xs.shape[1])
        ws = check_sample_weight(w_source, len(xs), name="w_source")
        wt = check_sample_weight(w_target, len(xt), name="w_target")
        y = np.concatenate([np.zeros(len(xs)), np.ones(len(xt))])
        return self.fit(
            np.concatenate([xs, xt]), y, sample_weight=np.concatenate([ws, wt]), seed=seed
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Classifier output f(x) ∈ (0, 1), the probability of "target"; shape (n_events,)."""
        self._check_is_fitted()
        x = self.scaler_.transform(check_array(X, name="X", n_features=len(self.scaler_.mean_)))
        return predict(self.model_, x, batch_size=16384).ravel()

    def weights(self, X: Any) -> np.ndarray:
        """Likelihood-ratio weights f/(1−f) · Σw_target/Σw_source (clipped); shape (n_events,)."""
        f = np.clip(self.predict_proba(X), 1e-7, 1 - 1e-7)
        w = f / (1.0 - f) * self.norm_
        return w if self.max_weight is None else np.clip(w, 0.0, self.max_weight)

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("classifier", self.model_)
        return {"scaler": self.scaler_.to_dict(), "norm": self.norm_, "history": self.history_}

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.scaler_ = Standardiser.from_dict(state["scaler"])
        self.norm_ = float(state["norm"])
        self.history_ = state["history"]
        self.model_ = mlp(
            len(self.scaler_.mean_), self.hidden, 1, output_activation="sigmoid", name="reweighter"
        )
        reader.keras_weights("classifier", self.model_)
