"""The one model contract of the package (see ``architecture.md``).

Every model of every chapter derives from :class:`Estimator`:

- ``__init__(self, *, hyper_parameters...)`` stores hyper-parameters only;
- ``fit(X, y=None, *, sample_weight=None, seed=...) -> self``; learned state
  ends in ``_``; :func:`~hepml_course.nn.validation.check_is_fitted` guards the
  outputs;
- one output verb (``predict``, ``predict_proba``, ``score``, ``transform``,
  ``generate``, ``weights``);
- ``save(path)`` / ``load(path)`` through :mod:`hepml_course.nn.artifacts`.

Subclasses implement :meth:`_save_state` and :meth:`_load_state`.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from hepml_course.nn.artifacts import (
    ArtifactError,
    ArtifactReader,
    ArtifactWriter,
    read_artifact,
    write_artifact,
)
from hepml_course.nn.validation import check_is_fitted

E = TypeVar("E", bound="Estimator")


class Estimator:
    """Base class of every model: hyper-parameters, fitted check, save and load."""

    #: Learned attributes that must exist after ``fit`` (checked before outputs).
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("model_",)

    # --- hyper-parameters -------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters given to ``__init__`` (JSON-able)."""
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def _check_is_fitted(self) -> None:
        check_is_fitted(self)

    # --- persistence ------------------------------------------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        """Write the learned files through ``writer``; return the JSON-able learned state."""
        raise NotImplementedError(f"{type(self).__name__} cannot be saved yet")

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        """Restore the learned state written by :meth:`_save_state`."""
        raise NotImplementedError(f"{type(self).__name__} cannot be loaded yet")

    def save(
        self,
        path: str | Path,
        *,
        overwrite: bool = False,
        command: str | None = None,
        seed: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Path:
        """Save the fitted model to the folder ``path``.

        Parameters
        ----------
        path
            Folder to create (its parent is created if needed).
        overwrite
            Replace an existing saved model at ``path`` (never anything else).
        command
            The command that trained the model (stored in the record).
        seed
            The training seed (default: the ``seed_`` attribute set by ``fit``).
        extra
            More JSON-able facts for the record (metrics, data checksums ...).

        Returns
        -------
        pathlib.Path
            The folder written.
        """
        self._check_is_fitted()
        cls = type(self)
        record: dict[str, Any] = {
            "class": f"{cls.__module__}.{cls.__qualname__}",
            "params": self.get_params(),
            "seed": seed if seed is not None else getattr(self, "seed_", None),
            "command": command,
            "extra": extra or {},
        }
        with write_artifact(path, record, overwrite=overwrite) as writer:
            record["state"] = self._save_state(writer)
        return Path(path)

    @classmethod
    def load(cls: type[E], path: str | Path, *, allow_unsafe: bool = False) -> E:
        """Load a model saved by :meth:`save`, after checking every sha256.

        Parameters
        ----------
        path
            The saved model's folder.
        allow_unsafe
            Accept whole Keras models with embedded Python code (``Lambda``
            layers), which runs while loading.  Off by default: such a file is
            refused with :class:`~hepml_course.nn.artifacts.UnsafeModelError`.
        """
        reader = read_artifact(path, allow_unsafe=allow_unsafe)
        record = reader.record
        saved = _resolve_class(record.get("class", ""), path)
        if not issubclass(saved, cls):
            raise ArtifactError(
                f"{path} holds a {saved.__name__}, not a {cls.__name__}: "
                f"load it with {saved.__name__}.load(path) or hepml_course.nn.load_model(path)"
            )
        params, state = record.get("params"), record.get("state")
        if not isinstance(params, dict) or "state" not in record:
            raise ArtifactError(
                f"{path}: its record lacks the hyper-parameters or the learned state: the "
                "record is damaged; re-save the model from its training"
            )
        try:
            obj = saved(**params)
        except TypeError as err:
            raise ArtifactError(
                f"{path} records hyper-parameters that {saved.__name__} does not take ({err}): "
                "it was saved by another version of hepml_course; re-train and re-save it"
            ) from err
        obj._load_state(reader, state)
        obj.seed_ = record.get("seed")
        obj.record_ = {k: v for k, v in record.items() if k not in ("state", "files")}
        return obj


def _resolve_class(qualified: object, path: str | Path) -> type:
    if not isinstance(qualified, str):
        raise ArtifactError(f"{path}: its record names no model class: re-save the model")
    module_name, _, name = qualified.rpartition(".")
    if not module_name.startswith("hepml_course."):
        raise ArtifactError(
            f"{path} names class {qualified!r}, which is not a hepml_course model: load only "
            "models saved by hepml_course's model.save(path); re-save it from its training"
        )
    try:
        saved = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as err:
        raise ArtifactError(
            f"{path} was saved from {qualified}, which this version of hepml_course lacks: "
            "use the hepml_course version recorded in its record, or re-train and re-save it"
        ) from err
    if not (isinstance(saved, type) and issubclass(saved, Estimator)):
        raise ArtifactError(
            f"{path} names {qualified}, which is not a model class: re-save the model"
        )
    return saved


def load_model(path: str | Path, *, allow_unsafe: bool = False) -> Estimator:
    """Load any saved model of the package (its class is read from the record).

    ``allow_unsafe`` as in :meth:`Estimator.load` (off: embedded code is refused).
    """
    return Estimator.load(path, allow_unsafe=allow_unsafe)
