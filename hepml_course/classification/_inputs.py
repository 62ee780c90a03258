"""Validation at the door shared by the chapter's taggers (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.classification.jets import JetInputs
from hepml_course.nn.validation import (
    check_array,
    check_labels,
    check_lengths,
    check_sample_weight,
)


def feature_matrix(x: Any, feature_names: Sequence[str]) -> np.ndarray:
    """float32 ``(n_jets, len(feature_names))`` from a :class:`JetInputs` (columns picked by
    name) or from an array whose columns are already ``feature_names``, in that order."""
    names = tuple(feature_names)
    if isinstance(x, JetInputs):
        return x.columns(names)
    return check_array(x, name="X", n_features=len(names), expected_names=names)


def jet_inputs(x: Any, model: str) -> JetInputs:
    """``x`` if it is a :class:`JetInputs` with constituents, else a clear ``TypeError``."""
    if not isinstance(x, JetInputs):
        raise TypeError(
            f"{model} reads jet constituents: pass a JetInputs (e.g. split.x_train from "
            f"load_jets(...)), got {type(x).__name__}"
        )
    return x


def targets(
    x: Any, y: Any, sample_weight: Any, n_classes: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check that ``x``, ``y`` and ``sample_weight`` have one row per jet; return the labels
    (int64) and the weights (float64 or ``None``)."""
    n = check_lengths(X=x, y=y, sample_weight=sample_weight)
    labels = check_labels(y, n, n_classes=n_classes)
    weights = None if sample_weight is None else check_sample_weight(sample_weight, n)
    return labels, weights
