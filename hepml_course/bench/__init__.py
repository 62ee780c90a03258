"""Benchmarks: ``python -m hepml_course.bench NAME`` measures afresh and prints one JSON object.

Each benchmark is a module here named after it (``-`` → ``_``) with a
``run(argv) -> dict`` function.  Keys of the printed JSON are part of the
course's contract: keep them stable.
"""

from __future__ import annotations

import importlib
import pkgutil


def available() -> list[str]:
    """Names of the benchmarks (``notebooks``, ``classification`` ...)."""
    return sorted(
        m.name.replace("_", "-")
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_")
    )


def load(name: str):
    """The benchmark module called ``name``."""
    if name not in available():
        raise SystemExit(f"unknown benchmark {name!r}; available: {', '.join(available())}")
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
