"""Generation 1: a gradient-boosted decision tree on the 16 high-level features."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from hepml_course.classification.preprocessing import check_finite


class BDTTagger:
    """Multi-class jet tagger: scikit-learn's ``HistGradientBoostingClassifier``.

    Trees need no standardisation; the tagger only checks that inference sees
    the same features (names and number) as training.

    Parameters
    ----------
    feature_names
        Column names of the inputs.
    max_iter, learning_rate, max_leaf_nodes
        Boosting rounds (per class), shrinkage and tree size.
    seed
        Random seed (early-stopping validation split).
    n_threads
        OpenMP threads for training and inference.  One by default: on a busy
        shared machine OpenMP threads spin-wait on each other, and a 2-thread
        fit was measured 40× slower than a 1-thread one.
    """

    def __init__(
        self,
        feature_names: Sequence[str],
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        seed: int = 0,
        n_threads: int = 1,
    ) -> None:
        self.feature_names = tuple(feature_names)
        self.n_threads = n_threads
        self.model = HistGradientBoostingClassifier(
            max_iter=max_iter,
            learning_rate=learning_rate,
            max_leaf_nodes=max_leaf_nodes,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=15,
            random_state=seed,
        )

    def _check(self, x: np.ndarray, feature_names: Sequence[str] | None) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if feature_names is not None and tuple(feature_names) != self.feature_names:
            raise ValueError(
                f"feature names differ from training: expected {list(self.feature_names)}, "
                f"got {list(feature_names)}"
            )
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(f"expected shape (n_jets, {len(self.feature_names)}), got {x.shape}")
        check_finite(x, "feature array")
        return x

    def fit(
        self, x: np.ndarray, y: np.ndarray, feature_names: Sequence[str] | None = None
    ) -> BDTTagger:
        """Train on features ``x`` (n_jets, n_features) and integer labels ``y``."""
        with threadpool_limits(self.n_threads):
            self.model.fit(self._check(x, feature_names), np.asarray(y))
        return self

    def predict_proba(
        self, x: np.ndarray, feature_names: Sequence[str] | None = None
    ) -> np.ndarray:
        """Class probabilities ``(n_jets, n_classes)``."""
        with threadpool_limits(self.n_threads):
            return self.model.predict_proba(self._check(x, feature_names))

    @property
    def n_params(self) -> int:
        """Number of tree nodes (a BDT's "parameters": split thresholds and leaf values)."""
        return int(sum(len(tree.nodes) for per_iter in self.model._predictors for tree in per_iter))
