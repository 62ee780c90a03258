"""Benchmark ``report``: record benchmark results and turn them into the instructor guide's tables.

``python -m hepml_course.bench report --run NAME [NAME ...]`` runs the named
benchmarks (with their default options), stores each result with how it was
made in ``book/bench/NAME.json`` (command, date, machine, Python, result), and
then regenerates ``book/bench/tables.md`` from every stored record.
Without ``--run`` it only regenerates the tables. ``--check`` exits with an
error if ``tables.md`` is not what the stored records give (the tests use it),
so the guide's numbers are never typed by hand.

Prints ``{"recorded": [NAME ...], "tables": "book/bench/tables.md", "up_to_date": bool}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from hepml_course.data.paths import REPO_ROOT

#: Where the records and the generated tables live.
RECORD_DIR = REPO_ROOT / "book" / "bench"
TABLES = RECORD_DIR / "tables.md"


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    partial.replace(path)


def record(name: str, argv: list[str] | None = None) -> Path:
    """Run benchmark ``name`` and store its result with its provenance.

    Parameters
    ----------
    name
        A benchmark name (``python -m hepml_course.bench`` lists them).
    argv
        Options passed to the benchmark (default none).

    Returns
    -------
    Path
        The written ``book/bench/NAME.json``.
    """
    from hepml_course.bench import load

    argv = list(argv or [])
    load_before = round(os.getloadavg()[0], 1)
    start = dt.datetime.now(dt.UTC)
    result = load(name).run(argv)
    stop = dt.datetime.now(dt.UTC)
    entry = {
        "benchmark": name,
        "command": " ".join(["python -m hepml_course.bench", name, *argv]),
        "date": start.strftime("%Y-%m-%d"),
        "duration_s": round((stop - start).total_seconds(), 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.system(),
            # > cpus means other jobs competed for the cores: timings are then pessimistic
            "load_average_at_start": load_before,
        },
        "result": result,
    }
    RECORD_DIR.mkdir(parents=True, exist_ok=True)
    path = RECORD_DIR / f"{name}.json"
    _write_atomic(path, json.dumps(entry, indent=2, ensure_ascii=False) + "\n")
    return path


def _shown(path: Path) -> str:
    """The path relative to the project when inside it (no build-machine paths in messages)."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def load_records(directory: Path = RECORD_DIR) -> dict[str, dict]:
    """Every stored record, by benchmark name.

    Raises
    ------
    ValueError
        If a record is not valid JSON or lacks its ``benchmark``/``result`` keys
        (names the file; re-record it with ``--run NAME``).
    """
    records = {}
    for path in sorted(directory.glob("*.json")):
        try:
            entry = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise ValueError(
                f"{_shown(path)} is not valid JSON ({err}); re-record it with "
                f"`python -m hepml_course.bench report --run {path.stem}`"
            ) from None
        if not isinstance(entry, dict) or not {"benchmark", "result"} <= set(entry):
            raise ValueError(
                f"{_shown(path)} is not a benchmark record "
                f"(no 'benchmark'/'result'); "
                f"re-record it with `python -m hepml_course.bench report --run {path.stem}`"
            )
        records[entry["benchmark"]] = entry
    return records


def render(records: dict[str, dict]) -> str:
    """The instructor guide's tables (MyST markdown) from the stored records."""
    from hepml_course.bench._tables import render_all

    return render_all(records)


def run(argv: list[str]) -> dict:
    """Record the requested benchmarks, regenerate (or check) the tables."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench report")
    parser.add_argument("--run", nargs="+", default=[], metavar="NAME", help="benchmarks to run")
    parser.add_argument("--check", action="store_true", help="fail if tables.md is out of date")
    args = parser.parse_args(argv)
    from hepml_course.bench import available

    unknown = sorted(set(args.run) - set(available()) | ({"report"} & set(args.run)))
    if unknown:
        parser.error(
            f"cannot record {unknown}; choose from {sorted(set(available()) - {'report'})}"
        )
    recorded = [_shown(record(name)) for name in args.run]
    text = render(load_records())
    current = TABLES.read_text() if TABLES.exists() else None
    if args.check:
        if current != text:
            sys.exit(
                f"{_shown(TABLES)} is out of date with the records in "
                f"{_shown(RECORD_DIR)}: run `python -m hepml_course.bench report`"
            )
    elif current != text:
        _write_atomic(TABLES, text)
    return {
        "recorded": recorded,
        "tables": _shown(TABLES),
        "up_to_date": True,
    }
