"""Load a dataset: checksum, schema validation, awkward arrays."""

from __future__ import annotations

from pathlib import Path

import awkward as ak

from hepml_course.data import registry
from hepml_course.data.errors import (
    ChecksumMismatchError,
    DatasetMissingError,
    SchemaError,
)
from hepml_course.data.rootio import read_tree, sha256sum, sidecar_path


def verify(path: Path, hint: str) -> None:
    """Check a data file against the sha256 in its sidecar.

    Raises
    ------
    DatasetMissingError
        If the file does not exist.
    ChecksumMismatchError
        If the sidecar is missing or its sha256 differs from the file's.
    """
    if not path.exists():
        raise DatasetMissingError(f"data file {path} does not exist. Generate it with: {hint}")
    record = registry.read_sidecar(path)
    if record is None or "sha256" not in record:
        raise ChecksumMismatchError(
            f"{path} has no checksum record {sidecar_path(path).name}, so its integrity "
            f"cannot be verified. Regenerate it (this writes both): {hint}"
        )
    actual = sha256sum(path)
    if actual != record["sha256"]:
        raise ChecksumMismatchError(
            f"{path} is damaged or was modified: sha256 {actual[:12]}… differs from the "
            f"recorded {record['sha256'][:12]}…. Restore it with `git checkout -- {path.name}` "
            f"or regenerate it: {hint}"
        )


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
        ``hepml-course data generate``).
    entry_start, entry_stop
        Entry range to read.
    verify_checksum
        Check the file's sha256 against its sidecar first (default True).

    Returns
    -------
    awkward.Array
        One record per entry.

    Raises
    ------
    DatasetMissingError, ChecksumMismatchError, CorruptDatasetError, SchemaError
        With the file name and the command that regenerates it.
    """
    spec = registry.get(name)
    file = Path(path) if path is not None else registry.shipped_path(name)
    hint = registry.regenerate_command(name)
    if path is not None:
        record = registry.read_sidecar(file) or {}
        hint = registry.regenerate_command(name, record.get("n_events"), record.get("seed"))
        hint += f" --out {file}"
    tree = tree or spec.default_tree
    if tree not in spec.trees:
        raise SchemaError(
            f"dataset {name!r} has no tree {tree!r}; its trees are {list(spec.trees)}"
        )
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
    if verify_checksum:
        verify(file, hint)
    elif not file.exists():
        raise DatasetMissingError(f"data file {file} does not exist. Generate it with: {hint}")
    return read_tree(file, tree, wanted, hint, entry_start, entry_stop)
