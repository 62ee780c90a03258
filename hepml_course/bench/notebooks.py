"""Benchmark ``notebooks``: every chapter notebook, as the book builds it and as a learner.

Prints ``{notebook: {"wall_s", "cpu_s", "peak_rss_mb", "ok", "within_budget",
"noise", "learner_mode_ok"}}``: wall and CPU time (s) and peak memory of the
kernel process tree (MB) of the book-mode run; ``noise`` counts unclean
outputs (stderr, warnings, tracebacks, progress debris, object reprs, absolute
paths); ``learner_mode_ok`` is true when the notebook without solutions, with
no answers, fails only in its check cells with "no answer yet" and rejects
wrong answers. Options: notebook stems to run (default: every chapter),
``--no-learner`` to skip the learner-mode run.
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
    parser.add_argument("--no-learner", action="store_true", help="skip the learner-mode run")
    args = parser.parse_args(argv)
    notebooks = toc_notebooks()
    if args.names:
        unknown = sorted(set(args.names) - {p.stem for p in notebooks})
        if unknown:
            known = [p.stem for p in notebooks]
            parser.error(f"unknown notebook(s) {unknown}; choose from {known}")
        notebooks = [p for p in notebooks if p.stem in args.names]
    result: dict[str, dict] = {}
    for path in notebooks:
        measured = run_notebook(path, mode="book")
        row: dict = {
            "wall_s": round(measured.wall_s, 1),
            "cpu_s": round(measured.cpu_s, 1),
            "peak_rss_mb": round(measured.peak_rss_mb, 0),
            "ok": measured.ok,
            "within_budget": measured.ok
            and measured.wall_s <= WALL_BUDGET_S
            and measured.peak_rss_mb <= MEMORY_BUDGET_MB,
            "noise": len(measured.noise),
        }
        if measured.error:
            row["error"] = measured.error.strip().splitlines()[-1][:300]
        if not args.no_learner:
            learner = run_notebook(path, mode="learner")
            row["learner_mode_ok"] = learner.ok and bool(learner.checks)
            if learner.error:
                row["learner_error"] = learner.error.strip().splitlines()[-1][:300]
        result[path.stem] = row
    return result
