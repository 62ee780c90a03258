"""Errors and warnings of the inference methods."""

from __future__ import annotations


class ScanError(ValueError):
    """A likelihood scan cannot give an interval: the grid does not bracket the
    minimum or one of the crossings (the fix is a wider grid)."""


class ExtrapolationWarning(UserWarning):
    """A learned model is evaluated at a parameter value outside its training range."""
