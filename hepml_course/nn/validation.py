"""Input validation at the door of every model: one checker for the whole package.

Errors say what was expected and what was given, so a learner can fix the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class NotFittedError(RuntimeError, AttributeError):
    """A model was asked for an output, or to be saved, before :meth:`fit`."""


def check_is_fitted(model: Any, attributes: Sequence[str] | None = None) -> None:
    """Raise :class:`NotFittedError` unless ``model`` has its fitted attributes.

    Parameters
    ----------
    model
        Any estimator of the package.
    attributes
        Names of the learned attributes; default: every public attribute ending
        in ``_`` declared in ``type(model)._fitted_attributes`` or, if that is
        missing, ``("model_",)``.
    """
    names = attributes or getattr(type(model), "_fitted_attributes", ("model_",))
    missing = [a for a in names if getattr(model, a, None) is None]
    if missing:
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted yet (no {', '.join(missing)}): "
            "call fit(...) first, or load a saved model with "
            f"{type(model).__name__}.load(path)"
        )


def check_array(
    x: Any,
    *,
    name: str = "X",
    ndim: int | tuple[int, ...] = 2,
    n_features: int | None = None,
    feature_names: Sequence[str] | None = None,
    expected_names: Sequence[str] | None = None,
    dtype: Any = np.float32,
    allow_nan: bool = False,
    min_rows: int = 1,
) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check it.

    Parameters
    ----------
    x
        Array-like; the first axis counts events (jets, showers, hits ...).
    name
        How the error messages call the argument.
    ndim
        Required number of dimensions (or a tuple of allowed ones).
    n_features
        Required length of the last axis (``None``: any).
    feature_names, expected_names
        Column names given by the caller, and those the model was fitted on;
        when both are given they must be equal (same order).
    dtype
        Output dtype.
    allow_nan
        Accept NaN and infinities.
    min_rows
        Minimum length of the first axis.

    Returns
    -------
    numpy.ndarray
        ``x`` as an array of ``dtype``.
    """
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}: {err}") from err
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} row(s), got shape {arr.shape}")
    if feature_names is not None and expected_names is not None:
        if tuple(feature_names) != tuple(expected_names):
            raise ValueError(
                f"{name}: feature names differ from the ones the model was fitted with: "
                f"expected {list(expected_names)}, got {list(feature_names)}"
            )
    if n_features is None and expected_names is not None:
        n_features = len(expected_names)
    if n_features is not None and arr.shape[-1] != n_features:
        names = f" with columns {list(expected_names)}" if expected_names is not None else ""
        raise ValueError(
            f"{name} must have {n_features} features in its last axis{names}, got shape {arr.shape}"
        )
    if not allow_nan and np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.isfinite(arr).sum())
        raise ValueError(f"{name} contains {bad} NaN/infinite value(s): clean or drop those rows")
    return arr


def check_lengths(**arrays: Any) -> int:
    """Check that every given (non-``None``) array has the same first-axis length.

    Returns
    -------
    int
        The common length.
    """
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ValueError(f"inputs must have the same number of rows: {detail}")
    return next(iter(lengths.values())) if lengths else 0


def check_sample_weight(w: Any, n: int, *, name: str = "sample_weight") -> np.ndarray:
    """Per-event weights: ones if ``None``, else a finite, non-negative (n,) float64 array."""
    if w is None:
        return np.ones(n, dtype=np.float64)
    arr = np.asarray(w, dtype=np.float64)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one weight per row), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    if arr.sum() <= 0:
        raise ValueError(f"{name} sums to zero: at least one row needs a positive weight")
    return arr


def check_labels(y: Any, n: int, *, n_classes: int | None = None, name: str = "y") -> np.ndarray:
    """Integer class labels of shape (n,) in ``[0, n_classes)``."""
    arr = np.asarray(y)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one label per row), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold integer class labels")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} holds negative labels; classes are numbered 0, 1, ...")
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(f"{name} holds label {arr.max()} but the model has {n_classes} classes")
    return arr
