"""Lazy public API of a chapter package (PEP 562): import-time cheap, no side effects.

Each chapter ``__init__`` declares its public names and the submodule that
defines each; a name is imported the first time it is used, so
``import hepml_course.<chapter>`` never imports TensorFlow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attach(
    package: str, exports: dict[str, str | None]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return ``(__getattr__, __dir__, __all__)`` for ``package``.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Public name → submodule (relative to ``package``) that defines it;
        ``None`` exports the submodule of that name itself.
    """
    public = sorted(exports)
    shadowed = sorted(name for name, where in exports.items() if where == name)
    if shadowed:
        # importing the submodule would set the package attribute to the module
        raise ValueError(
            f"{package}: {shadowed} would be shadowed by the submodule of the same name; "
            "rename the submodule"
        )

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(
                f"module {package!r} has no public name {name!r}; it exports {public}"
            )
        where = exports[name]
        if where is None:
            return importlib.import_module(f"{package}.{name}")
        return getattr(importlib.import_module(f"{package}.{where}"), name)

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
