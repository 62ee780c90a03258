"""Contract examples of the systematics chapter's models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample
from hepml_course.systematics.decorrelation import DecorrelatedTagger
from hepml_course.systematics.domain import DomainAdversarialTagger
from hepml_course.systematics.ensemble import DeepEnsemble, MCDropoutTagger
from hepml_course.systematics.parametrised import ParametrisedTagger
from hepml_course.systematics.tagger import BinaryTagger

NAMES = ("shape", "mass")


def _jets(n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Toy jets: a shape feature and a mass (GeV) that both separate the classes."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], n // 2)
    mass = np.where(y == 1, rng.normal(80, 10, n), rng.uniform(10, 200, n))
    return np.stack([rng.normal(y, 1.0), mass], axis=1).astype(np.float32), y, mass


def _binary() -> ContractExample:
    x, y, _ = _jets()
    return ContractExample(
        BinaryTagger(feature_names=NAMES, hidden=(8,), epochs=2), x, y, verb="predict_proba"
    )


def _decorrelated() -> ContractExample:
    x, y, mass = _jets()
    model = DecorrelatedTagger(
        method="disco",
        feature_names=NAMES,
        hidden=(8,),
        epochs=2,
        min_epochs=2,
        pretrain_epochs=1,
        batch_size=128,
    )
    return ContractExample(model, x, y, verb="predict_proba", fit_kwargs={"mass_gev": mass})


def _parametrised() -> ContractExample:
    x, y, _ = _jets()
    nuisance = np.tile([0.9, 1.1], len(y) // 2)
    model = ParametrisedTagger(feature_names=NAMES, hidden=(8,), epochs=2)
    return ContractExample(
        model,
        x,
        y,
        verb="predict_proba",
        verb_kwargs={"nuisance": 1.0},
        fit_kwargs={"nuisance": nuisance},
    )


def _ensemble() -> ContractExample:
    x, y, _ = _jets()
    model = DeepEnsemble(n_members=2, feature_names=NAMES, hidden=(8,), epochs=2)
    return ContractExample(model, x, y, verb="predict_proba")


def _mc_dropout() -> ContractExample:
    x, y, _ = _jets()
    model = MCDropoutTagger(n_samples=4, feature_names=NAMES, hidden=(8,), epochs=2)
    return ContractExample(model, x, y, verb="predict_proba", verb_kwargs={"seed": 0})


def _domain() -> ContractExample:
    x, y, _ = _jets()
    model = DomainAdversarialTagger(
        feature_names=NAMES, hidden=(8,), domain_hidden=(8,), epochs=2, min_epochs=1
    )
    return ContractExample(
        model, x, y, verb="predict_proba", fit_kwargs={"x_target": x + np.float32(0.5)}
    )


EXAMPLES = {
    "BinaryTagger": _binary,
    "DecorrelatedTagger": _decorrelated,
    "DeepEnsemble": _ensemble,
    "DomainAdversarialTagger": _domain,
    "MCDropoutTagger": _mc_dropout,
    "ParametrisedTagger": _parametrised,
}
