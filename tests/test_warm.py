"""``python -m hepml_course.warm``: no import-time side effects, fast warmers."""

from __future__ import annotations

import importlib
import os
import sys


def test_importing_warm_changes_nothing():
    before = dict(os.environ)
    sys.modules.pop("hepml_course.warm", None)
    warm = importlib.import_module("hepml_course.warm")
    assert dict(os.environ) == before
    assert warm.WARMERS and all(callable(f) for f in warm.WARMERS.values())


def test_da4ml_warmer_traces_a_tiny_graph():
    from hepml_course.fpga.rtl import warm_numba_cache

    seconds = warm_numba_cache(seed=1)
    assert 0 < seconds < 60  # da4ml 0.6 is compiled code: no JIT minute any more
