"""Checksum records (``NAME.root.json``): read them and check every field's type.

A record is written beside each course data file by
:func:`hepml_course.data.generate`.  Reading one that is damaged (not JSON,
empty, a list, a field of the wrong type, a folder instead of a file) raises
:class:`~hepml_course.data.errors.RecordError` naming the record and the fix,
never a bare ``JSONDecodeError`` or ``TypeError``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hepml_course.data.errors import RecordError
from hepml_course.data.rootio import sidecar_path

_SHA256 = re.compile(r"[0-9a-f]{64}")

#: Field → (accepted Python types, what the message says).  ``bool`` is an ``int``
#: in Python, so integer fields refuse it explicitly.
_FIELDS: dict[str, tuple[tuple[type, ...], str]] = {
    "dataset": ((str,), "a dataset name (string)"),
    "file": ((str,), "a file name (string)"),
    "version": ((str,), "a version (string)"),
    "n_events": ((int,), "a positive integer"),
    "seed": ((int,), "a non-negative integer"),
    "n_shards": ((int,), "a positive integer"),
    "size_bytes": ((int,), "a non-negative integer"),
    "entries": ((dict,), "an object {tree: number of entries}"),
}


def _problem(record: Any) -> str | None:
    """What is wrong with a parsed record, or None if it is well formed."""
    if not isinstance(record, dict):
        return f"is a JSON {type(record).__name__}, not an object with a 'sha256' field"
    sha = record.get("sha256")
    if "sha256" in record and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        return f"field 'sha256' must be 64 lower-case hex digits, got {sha!r}"
    for key, (types, what) in _FIELDS.items():
        if key not in record:
            continue
        value = record[key]
        if isinstance(value, bool) or not isinstance(value, types):
            return f"field {key!r} must be {what}, got {value!r}"
        if isinstance(value, int) and value < (1 if key in ("n_events", "n_shards") else 0):
            return f"field {key!r} must be {what}, got {value!r}"
    entries = record.get("entries", {})
    bad = {k: v for k, v in entries.items() if isinstance(v, bool) or not isinstance(v, int)}
    if bad:
        return f"field 'entries' must map tree names to integers, got {bad!r}"
    return None


def read_record(path: Path, fix: str) -> dict[str, Any] | None:
    """The checksum record of the data file ``path``, or None if it has none.

    Parameters
    ----------
    path
        The data file (``data/dimuon.root``); its record is ``path + ".json"``.
    fix
        What to do about a damaged record (appended to the message), e.g. the
        command that regenerates the file.

    Returns
    -------
    dict or None
        The record, with well-typed fields; None if no record exists.

    Raises
    ------
    RecordError
        The record is a folder, unreadable, not JSON, not an object, or has a
        field of the wrong type.
    """
    side = sidecar_path(Path(path))
    if side.is_dir():
        raise RecordError(
            f"{side} is a folder, but it should be the checksum record of {Path(path).name}: "
            f"move it away, then {fix}"
        )
    if not side.exists():
        return None
    try:
        text = side.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RecordError(
            f"the checksum record {side} is not valid JSON (not UTF-8 text: {err.reason} at "
            f"byte {err.start}): {fix}"
        ) from err
    except OSError as err:
        raise RecordError(
            f"cannot read the checksum record {side} ({err.strerror or err}): {fix}"
        ) from err
    if not text.strip():
        raise RecordError(f"the checksum record {side} is empty: {fix}")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        raise RecordError(
            f"the checksum record {side} is not valid JSON ({err.msg} at line {err.lineno}): {fix}"
        ) from err
    problem = _problem(record)
    if problem is not None:
        raise RecordError(
            f"the checksum record {side} is damaged: {problem}. {fix[0].upper()}{fix[1:]}"
        )
    return record
