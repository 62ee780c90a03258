"""Warm the caches the notebooks rely on, so first runs stay within their time budget.

``python -m hepml_course.warm`` (run by ``make`` and Binder's ``postBuild``):
builds matplotlib's font cache and imports the heavy packages once, writing
their bytecode.  Chapters with their own caches (e.g. numba JIT for da4ml) add a
function to :data:`WARMERS`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable


def _matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.font_manager
    import mplhep  # noqa: F401


def _imports() -> None:
    for module in ("tensorflow", "sklearn.ensemble", "uproot", "awkward", "vector", "hist"):
        importlib.import_module(module)


def _da4ml() -> None:
    # the FPGA chapter's first da4ml trace spends ~75 s in numba JIT without this
    from hepml_course.fpga.rtl import warm_numba_cache

    warm_numba_cache()


WARMERS: dict[str, Callable[[], None]] = {
    "matplotlib font cache": _matplotlib,
    "heavy imports": _imports,
    "da4ml numba cache (FPGA chapter)": _da4ml,
}


def main() -> None:
    """Run every warmer and say how long each took."""
    for name, warm in WARMERS.items():
        start = time.perf_counter()
        warm()
        print(f"warm: {name} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
