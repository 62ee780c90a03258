"""The generators by name: ``vae``, ``gan``, ``flow_matching`` (imported lazily)."""

from __future__ import annotations

import importlib
from typing import Any

#: Generator name → "module:Class".
GENERATORS: dict[str, str] = {
    "vae": "hepml_course.generative.vae:ConditionalVAE",
    "gan": "hepml_course.generative.gan:WassersteinGAN",
    "flow_matching": "hepml_course.generative.flow_matching:FlowMatching",
    "distilled": "hepml_course.generative.distilled:DistilledFlow",
}


def generator_class(name: str) -> type:
    """The generator class registered as ``name`` (``vae``, ``gan``, ``flow_matching``)."""
    if name not in GENERATORS:
        raise KeyError(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    module, cls = GENERATORS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_generator(name: str, **params: Any) -> Any:
    """A fresh, unfitted generator ``name`` with the given keyword hyper-parameters."""
    return generator_class(name)(**params)
