"""Load a course dataset: checksum record, sha256, schema (names, dtypes, shapes).

Files that are not course datasets (a CMS NanoAOD file, your own ntuple) are
read with :func:`hepml_course.data.open_file`; :func:`load` recognises them and
says so.  No message of this module suggests a command that would overwrite a
file that is not a course dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awkward as ak

from hepml_course.data import registry
from hepml_course.data.errors import (
    ChecksumMismatchError,
    CorruptDatasetError,
    DatasetMissingError,
    NotACourseFileError,
    RecordError,
    SchemaError,
)
from hepml_course.data.rootio import read_tree, sha256sum, sidecar_path


def open_file_advice(path: Path) -> str:
    """The sentence that points a user at :func:`~hepml_course.data.open_file`."""
    return (
        f"to read a ROOT file that is not a course dataset, use "
        f"hepml_course.data.open_file({str(path)!r}, tree=..., rename={{...}}) "
        "(its errors list the trees and branches)"
    )


def _check_is_file(path: Path, fix: str) -> None:
    if path.is_dir():
        raise CorruptDatasetError(
            f"{path} is a folder, not a ROOT file: give the path of the data file itself. {fix}"
        )
    if not path.exists():
        raise DatasetMissingError(f"data file {path} does not exist. {fix}")


def verify(path: Path, hint: str) -> dict[str, Any]:
    """Check a data file against the sha256 in its checksum record.

    Parameters
    ----------
    path
        The data file.
    hint
        How to fix a problem (a sentence, e.g. the command that regenerates the
        file), appended to every message.

    Returns
    -------
    dict
        The record.

    Raises
    ------
    DatasetMissingError
        If the file does not exist.
    CorruptDatasetError
        If ``path`` is a folder.
    RecordError
        If the record is damaged (not JSON, wrong field types, a folder).
    ChecksumMismatchError
        If the record is missing or its sha256 differs from the file's.
    """
    path = Path(path)
    fix = hint
    _check_is_file(path, fix)
    record = registry.read_sidecar(path, fix)
    if record is None:
        raise ChecksumMismatchError(
            f"{path} has no checksum record {sidecar_path(path).name}, so its integrity "
            f"cannot be verified. {fix}"
        )
    if "sha256" not in record:
        raise RecordError(f"the checksum record {sidecar_path(path)} has no 'sha256' field. {fix}")
    actual = sha256sum(path)
    if actual != record["sha256"]:
        raise ChecksumMismatchError(
            f"{path} is damaged or was modified: sha256 {actual[:12]}… differs from the "
            f"recorded {record['sha256'][:12]}…. {fix}"
        )
    return record


def _fixes(name: str, file: Path, shipped: bool) -> tuple[str, str]:
    """(fix for a bad record or checksum, fix for a file that reads wrongly).

    A shipped file, or a file whose record says it is this course dataset, may be
    regenerated in place; any other file gets advice that never overwrites it.
    """
    if shipped:
        advice = registry.restore_advice(name)
        return advice[0].upper() + advice[1:], advice[0].upper() + advice[1:]
    foreign = open_file_advice(file)
    try:
        record = registry.read_sidecar(file, "x")
    except RecordError:
        record = None
    if record is not None and record.get("dataset") == name:
        cmd = registry.regenerate_command(
            name, record.get("n_events"), record.get("seed"), record.get("options")
        )
        fix = f"It is a course {name!r} file: regenerate it with {cmd} --out {file}"
        return fix, fix
    record_fix = f"Restore the record, or, if {file.name} is not a course {name!r} file, {foreign}"
    read_fix = f"{file} does not look like a course {name!r} file; {foreign}"
    return record_fix, read_fix


def load(
    name: str,
    tree: str | None = None,
    branches: list[str] | None = None,
    path: str | Path | None = None,
    entry_start: int | None = None,
    entry_stop: int | None = None,
    verify_checksum: bool = True,
) -> ak.Array:
    """Read a course dataset into an Awkward array.

    Parameters
    ----------
    name
        Registry name, e.g. ``"dimuon"``; see :func:`hepml_course.data.registry.names`.
    tree
        Tree to read; the dataset's first tree by default.
    branches
        Subset of branch names to read (all by default).  Jagged branches of
        one collection (``Muon_pt``, ``Muon_eta`` ...) come back zipped as
        ``events.Muon.pt``.
    path
        Read this file instead of the shipped one (e.g. a larger sample made by
        ``hepml-course data generate``).  It must be a course dataset file with
        its checksum record; read any other ROOT file with
        :func:`hepml_course.data.open_file`.
    entry_start, entry_stop
        Entry range to read.
    verify_checksum
        Check the file's sha256 against its record first (default True).  The
        dtypes and shapes of the branches are checked either way.

    Returns
    -------
    awkward.Array
        One record per entry.

    Raises
    ------
    DatasetMissingError, ChecksumMismatchError, RecordError, CorruptDatasetError, SchemaError
        With the file name and the fix.
    NotACourseFileError
        ``path`` is not a course dataset (no record, or the record of another
        dataset); the message points to :func:`~hepml_course.data.open_file`.
    """
    spec = registry.get(name)
    shipped = path is None
    file = registry.shipped_path(name) if shipped else Path(path).expanduser()
    tree = tree or spec.default_tree
    if tree not in spec.trees:
        message = f"dataset {name!r} has no tree {tree!r}; its trees are {list(spec.trees)}"
        if not shipped:
            message += f". If {file} is not a course {name!r} file, {open_file_advice(file)}"
        raise SchemaError(message)
    known = {b.name: b for b in spec.trees[tree]}
    if branches is None:
        wanted = list(known.values())
    else:
        unknown = [b for b in branches if b not in known]
        if unknown:
            raise SchemaError(
                f"dataset {name!r}, tree {tree!r} has no branch(es) {unknown}; "
                f"available: {sorted(known)}"
            )
        wanted = [known[b] for b in branches]
    if not shipped:
        _check_is_file(
            file,
            f"Check the path; to make a new {name!r} sample there: "
            f"{registry.regenerate_command(name)} --out {file}",
        )
    record_fix, read_fix = _fixes(name, file, shipped)
    if verify_checksum:
        if not shipped:
            _check_course_record(name, file, record_fix)
        verify(file, record_fix)
    else:
        _check_is_file(file, record_fix)
    return read_tree(file, tree, wanted, read_fix, entry_start, entry_stop)


def _check_course_record(name: str, file: Path, fix: str) -> None:
    """Refuse a user file whose record is missing or names another dataset."""
    record = registry.read_sidecar(file, fix)
    if record is None:
        raise NotACourseFileError(
            f"{file} has no checksum record {sidecar_path(file).name}, so it is not a course "
            f"dataset file (those are written with their record by `hepml-course data "
            f"generate`). {open_file_advice(file)[0].upper()}{open_file_advice(file)[1:]}; "
            f"to read it as a {name!r} file anyway, pass verify_checksum=False"
        )
    other = record.get("dataset")
    if other is not None and other != name:
        raise NotACourseFileError(
            f"{file} is a course {other!r} file, not {name!r}: "
            f"load it with hepml_course.data.load({other!r}, path={str(file)!r})"
        )
