"""Benchmark ``notebooks``: wall time and peak memory of every chapter notebook.

Prints ``{notebook: {"wall_s", "peak_rss_mb", "ok", "within_budget"}}``.
Options: names (stems) of notebooks to run, default all chapters in ``_toc.yml``.
"""

from __future__ import annotations

import argparse

from hepml_course.notebook_runner import (
    MEMORY_BUDGET_MB,
    WALL_BUDGET_S,
    run_notebook,
    toc_notebooks,
)


def run(argv: list[str]) -> dict:
    """Execute the notebooks one after the other and report their measurements."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench notebooks")
    parser.add_argument("names", nargs="*", help="notebook stems to run (default: all chapters)")
    args = parser.parse_args(argv)
    notebooks = toc_notebooks()
    if args.names:
        notebooks = [p for p in notebooks if p.stem in args.names]
    result: dict[str, dict] = {}
    for path in notebooks:
        measured = run_notebook(path)
        result[path.stem] = {
            "wall_s": round(measured.wall_s, 1),
            "peak_rss_mb": round(measured.peak_rss_mb, 0),
            "ok": measured.ok,
            "within_budget": measured.ok
            and measured.wall_s <= WALL_BUDGET_S
            and measured.peak_rss_mb <= MEMORY_BUDGET_MB,
        }
        if measured.error:
            result[path.stem]["error"] = measured.error.strip().splitlines()[-1][:300]
    return result
