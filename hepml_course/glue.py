"""Numbers for the book's prose: ``glue`` that stores plain Python numbers.

MyST-NB formats ``{glue:text}`name:.3f``` from the stored ``text/plain``
representation; a NumPy scalar is stored as ``np.float64(0.97)``, which it
cannot format. This ``glue`` converts NumPy scalars (and 0-d arrays) to
Python ``int``/``float`` first and never displays anything.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue", "plain"]


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars and 0-d arrays turned into Python ``int``/``float``/``bool``."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`` in the prose (MyST-NB's glue).

    Parameters
    ----------
    name
        The key used in the prose: ``{glue:text}`name:.2f```.
    value
        A number (NumPy scalars are converted) or text.
    display
        Also show it in the cell output (default: no).
    """
    from myst_nb import glue as myst_glue

    myst_glue(name, plain(value), display=display)
