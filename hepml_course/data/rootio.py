"""Reading and writing the course's ROOT files with uproot.

Writers are atomic: data go to a temporary file in the target folder, which is
renamed over the target only once complete, so an interrupted or failed run
never leaves a half-written file.  A run killed with SIGKILL cannot clean up:
its hidden partial file ``.NAME.<pid>-<random>.tmp`` stays, and the next write
of the same target deletes it (see :func:`remove_stale_partials`).  Each file
gets a JSON sidecar (``NAME.root.json``) recording its sha256 and provenance.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import glob
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import uproot

from hepml_course.data.errors import CorruptDatasetError, SchemaError
from hepml_course.data.spec import Branch

SIDECAR_SUFFIX = ".json"


def sha256sum(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex sha256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    """Path of the JSON sidecar (checksum + provenance) of a data file."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


#: A partial file without a writer's pid (older package versions) is stale after this.
_STALE_UNOWNED_S = 600.0


def _writer_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: alive
        return True
    return True


def remove_stale_partials(target: Path) -> list[Path]:
    """Delete hidden partial files of ``target`` left by killed writers.

    A partial file is ``.NAME.<pid>-<random>.tmp`` beside ``target``; it is
    stale when process ``pid`` no longer exists.  Partial files without a pid
    (written by older versions) are stale after 10 minutes.

    Returns
    -------
    list of Path
        The files removed.
    """
    target = Path(target)
    prefix = f".{target.name}."
    removed = []
    if not target.parent.is_dir():
        return removed
    now = time.time()
    for tmp in target.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        middle = tmp.name[len(prefix) : -len(".tmp")]
        owner = middle.split("-", 1)[0]
        try:
            if owner.isdigit():
                stale = int(owner) != os.getpid() and not _writer_alive(int(owner))
            else:
                stale = now - tmp.lstat().st_mtime > _STALE_UNOWNED_S
            if stale and tmp.is_file():
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            continue  # vanished meanwhile, or not ours to delete
    return removed


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it over ``target`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is
    removed and ``target`` is left untouched.  Partial files of ``target`` left
    by killed runs are deleted first (:func:`remove_stale_partials`).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(target)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, payload: Mapping[str, Any]) -> None:
    """Write a JSON document atomically (sorted keys, trailing newline)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def _collection(branch: Branch) -> str:
    return branch.name.split("_", 1)[0]


def _cast(values: Any, branch: Branch) -> Any:
    """Cast one branch's values to the dtype (and check the shape) the schema says."""
    if branch.jagged:
        array = ak.Array(values)
        if array.ndim != 2:
            raise SchemaError(
                f"branch {branch.name!r} must be jagged with one level of nesting "
                f"(events × objects), got type {array.type}"
            )
        return ak.values_astype(array, np.dtype(branch.dtype))
    array = np.asarray(values, dtype=np.dtype(branch.dtype))
    if array.shape[1:] != tuple(branch.shape):
        raise SchemaError(
            f"branch {branch.name!r} must have per-entry shape {tuple(branch.shape)}, "
            f"got {array.shape[1:]}"
        )
    return array


def _tree_payload(tree: str, branches: list[Branch], columns: Mapping[str, Any]) -> dict:
    """Turn one tree's columns into what ``uproot`` writes (jagged → zipped collections)."""
    expected = {b.name for b in branches}
    got = set(columns)
    if got != expected:
        raise SchemaError(
            f"tree {tree!r}: generator produced branches that do not match the schema; "
            f"missing {sorted(expected - got)}, unexpected {sorted(got - expected)}"
        )
    payload: dict[str, Any] = {}
    collections: dict[str, dict[str, Any]] = {}
    for branch in branches:
        values = _cast(columns[branch.name], branch)
        if branch.jagged:
            field = branch.name.split("_", 1)[1]
            collections.setdefault(_collection(branch), {})[field] = values
        else:
            payload[branch.name] = values
    for name, fields in collections.items():
        payload[name] = ak.zip(fields)
    lengths = {k: len(v) for k, v in payload.items()}
    if len(set(lengths.values())) > 1:
        raise SchemaError(f"tree {tree!r}: branches have different numbers of entries {lengths}")
    return payload


def _uproot_type(value: Any) -> Any:
    if isinstance(value, ak.Array):
        return value.type.content
    return np.dtype((value.dtype, value.shape[1:])) if value.ndim > 1 else value.dtype


def write_trees(
    path: Path,
    schema: Mapping[str, list[Branch]],
    chunks: Iterable[Mapping[str, Mapping[str, Any]]],
    compression: uproot.compression.Compression | None = None,
) -> dict[str, int]:
    """Write chunks of several trees into one ROOT file, atomically.

    Parameters
    ----------
    path
        Target file.  Written only if every chunk succeeds.
    schema
        Tree name → branches; every chunk must provide exactly these.
    chunks
        Iterable of ``{tree: {branch: array}}``, appended in order.
    compression
        uproot compression; zstd level 5 by default (fast to write, compact).

    Returns
    -------
    dict
        Tree name → number of entries written.
    """
    compression = compression or uproot.ZSTD(5)
    entries = dict.fromkeys(schema, 0)
    with atomic_path(Path(path)) as tmp:
        with uproot.recreate(tmp, compression=compression) as out:
            trees: dict[str, Any] = {}
            for chunk in chunks:
                for tree, branches in schema.items():
                    if tree not in chunk:
                        raise SchemaError(f"generator produced no tree {tree!r}")
                    payload = _tree_payload(tree, branches, chunk[tree])
                    n = len(next(iter(payload.values())))
                    if n == 0:
                        continue
                    if tree not in trees:
                        types = {k: _uproot_type(v) for k, v in payload.items()}
                        trees[tree] = out.mktree(tree, types)
                    trees[tree].extend(payload)
                    entries[tree] += n
            missing = [t for t in schema if t not in trees]
            if missing:
                raise SchemaError(f"no entries were produced for tree(s) {missing}")
    return entries


def describe_file(path: Path, **provenance: Any) -> dict[str, Any]:
    """Sidecar contents for a written file: checksum, size and provenance."""
    path = Path(path)
    return {
        "file": path.name,
        "sha256": sha256sum(path),
        "size_bytes": path.stat().st_size,
        "created_utc": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        **provenance,
    }


def _leaf_type(branch: Branch) -> str:
    """The Awkward type (one entry) a branch of the schema reads back as."""
    if branch.jagged:
        return f"var * {branch.dtype}"
    return " * ".join([*(str(n) for n in branch.shape), branch.dtype])


def check_types(path: Path, tree: str, arrays: ak.Array, branches: list[Branch], fix: str) -> None:
    """Compare each branch's dtype and shape read from ``path`` with the schema.

    Raises
    ------
    SchemaError
        Listing every branch whose type differs (``int16`` where the schema says
        ``float32``, a jagged branch where it says scalar ...).
    """
    wrong = []
    for branch in branches:
        got = str(ak.type(arrays[branch.name]).content)
        want = _leaf_type(branch)
        if got != want:
            wrong.append(f"{branch.name}: {got} (expected {want})")
    if wrong:
        raise SchemaError(
            f"{path}: tree {tree!r} has branch(es) of the wrong type or shape: "
            f"{'; '.join(wrong)}. {fix}"
        )


def open_tree(path: Path, tree: str, regenerate_hint: str) -> Any:
    """Open ``tree`` in a ROOT file, turning uproot's failures into clear errors.

    Parameters
    ----------
    path
        The ROOT file.
    tree
        Name of the TTree (or RNTuple).
    regenerate_hint
        How to fix a bad file (a sentence, e.g. ``"regenerate it: hepml-course ..."``);
        appended to every message.
    """
    if Path(path).is_dir():
        raise CorruptDatasetError(
            f"{path} is a folder, not a ROOT file: give the path of the file. {regenerate_hint}"
        )
    try:
        handle = uproot.open(path)
        available = sorted({k.split(";")[0] for k in handle.keys(recursive=False)})
    except Exception as err:  # uproot raises many kinds on garbage input
        raise CorruptDatasetError(
            f"{path} is not a readable ROOT file ({type(err).__name__}: {err}). {regenerate_hint}"
        ) from err
    if tree not in available:
        raise SchemaError(f"{path} has no tree {tree!r} (it has {available}). {regenerate_hint}")
    try:
        return handle[tree]
    except Exception as err:
        raise CorruptDatasetError(
            f"{path}: tree {tree!r} cannot be read ({type(err).__name__}: {err}); the file is "
            f"damaged. {regenerate_hint}"
        ) from err


def read_tree(
    path: Path,
    tree: str,
    branches: list[Branch],
    regenerate_hint: str,
    entry_start: int | None = None,
    entry_stop: int | None = None,
) -> ak.Array:
    """Read ``branches`` of ``tree`` into an Awkward array of records.

    Jagged collections come back zipped (``events.Muon.pt`` for ``Muon_pt``);
    fixed-shape branches as regular dimensions.  Every branch's dtype and shape
    is checked against the schema.

    Raises
    ------
    CorruptDatasetError
        The file is not ROOT, is truncated, or its collections do not line up.
    SchemaError
        A tree or branch is missing or of the wrong type; ``regenerate_hint``
        says what to do.
    """
    ttree = open_tree(path, tree, regenerate_hint)
    names = [b.name for b in branches]
    try:
        present = set(ttree.keys())
    except Exception as err:
        raise CorruptDatasetError(
            f"{path}: the branches of tree {tree!r} cannot be listed "
            f"({type(err).__name__}: {err}); the file is damaged. {regenerate_hint}"
        ) from err
    missing = [n for n in names if n not in present]
    if missing:
        raise SchemaError(
            f"{path}: tree {tree!r} lacks branch(es) {missing} that the dataset schema "
            f"requires. {regenerate_hint}"
        )
    try:
        arrays = ttree.arrays(names, entry_start=entry_start, entry_stop=entry_stop)
    except Exception as err:
        raise CorruptDatasetError(
            f"{path}: reading tree {tree!r} failed ({type(err).__name__}: {err}); "
            f"the file is damaged. {regenerate_hint}"
        ) from err
    check_types(path, tree, arrays, branches, regenerate_hint)
    columns: dict[str, Any] = {}
    collections: dict[str, dict[str, Any]] = {}
    for branch in branches:
        if branch.jagged:
            field = branch.name.split("_", 1)[1]
            collections.setdefault(_collection(branch), {})[field] = arrays[branch.name]
        else:
            columns[branch.name] = arrays[branch.name]
    try:
        for name, fields in collections.items():
            columns[name] = ak.zip(fields)
        return ak.zip(columns, depth_limit=1)
    except ValueError as err:
        raise CorruptDatasetError(
            f"{path}: the branches of tree {tree!r} do not line up ({err}); the file is "
            f"damaged or was written by another program. {regenerate_hint}"
        ) from err
