"""Generation 1: a gradient-boosted decision tree on the 16 high-level features."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course import nn
from hepml_course.classification._inputs import feature_matrix, targets
from hepml_course.classification.jets import HLF_FEATURES


class BDTTagger(nn.Estimator):
    """Multi-class jet tagger: scikit-learn's ``HistGradientBoostingClassifier``.

    Trees need no standardisation.  ``X`` is a
    :class:`~hepml_course.classification.jets.JetInputs` (the columns
    ``feature_names`` are read by name) or an array ``(n_jets,
    len(feature_names))`` whose columns are ``feature_names`` in that order.

    Saved models hold the fitted scikit-learn object as a pickle (``bdt.pkl``):
    :meth:`load` unpickles it only after the sha256 of the record and of the
    file have been verified, but — as with every pickle — load only models
    whose origin you trust.

    Parameters
    ----------
    feature_names
        Input columns.
    max_iter, learning_rate, max_leaf_nodes
        Boosting rounds (per class), shrinkage and tree size.
    validation_fraction, n_iter_no_change
        Early stopping: held-out fraction and patience in boosting rounds.
    n_classes
        Number of classes.
    n_threads
        OpenMP threads for training and inference.  One by default: on a busy
        shared machine OpenMP threads spin-wait on each other, and a 2-thread
        fit was measured 40× slower than a 1-thread one.

    Attributes
    ----------
    model_ : sklearn.ensemble.HistGradientBoostingClassifier
        The fitted classifier.
    train_s_ : float
        Training wall time in seconds.
    """

    def __init__(
        self,
        *,
        feature_names: Sequence[str] = HLF_FEATURES,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 15,
        n_classes: int = 5,
        n_threads: int = 1,
    ) -> None:
        self.feature_names = feature_names
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.n_classes = n_classes
        self.n_threads = n_threads

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> BDTTagger:
        """Train on jets ``X`` with integer labels ``y`` ``(n_jets,)``.

        ``sample_weight`` (optional, ``(n_jets,)``) weights the loss; ``seed``
        fixes the early-stopping split.
        """
        import time

        from sklearn.ensemble import HistGradientBoostingClassifier
        from threadpoolctl import threadpool_limits

        labels, weights = targets(X, y, sample_weight, self.n_classes)
        x = feature_matrix(X, self.feature_names)
        model = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            early_stopping=self.validation_fraction > 0,
            validation_fraction=self.validation_fraction or None,
            n_iter_no_change=self.n_iter_no_change,
            random_state=seed,
        )
        start = time.perf_counter()
        with threadpool_limits(self.n_threads):
            model.fit(x, labels, sample_weight=weights)
        self.model_, self.train_s_, self.seed_ = model, time.perf_counter() - start, seed
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        from threadpoolctl import threadpool_limits

        self._check_is_fitted()
        x = feature_matrix(X, self.feature_names)
        with threadpool_limits(self.n_threads):
            return self.model_.predict_proba(x)

    @property
    def n_params(self) -> int:
        """Number of tree nodes (a BDT's "parameters": split thresholds and leaf values)."""
        model = getattr(self, "model_", None)
        if model is None:
            return 0
        return int(sum(len(tree.nodes) for per_iter in model._predictors for tree in per_iter))

    def _save_state(self, writer: Any) -> dict[str, Any]:
        with open(writer.path("bdt.pkl"), "wb") as handle:
            pickle.dump(self.model_, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return {"train_s": self.train_s_}

    def _load_state(self, reader: Any, state: dict[str, Any]) -> None:
        # reader.path is reached only after read_artifact verified every sha256
        with open(reader.path("bdt.pkl"), "rb") as handle:
            self.model_ = pickle.load(handle)
        self.train_s_ = state["train_s"]
