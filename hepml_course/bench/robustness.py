"""``python -m hepml_course.bench robustness`` — every bad input gives a clear error.

Runs the bad-input suite in temporary folders (copies of the shipped files; the
repository's ``data/`` is never touched) and prints::

    {"tried": N, "clear_error": n, "raw_error": n, "silent": n, "ok": n,
     "seconds": s, "cases": {CASE: OUTCOME}}

Families of cases: every dataset's file damaged (truncated, zeroed, random
bytes, empty, a folder, missing) and its checksum record damaged (not JSON,
empty, a list, wrong types, wrong sha256, a folder, missing); files rewritten
with another tree, a missing, extra or retyped branch; saved models with
tampered, missing or forged files and Keras files with embedded code; the real
CMS Open Data files used the wrong way; bad ``hepml-course`` arguments.

Outcomes:

``clear_error``
    An exception raised by the package (its own error classes, or
    ``ValueError``/``OSError``/``LookupError`` raised in ``hepml_course``
    code) — or one ``error: ...`` line of the command — whose message names the
    file or the argument and says how to fix the problem.
``raw_error``
    Any other exception (raised inside a library, a traceback escaping the
    command), or a message that names neither the file nor the argument, or
    says nothing about a fix.  A valid input (control) refused also counts here.
``silent``
    No error although the input was bad, a wrong result for a control, or a
    user's file modified.
``ok``
    A control (a valid input that must work, e.g. ``open_file`` on a real CMS
    file, or a course file with an extra branch) gave the right result.

Options: ``--only PREFIX`` (repeatable) runs the cases whose name starts with
a prefix (``data/dimuon``, ``models``, ``foreign``, ``cli``); ``--fast`` runs
a subset that takes about a minute.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hepml_course.bench import _robustness_cases as cases_mod
from hepml_course.bench._robustness_cases import CliReported, Trial

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])

#: Words that show a message says what to do about the problem.
_FIX = re.compile(
    r"regenerate|restore|re-save|re-train|\buse\b|choose|\bgive\b|check|\bpass\b|\badd\b|"
    r"open_file|start one|install|must be|move it|delete|load it with|generate at most|"
    r"copy the saved model|--force|--allow-unsafe|allow_unsafe|invalid (int|choice)|"
    r"train and save|save one first|save models with|do not load into keras 3|--help",
    re.IGNORECASE,
)

DATA_FILE_DAMAGE = (
    ("truncated", True),
    ("truncated", False),
    ("zeroed", True),
    ("random", True),
    ("random", False),
    ("empty", False),
)
RECORD_DAMAGE = (
    "not_json",
    "empty",
    "json_list",
    "sha_int",
    "sha_wrong",
    "field_type",
    "binary",
    "missing",
    "folder",
)
SCHEMA_CHANGES = ("tree", "missing", "extra", "retyped")
FOREIGN_USES = (
    "load",
    "load_unchecked",
    "load_tree",
    "generate_over",
    "open_wrong_tree",
    "open_wrong_branch",
    "open_truncated",
    "open",
)

#: Cases of ``--fast``: one dataset, every family.
FAST_PREFIXES = ("data/dimuon/", "models/", "foreign/uproot-Zmumu", "foreign/Run2012", "cli/")


def _raised_by_package(err: BaseException) -> bool:
    """Was ``err`` raised by a ``raise`` statement in ``hepml_course`` code?"""
    frames = traceback.extract_tb(err.__traceback__)
    return bool(frames) and frames[-1].filename.startswith(_PACKAGE_DIR)


def _is_clear(err: BaseException, names: list[str]) -> bool:
    from hepml_course.data.errors import DataError

    message = str(err)
    if isinstance(err, CliReported):
        one_line = message.startswith("error:") and "\n" not in message
        return one_line and any(n in message for n in names) and bool(_FIX.search(message))
    package_kind = isinstance(err, DataError | ValueError | OSError | LookupError)
    if not (package_kind and _raised_by_package(err)):
        return False
    return any(n in message for n in names) and bool(_FIX.search(message))


def judge(trial: Trial) -> tuple[str, str]:
    """Run one trial; return ``(outcome, detail)``."""
    try:
        result = trial.call()
    except KeyboardInterrupt:
        raise
    except BaseException as err:
        detail = f"{type(err).__name__}: {err}"[:400]
        if trial.intact is not None and not trial.intact():
            return "silent", f"the input was modified; {detail}"
        if isinstance(err, SystemExit) and not isinstance(err, CliReported):
            return "raw_error", detail
        return ("clear_error" if _is_clear(err, trial.names) else "raw_error"), detail
    if trial.intact is not None and not trial.intact():
        return "silent", "the input was modified"
    if trial.expect_ok:
        good = trial.check is None or bool(trial.check(result))
        return ("ok", "right result") if good else ("silent", "wrong result")
    return "silent", "no error"


def all_cases(models_root: Path) -> dict[str, Callable[[Path], Trial]]:
    """Every case of the suite, by name."""
    from hepml_course.data import registry

    out: dict[str, Callable[[Path], Trial]] = {}
    for name in registry.names():
        for kind, verify in DATA_FILE_DAMAGE:
            mode = "checked" if verify else "unchecked"
            out[f"data/{name}/file_{kind}_{mode}"] = cases_mod.file_damage_case(name, kind, verify)
        for kind in RECORD_DAMAGE:
            out[f"data/{name}/record_{kind}"] = cases_mod.record_case(name, kind)
        for what in ("missing", "folder"):
            out[f"data/{name}/file_{what}"] = cases_mod.missing_file_case(name, what)
        for change in SCHEMA_CHANGES:
            out[f"data/{name}/schema_{change}"] = cases_mod.schema_case(name, change)
    for kind in cases_mod.MODEL_KINDS:
        out[f"models/{kind}"] = cases_mod.model_case(kind, models_root)
    if cases_mod.CMS_DIR.is_dir():
        for file in cases_mod.CMS_FILES:
            if (cases_mod.CMS_DIR / file).is_file():
                for how in FOREIGN_USES:
                    out[f"foreign/{file}/{how}"] = cases_mod.foreign_case(file, how)
    out.update(cases_mod.cli_cases())
    return out


def run_suite(prefixes: list[str] | None = None, fast: bool = False) -> dict[str, Any]:
    """Run the selected cases in a temporary folder; return the summary."""
    start = time.perf_counter()
    outcomes: dict[str, str] = {}
    details: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="hepml-robustness-") as root:
        root_path = Path(root)
        selected = all_cases(root_path / "_models")
        if fast:
            selected = {k: v for k, v in selected.items() if k.startswith(FAST_PREFIXES)}
        if prefixes:
            selected = {k: v for k, v in selected.items() if k.startswith(tuple(prefixes))}
        for i, (name, case) in enumerate(selected.items()):
            tmp = root_path / f"case{i:04d}"
            tmp.mkdir()
            try:
                trial = case(tmp)
            except Exception as err:
                outcomes[name], details[name] = "raw_error", f"setup failed: {err!r}"[:400]
                continue
            outcomes[name], details[name] = judge(trial)
    counts = {
        k: sum(v == k for v in outcomes.values())
        for k in ("clear_error", "raw_error", "silent", "ok")
    }
    return {
        "tried": len(outcomes),
        **counts,
        "seconds": round(time.perf_counter() - start, 1),
        "cases": outcomes,
        "problems": {k: details[k] for k, v in outcomes.items() if v in ("raw_error", "silent")},
    }


def run(argv: list[str]) -> dict[str, Any]:
    """Entry point of ``python -m hepml_course.bench robustness``."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench robustness")
    parser.add_argument("--only", action="append", default=None, help="case name prefix")
    parser.add_argument("--fast", action="store_true", help="a subset of about a minute")
    args = parser.parse_args(argv)
    return run_suite(args.only, fast=args.fast)


if __name__ == "__main__":  # pragma: no cover
    import json

    json.dump(run(sys.argv[1:]), sys.stdout, indent=2)
