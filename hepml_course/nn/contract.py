"""Checks of the one model contract, used by ``python -m hepml_course.bench contract``.

Each chapter package lists a tiny, fast example per exported model class in
its private module ``_contract.py`` (``EXAMPLES: dict[str, Callable[[], ContractExample]]``).
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.nn.base import Estimator
from hepml_course.nn.validation import NotFittedError

#: The output verbs of the contract.
VERBS = ("predict", "predict_proba", "score", "transform", "generate", "weights")


@dataclass
class ContractExample:
    """How to exercise one model class on tiny data.

    Attributes
    ----------
    model
        An unfitted instance with small, fast hyper-parameters.
    X, y
        Fit inputs (``y`` may be ``None`` for unsupervised models).
    verb
        The output method (one of :data:`VERBS`).
    verb_args, verb_kwargs
        Its arguments (default: ``(X,)``); include a fixed seed for random outputs.
    fit_kwargs
        Extra keyword arguments of ``fit`` (always given ``seed=0``).
    """

    model: Estimator
    X: Any
    y: Any = None
    verb: str = "predict"
    verb_args: tuple | None = None
    verb_kwargs: dict[str, Any] = field(default_factory=dict)
    fit_kwargs: dict[str, Any] = field(default_factory=dict)


def _shorter(a: Any) -> Any:
    if isinstance(a, dict):
        return {k: _shorter(v) for k, v in a.items()}
    if isinstance(a, list | tuple):
        return type(a)(_shorter(v) for v in a)
    return a[: max(1, len(a) // 2)]


def _output(ex: ContractExample, model: Estimator) -> Any:
    args = ex.verb_args if ex.verb_args is not None else (ex.X,)
    return getattr(model, ex.verb)(*args, **ex.verb_kwargs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def check(ex: ContractExample, public_names: list[str] | None = None) -> dict[str, bool]:
    """Run the contract checks on one example; every value should be ``True``.

    Returns
    -------
    dict
        ``fit_returns_self``, ``not_fitted_error``, ``save_load_identical``,
        ``length_mismatch_error``, ``public``.
    """
    cls = type(ex.model)
    out: dict[str, bool] = {}
    sig = inspect.signature(cls.__init__)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    out["public"] = bool(
        cls.__doc__
        and ex.verb in VERBS
        and all(p.kind is p.KEYWORD_ONLY for p in params)
        and (public_names is None or cls.__name__ in public_names)
    )
    try:
        _output(ex, ex.model)
        out["not_fitted_error"] = False
    except NotFittedError:
        out["not_fitted_error"] = True
    except Exception:
        out["not_fitted_error"] = False
    # a shorter y (or, unsupervised, shorter weights) must be refused before training
    fresh = cls(**ex.model.get_params())
    try:
        if ex.y is not None:
            fresh.fit(ex.X, _shorter(ex.y), seed=0, **ex.fit_kwargs)
        else:
            fresh.fit(ex.X, sample_weight=np.ones(max(1, len(ex.X) // 2)), seed=0, **ex.fit_kwargs)
        out["length_mismatch_error"] = False
    except ValueError:
        out["length_mismatch_error"] = True
    except Exception:
        out["length_mismatch_error"] = False
    fitted = ex.model.fit(ex.X, ex.y, seed=0, **ex.fit_kwargs)
    out["fit_returns_self"] = fitted is ex.model
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model"
        ex.model.save(path)
        again = cls.load(path)
        out["save_load_identical"] = _same(_output(ex, ex.model), _output(ex, again))
    return out


def collect(
    packages: list[str],
) -> dict[str, tuple[type, Callable[[], ContractExample] | None, list[str]]]:
    """Every exported :class:`Estimator` subclass of ``packages``, with its example (or None)."""
    import importlib

    found = {}
    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        public = list(getattr(pkg, "__all__", []))
        try:
            examples = importlib.import_module(f"{pkg_name}._contract").EXAMPLES
        except ModuleNotFoundError:
            examples = {}
        for name in public:
            obj = getattr(pkg, name)
            if isinstance(obj, type) and issubclass(obj, Estimator) and obj is not Estimator:
                short = pkg_name.rsplit(".", 1)[-1]
                found[f"{short}.{name}"] = (obj, examples.get(name), public)
    return found
