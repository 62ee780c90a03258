"""Saved models: a folder with the weight files and one JSON record, all covered by sha256.

Layout of a saved model ``PATH/``::

    record.json        class, hyper-parameters, preprocessing state, seed, command,
                       package versions, the sha256 of every other file, and the
                       sha256 of the record itself (``record_sha256``)
    <name>.weights.h5  Keras weights (rebuilt architecture) ...
    <name>.keras       ... or whole Keras models
    <name>.npz         NumPy arrays

Writing goes to a temporary folder beside ``PATH`` that is renamed into place
only when complete, so an interrupted save never leaves a half-written model;
an existing ``PATH`` is replaced only with ``overwrite=True``.  Loading checks
every checksum before reading anything.

Whole Keras models (``.keras``) load in Keras 3's *safe mode*: a file that
carries Python code (a ``Lambda`` layer's bytecode) is refused with
:class:`UnsafeModelError`, because loading it would run that code.  A caller
who trusts the file's author opts in with ``allow_unsafe=True`` (on the command
line ``--allow-unsafe``).  A checksum proves a file is unchanged, not that it
is harmless, so safe mode stays on for verified saved models too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

RECORD = "record.json"
FORMAT = "hepml-course-model/1"
_VERSIONED = ("hepml-course", "keras", "tensorflow-cpu", "numpy", "hgq2", "scikit-learn")


class ArtifactError(ValueError):
    """A saved model is missing, damaged, modified or of another kind."""


class UnsafeModelError(ArtifactError):
    """A Keras model file carries Python code that would run when it is loaded."""


def load_keras_file(
    path: str | Path, *, allow_unsafe: bool = False, custom_objects: dict | None = None
) -> Any:
    """Load a whole Keras-3 model (``.keras``) in safe mode.

    Parameters
    ----------
    path
        The ``.keras`` file.
    allow_unsafe
        Also load models with embedded Python code (``Lambda`` layers).  That
        code runs during loading: opt in only for files from a trusted source.
    custom_objects
        Extra classes for Keras' deserialiser (registered layers need none).

    Returns
    -------
    keras.Model
        Not compiled.

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    UnsafeModelError
        The file carries code and ``allow_unsafe`` is False; nothing was run.
    ArtifactError
        ``path`` is a folder, or not a loadable Keras model (damaged, another format).
    """
    from hepml_course.nn.quiet import import_keras

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no Keras model file at {path}: check the path")
    if not path.is_file():
        raise ArtifactError(f"{path} is a folder, not a .keras file: give the model file")
    keras = import_keras()
    try:
        return keras.saving.load_model(
            str(path), custom_objects=custom_objects, compile=False, safe_mode=not allow_unsafe
        )
    except ValueError as err:
        if "safe_mode" in str(err):
            raise UnsafeModelError(
                f"{path} contains Python code (a Lambda layer) that would run while the model "
                "loads, so it was refused (Keras safe mode). If you trust whoever wrote the "
                "file, load it with allow_unsafe=True (command line: --allow-unsafe)"
            ) from err
        raise ArtifactError(
            f"{path} could not be loaded as a Keras 3 model ({err}); re-save it with "
            "model.save('name.keras') from the code that built it"
        ) from err
    except Exception as err:  # zipfile.BadZipFile, OSError, KeyError ... on damaged files
        raise ArtifactError(
            f"{path} is not a loadable Keras 3 model file ({type(err).__name__}: {err}): the "
            "file is damaged or of another format (legacy .h5 files do not load into Keras 3)"
        ) from err


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_json(obj: Any) -> str:
    """Hex sha256 of the canonical JSON of ``obj`` (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, tuple | set):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot store {type(obj).__name__} in a model record")


def package_versions() -> dict[str, str]:
    """Versions of the packages that decide whether a saved model reloads identically."""
    out = {}
    for name in _VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


class ArtifactWriter:
    """Collects the files of one saved model in a staging folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []

    def _claim(self, name: str) -> Path:
        if "/" in name or name == RECORD or name in self.files:
            raise ValueError(f"invalid or duplicate artifact file name {name!r}")
        self.files.append(name)
        return self.folder / name

    def keras_weights(self, name: str, model: Any) -> None:
        """Save a Keras model's weights as ``name.weights.h5``."""
        model.save_weights(str(self._claim(f"{name}.weights.h5")))

    def keras_model(self, name: str, model: Any) -> None:
        """Save a whole Keras model as ``name.keras``."""
        model.save(str(self._claim(f"{name}.keras")))

    def arrays(self, name: str, **arrays: Any) -> None:
        """Save NumPy arrays as ``name.npz``."""
        np.savez(self._claim(f"{name}.npz"), **{k: np.asarray(v) for k, v in arrays.items()})

    def path(self, name: str) -> Path:
        """A path for any other file (the caller writes it)."""
        return self._claim(name)


class ArtifactReader:
    """Reads the files of a verified saved model."""

    def __init__(self, folder: Path, record: dict[str, Any], allow_unsafe: bool = False) -> None:
        self.folder = folder
        self.record = record
        self.allow_unsafe = allow_unsafe

    def _file(self, name: str) -> Path:
        if name not in self.record["files"]:
            raise ArtifactError(
                f"{self.folder} has no file {name!r} in its record "
                f"(it has {sorted(self.record['files'])}): was it saved by another class?"
            )
        return self.folder / name

    def keras_weights(self, name: str, model: Any) -> Any:
        """Load ``name.weights.h5`` into ``model`` (built with the same architecture)."""
        file = self._file(f"{name}.weights.h5")
        try:
            model.load_weights(str(file))
        except Exception as err:  # h5py OSError, Keras ValueError on a wrong layout
            raise ArtifactError(
                f"{file} could not be read as the Keras weights of this model "
                f"({type(err).__name__}: {err}): the file is damaged or belongs to another "
                "architecture; re-save the model from its training"
            ) from err
        return model

    def keras_model(self, name: str, custom_objects: dict | None = None) -> Any:
        """Load the whole Keras model ``name.keras`` (safe mode, see :func:`load_keras_file`)."""
        return load_keras_file(
            self._file(f"{name}.keras"),
            allow_unsafe=self.allow_unsafe,
            custom_objects=custom_objects,
        )

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """The arrays of ``name.npz`` (no pickled objects are accepted)."""
        file = self._file(f"{name}.npz")
        try:
            with np.load(file, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except Exception as err:  # zipfile.BadZipFile, ValueError (pickled objects) ...
            raise ArtifactError(
                f"{file} could not be read as NumPy arrays ({type(err).__name__}: {err}): the "
                "file is damaged; re-save the model from its training"
            ) from err

    def path(self, name: str) -> Path:
        """Path of any other file of the model."""
        return self._file(name)


@contextmanager
def write_artifact(
    path: str | Path, record: dict[str, Any], *, overwrite: bool = False
) -> Iterator[ArtifactWriter]:
    """Stage a saved model; on success move it to ``path`` with its record.

    The body of the ``with`` block writes files through the yielded writer and
    may add keys to ``record`` (e.g. ``record["state"]``).
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(
            f"{target} already exists: choose another path, or pass overwrite=True to replace it"
        )
    if target.exists() and not (target / RECORD).is_file():
        raise FileExistsError(
            f"{target} exists and is not a saved model: refusing to replace it; choose another path"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes 0700; a saved model is meant to be shared
    try:
        writer = ArtifactWriter(staging)
        yield writer
        record["format"] = FORMAT
        record["versions"] = package_versions()
        record["files"] = {name: sha256_file(staging / name) for name in writer.files}
        record.pop("record_sha256", None)
        record["record_sha256"] = sha256_json(record)
        (staging / RECORD).write_text(
            json.dumps(record, indent=1, sort_keys=True, default=_jsonable) + "\n"
        )
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_artifact(path: str | Path, *, allow_unsafe: bool = False) -> ArtifactReader:
    """Open a saved model after checking the sha256 of its record and every file.

    Parameters
    ----------
    path
        The saved model's folder.
    allow_unsafe
        Let :meth:`ArtifactReader.keras_model` load models with embedded Python
        code (see :func:`load_keras_file`).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ArtifactError
        Not a saved model of this package, or a file was modified, damaged or removed.
    """
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(f"no saved model at {folder}: check the path, or save one first")
    record_path = folder / RECORD
    if not folder.is_dir() or not record_path.is_file():
        raise ArtifactError(
            f"{folder} is not a saved hepml-course model (a folder with {RECORD}); "
            "save models with model.save(path)"
        )
    try:
        record = json.loads(record_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArtifactError(
            f"{record_path} is not valid JSON ({err}): the file is damaged; restore it or "
            "re-save the model from its training"
        ) from err
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ArtifactError(
            f"{record_path} is not a record of format {FORMAT!r}: it was not written by "
            "hepml-course's model.save(path), or it is damaged; re-save the model"
        )
    claimed = record.get("record_sha256")
    body = {k: v for k, v in record.items() if k != "record_sha256"}
    if claimed != sha256_json(body):
        raise ArtifactError(
            f"{record_path} was modified after it was saved (its sha256 does not match "
            "record_sha256): restore it or re-save the model from its training"
        )
    files = record.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        raise ArtifactError(
            f"{record_path} has no valid 'files' table (file name → sha256): the record is "
            "damaged; restore it or re-save the model from its training"
        )
    for name in files:
        if "/" in name or name in ("", ".", "..", RECORD):
            raise ArtifactError(
                f"{record_path} lists the file name {name!r}, which a saved model cannot have: "
                "the record is damaged or forged; re-save the model from its training"
            )
    for name, expected in files.items():
        file = folder / name
        if file.is_dir():
            raise ArtifactError(
                f"{file} is a folder, but the record of {folder} lists it as a file: the copy is "
                "damaged; copy the saved model again"
            )
        if not file.is_file():
            raise ArtifactError(
                f"{folder} lacks {name}, listed in its record: the copy is incomplete; copy "
                "the saved model again (every file) or re-save it from its training"
            )
        actual = sha256_file(file)
        if actual != expected:
            raise ArtifactError(
                f"{file} has sha256 {actual[:12]}…, its record says {expected[:12]}…: the file "
                "was modified or damaged; restore it or re-save the model from its training"
            )
    return ArtifactReader(folder, record, allow_unsafe=allow_unsafe)
