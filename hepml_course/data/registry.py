"""The registry of the course's datasets.

Each module in :mod:`hepml_course.data.datasets` defines a ``SPEC``; the
registry collects them by name.  :func:`info` adds what the shipped file's
sidecar records (sha256, size, entries).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import Any

from hepml_course.data import datasets as _datasets_pkg
from hepml_course.data.errors import UnknownDatasetError
from hepml_course.data.paths import data_dir
from hepml_course.data.records import read_record
from hepml_course.data.rootio import sidecar_path
from hepml_course.data.spec import DatasetSpec


@functools.cache
def _specs() -> dict[str, DatasetSpec]:
    specs: dict[str, DatasetSpec] = {}
    for module_info in pkgutil.iter_modules(_datasets_pkg.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_datasets_pkg.__name__}.{module_info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, DatasetSpec):
            if spec.name in specs:
                raise RuntimeError(f"two dataset modules define the name {spec.name!r}")
            specs[spec.name] = spec
    return specs


def names() -> list[str]:
    """Names of all registered datasets, sorted."""
    return sorted(_specs())


def get(name: str) -> DatasetSpec:
    """The :class:`DatasetSpec` of dataset ``name``.

    Raises
    ------
    UnknownDatasetError
        If no dataset has that name (the message lists the known ones).
    """
    try:
        return _specs()[name]
    except KeyError:
        raise UnknownDatasetError(
            f"unknown dataset {name!r}; choose one of the known datasets: {', '.join(names())}"
        ) from None


def shipped_path(name: str) -> Path:
    """Path of the shipped ROOT file of dataset ``name``."""
    return data_dir() / get(name).filename


def regenerate_command(
    name: str,
    events: int | None = None,
    seed: int | None = None,
    options: dict[str, Any] | None = None,
) -> str:
    """The shell command that (re)creates a dataset file.

    ``options`` are the dataset's generation options recorded with the file
    (e.g. ``{"particles": 10000}``); each becomes ``--<name> <value>``.
    """
    spec = get(name)
    cmd = f"hepml-course data generate {name}"
    if events is not None and events != spec.default_events:
        cmd += f" --events {events}"
    if seed is not None and seed != spec.default_seed:
        cmd += f" --seed {seed}"
    for key, value in sorted((options or {}).items()):
        cmd += f" --{key.replace('_', '-')} {value}"
    return cmd


def restore_advice(name: str) -> str:
    """How to restore the shipped file of dataset ``name`` and its record."""
    spec = get(name)
    return (
        f"restore the shipped files with `git checkout -- data/{spec.filename} "
        f"data/{spec.filename}.json`, or regenerate both: {regenerate_command(name)}"
    )


def read_sidecar(path: Path, fix: str | None = None) -> dict[str, Any] | None:
    """The checksum record of a data file, or None if there is none.

    Parameters
    ----------
    path
        The data file.
    fix
        What to do about a damaged record (default: restore or regenerate).

    Raises
    ------
    RecordError
        The record is damaged (see :func:`hepml_course.data.records.read_record`).
    """
    side = sidecar_path(Path(path))
    fix = fix or (
        f"restore {side.name} from where its data file came from; without a record the "
        "data file is not a course dataset (read such files with hepml_course.data.open_file)"
    )
    return read_record(Path(path), fix)


def info(name: str) -> dict[str, Any]:
    """Registry entry of a dataset: spec fields plus the shipped file's record.

    Returns
    -------
    dict
        ``name, version, title, generator, file, default_events, default_seed,
        trees, datacard, sha256, size_bytes, entries`` (the last three ``None``
        when the shipped file has not been generated yet).
    """
    spec = get(name)
    path = shipped_path(name)
    record = read_sidecar(path, restore_advice(name)) or {}
    return {
        "name": spec.name,
        "version": spec.version,
        "title": spec.title,
        "generator": spec.generator,
        "file": str(path),
        "default_events": spec.default_events,
        "default_seed": spec.default_seed,
        "trees": {t: [b.name for b in bs] for t, bs in spec.trees.items()},
        "datacard": str(data_dir() / spec.datacard),
        "sha256": record.get("sha256"),
        "size_bytes": record.get("size_bytes"),
        "entries": record.get("entries"),
    }
