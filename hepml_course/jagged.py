"""Small operations on jagged (events × objects) Awkward arrays that NumPy lacks."""

from __future__ import annotations

from collections.abc import Iterable

import awkward as ak
import numpy as np

__all__ = ["jagged_isin"]


def jagged_isin(values: ak.Array, test: Iterable[int] | np.ndarray) -> ak.Array:
    """``np.isin`` for a jagged array: True where an element is one of ``test``.

    Parameters
    ----------
    values
        Jagged integer array, e.g. PDG ids of the particles of each event.
    test
        Values to look for.

    Returns
    -------
    awkward.Array
        Booleans with the same jagged structure as ``values``.
    """
    flat = np.isin(ak.to_numpy(ak.flatten(values)), np.asarray(tuple(test)))
    return ak.unflatten(flat, ak.num(values))
