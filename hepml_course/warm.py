"""Warm the caches the notebooks rely on, so first runs stay within their time budget.

``python -m hepml_course.warm`` (run by ``make`` and Binder's ``postBuild``):
builds matplotlib's font cache and imports the heavy packages once, writing
their bytecode.  Chapters with their own caches add a function to :data:`WARMERS`.
Nothing runs at import time.
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
    from hepml_course.nn import import_tensorflow

    import_tensorflow()  # quietly (TensorFlow's start-up notices are hidden)
    for module in ("sklearn.ensemble", "uproot", "awkward", "vector", "hist"):
        importlib.import_module(module)


def _fpga() -> None:
    # da4ml 0.6 ships compiled code (no numba JIT cache any more); the FPGA chapter
    # still benefits from loading da4ml, hgq2 and its da4ml tracer once
    from hepml_course.fpga.rtl import supported_layers, warm_numba_cache

    warm_numba_cache()
    supported_layers()  # imports Keras quietly, then hgq2 and its da4ml tracer
    for module in ("hgq.utils", "hls4ml"):
        importlib.import_module(module)


WARMERS: dict[str, Callable[[], None]] = {
    "matplotlib font cache": _matplotlib,
    "heavy imports": _imports,
    "da4ml, hgq2 and hls4ml imports (FPGA chapter)": _fpga,
}


def main() -> None:
    """Run every warmer and say how long each took."""
    for name, warm in WARMERS.items():
        start = time.perf_counter()
        warm()
        print(f"warm: {name} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
