"""Read any ROOT file — TTree or RNTuple — into Awkward arrays, with a field mapping.

This is the door for files that are not course datasets: CMS Open Data
(NanoAOD), an experiment's ntuple, a file of your own.  Nothing is checked
against a course schema and the file is only read; errors list the trees and
branches the file has.

>>> from hepml_course.data import open_file
>>> events = open_file("Run2012BC_DoubleMuParked_Muons.root")   # doctest: +SKIP
>>> events.Muon.pt                     # NanoAOD collections are zipped   # doctest: +SKIP
>>> muons = open_file("nano.root", rename={"Muon_pt": "pt", "Muon_eta": "eta"})  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import awkward as ak
import uproot

from hepml_course.data.errors import CorruptDatasetError, DatasetMissingError, SchemaError

#: uproot class names of the objects :func:`open_file` reads.
_TABLE_CLASSES = ("TTree", "TNtuple", "TNtupleD", "ROOT::RNTuple", "ROOT::Experimental::RNTuple")


def _open(path: Path) -> tuple[Any, dict[str, str]]:
    """uproot handle and ``{key: class name}`` of a file, with clear errors."""
    if path.is_dir():
        raise CorruptDatasetError(f"{path} is a folder, not a ROOT file: give the path of a file")
    if not path.exists():
        raise DatasetMissingError(f"{path} does not exist: check the path")
    try:
        handle = uproot.open(path)
        classes = handle.classnames(recursive=False)
    except Exception as err:  # uproot raises many kinds on garbage input
        raise CorruptDatasetError(
            f"{path} is not a readable ROOT file ({type(err).__name__}: {err}): check that it is "
            "a complete ROOT file (a download may have been cut short)"
        ) from err
    return handle, classes


def _tables(classes: Mapping[str, str]) -> dict[str, str]:
    return {k.split(";")[0]: c for k, c in classes.items() if c in _TABLE_CLASSES}


def _choose_tree(path: Path, classes: Mapping[str, str], tree: str | None) -> str:
    trees = _tables(classes)
    if not trees:
        raise SchemaError(
            f"{path} has no TTree or RNTuple (it holds {sorted({*classes.values()})}): "
            "open_file reads tables only; use uproot.open for histograms and other objects"
        )
    if tree is None:
        if len(trees) > 1:
            raise SchemaError(f"{path} has several trees {list(trees)}: choose one with tree=...")
        return next(iter(trees))
    if tree not in trees:
        raise SchemaError(
            f"{path} has no tree {tree!r}; it has {list(trees)}: pass one of these as "
            "tree=... (names are case-sensitive)"
        )
    return tree


def _branch_names(table: Any) -> list[str]:
    """Top-level readable names (TTree branches or RNTuple fields, no sub-fields)."""
    try:
        names = table.keys(recursive=False)
    except TypeError:  # RNTuple.keys has no ``recursive``
        names = [k for k in table.keys() if "." not in k]
    return [n for n in names if not n.startswith("_collection")]


def _table(path: Path, tree: str | None) -> tuple[Any, str, list[str]]:
    handle, classes = _open(path)
    tree = _choose_tree(path, classes, tree)
    try:
        table = handle[tree]
        return table, tree, _branch_names(table)
    except Exception as err:
        raise CorruptDatasetError(
            f"{path}: tree {tree!r} cannot be read ({type(err).__name__}: {err}): the file is "
            "damaged"
        ) from err


def _describe(available: list[str], unknown: list[str], limit: int = 40) -> str:
    """The available names, shortened for files with hundreds of branches."""
    if len(available) <= limit:
        return f"it has {available}"
    close = sorted({m for u in unknown for m in difflib.get_close_matches(u, available, n=5)})
    hint = f"close matches: {close}; " if close else ""
    return (
        f"{hint}it has {len(available)} branches, the first {limit}: {available[:limit]} "
        "(hepml_course.data.list_branches(path, tree) gives all)"
    )


def list_trees(path: str | Path) -> dict[str, str]:
    """Trees and RNTuples of a ROOT file.

    Parameters
    ----------
    path
        A ROOT file.

    Returns
    -------
    dict
        Name → class (``"TTree"`` or ``"ROOT::RNTuple"``), in file order.
    """
    return _tables(_open(Path(path).expanduser())[1])


def list_branches(path: str | Path, tree: str | None = None) -> list[str]:
    """Top-level branch (TTree) or field (RNTuple) names of a tree.

    Parameters
    ----------
    path
        A ROOT file.
    tree
        Tree name; may be omitted when the file has only one.
    """
    return _table(Path(path).expanduser(), tree)[2]


def _zip_collections(arrays: ak.Array) -> ak.Array:
    """Zip NanoAOD-style ``X_y`` jagged fields that share the counter ``nX``/``NX``.

    Fields that do not line up with their counter are left as they are.
    """
    fields = arrays.fields
    out: dict[str, Any] = {}
    zipped: dict[str, dict[str, Any]] = {}
    counters: set[str] = set()
    for name in fields:
        prefix, sep, rest = name.partition("_")
        counter = next((c for c in (f"n{prefix}", f"N{prefix}") if c in fields), None)
        if sep and rest and counter is not None and arrays[name].ndim == 2:
            if ak.all(ak.num(arrays[name], axis=1) == arrays[counter]):
                zipped.setdefault(prefix, {})[rest] = arrays[name]
                counters.add(counter)
                continue
        out[name] = arrays[name]
    for counter in counters:
        out.pop(counter, None)
    for prefix, columns in zipped.items():
        out[prefix] = ak.zip(columns)
    return ak.zip(out, depth_limit=1) if out else arrays


def open_file(
    path: str | Path,
    tree: str | None = None,
    rename: Mapping[str, str] | None = None,
    branches: Sequence[str] | None = None,
    entry_start: int | None = None,
    entry_stop: int | None = None,
    zip_collections: bool = True,
) -> ak.Array:
    """Read a TTree or RNTuple of any ROOT file into an Awkward array of records.

    Parameters
    ----------
    path
        The ROOT file (only read, never modified).
    tree
        Name of the TTree or RNTuple; may be omitted when the file has only one.
    rename
        Map of branch name in the file → field name in the result, e.g.
        ``{"Muon_pt": "pt", "Muon_eta": "eta"}``.  When given without
        ``branches``, only the renamed branches are read; the result holds
        exactly these fields (no zipping).
    branches
        Branches to read (all top-level branches by default).
    entry_start, entry_stop
        Entry range to read.
    zip_collections
        Without ``rename``: zip NanoAOD-style collections, so that ``Muon_pt``,
        ``Muon_eta`` ... with the counter ``nMuon`` (or ``NMuon``) come back as
        ``events.Muon.pt``, ``events.Muon.eta`` (the counter is dropped).

    Returns
    -------
    awkward.Array
        One record per entry.

    Raises
    ------
    DatasetMissingError
        ``path`` does not exist.
    CorruptDatasetError
        ``path`` is a folder, not a ROOT file, or damaged.
    SchemaError
        No such tree, several trees and none chosen, or unknown branches; the
        message lists the ones the file has.
    ValueError
        ``rename`` maps two branches to one name.
    """
    path = Path(path).expanduser()
    table, tree, available = _table(path, tree)
    rename = dict(rename or {})
    wanted = list(branches) if branches is not None else (list(rename) or available)
    unknown = [b for b in [*wanted, *rename] if b not in available]
    if unknown:
        raise SchemaError(
            f"{path}: tree {tree!r} has no branch(es) {sorted(set(unknown))}; "
            f"{_describe(available, unknown)}: use these names in branches=/rename="
        )
    targets = [rename.get(b, b) for b in wanted]
    clashes = sorted({t for t in targets if targets.count(t) > 1})
    if clashes:
        raise ValueError(
            f"rename maps several branches of {path.name} to the same field name(s) {clashes}: "
            "give each branch its own name"
        )
    try:
        arrays = table.arrays(wanted, entry_start=entry_start, entry_stop=entry_stop)
    except Exception as err:
        raise CorruptDatasetError(
            f"{path}: reading {wanted[:5]}{'...' if len(wanted) > 5 else ''} from tree {tree!r} "
            f"failed ({type(err).__name__}: {err}): the file is damaged or uses a layout uproot "
            "cannot read"
        ) from err
    if rename:
        return ak.zip({rename.get(b, b): arrays[b] for b in wanted}, depth_limit=1)
    arrays = ak.zip({b: arrays[b] for b in wanted}, depth_limit=1)
    return _zip_collections(arrays) if zip_collections else arrays
