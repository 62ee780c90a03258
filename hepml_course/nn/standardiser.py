"""Feature standardisation fitted on training data (zero mean, unit variance per column)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.nn.validation import NotFittedError, check_array, check_sample_weight


class Standardiser:
    """Shift and scale each feature to zero mean and unit variance.

    Parameters
    ----------
    feature_names
        Names of the columns; when given, :meth:`transform` checks the names
        passed with the data.  ``None``: only the number of columns is checked.

    Attributes
    ----------
    mean_, scale_ : numpy.ndarray, shape (n_features,)
        Learned (weighted) mean and standard deviation; a zero deviation is stored as 1.
    """

    def __init__(self, feature_names: Sequence[str] | None = None) -> None:
        self.feature_names = tuple(feature_names) if feature_names is not None else None
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(
        self,
        x: Any,
        feature_names: Sequence[str] | None = None,
        *,
        sample_weight: Any = None,
    ) -> Standardiser:
        """Learn mean and standard deviation of each column of ``x`` (n_rows, n_features)."""
        n = len(self.feature_names) if self.feature_names is not None else None
        arr = check_array(
            x,
            name="feature array",
            n_features=n,
            feature_names=feature_names,
            expected_names=self.feature_names,
            dtype=np.float64,
        )
        w = check_sample_weight(sample_weight, len(arr))
        mean = np.average(arr, axis=0, weights=w)
        std = np.sqrt(np.average((arr - mean) ** 2, axis=0, weights=w))
        self.mean_ = mean.astype(np.float32)
        self.scale_ = np.where(std > 0, std, 1.0).astype(np.float32)
        return self

    def transform(self, x: Any, feature_names: Sequence[str] | None = None) -> np.ndarray:
        """Standardised float32 copy of ``x``."""
        if self.mean_ is None or self.scale_ is None:
            raise NotFittedError("Standardiser is not fitted yet: call fit(x_train) first")
        arr = check_array(
            x,
            name="feature array",
            n_features=len(self.mean_),
            feature_names=feature_names,
            expected_names=self.feature_names,
        )
        return ((arr - self.mean_) / self.scale_).astype(np.float32)

    def fit_transform(self, x: Any, feature_names: Sequence[str] | None = None) -> np.ndarray:
        """:meth:`fit` then :meth:`transform`."""
        return self.fit(x, feature_names).transform(x, feature_names)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state (for model records)."""
        if self.mean_ is None or self.scale_ is None:
            raise NotFittedError("Standardiser is not fitted yet: nothing to save")
        return {
            "feature_names": list(self.feature_names) if self.feature_names else None,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Standardiser:
        """Inverse of :meth:`to_dict`."""
        out = cls(state.get("feature_names"))
        out.mean_ = np.asarray(state["mean"], dtype=np.float32)
        out.scale_ = np.asarray(state["scale"], dtype=np.float32)
        return out
