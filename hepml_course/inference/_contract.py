"""Contract example of the inference models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.inference.parametrised import ParametrisedClassifier
from hepml_course.inference.templates import TemplateFit
from hepml_course.nn.contract import ContractExample


def _parametrised() -> ContractExample:
    rng = np.random.default_rng(0)
    theta = np.repeat([0.8, 1.0, 1.2], 100)
    x = rng.exponential(1.0 / theta[:, None], (300, 2))
    reference = rng.exponential(1.0, (300, 2))
    model = ParametrisedClassifier(hidden=(8,), epochs=1, batch_size=128)
    return ContractExample(
        model,
        x,
        theta,
        verb="predict_proba",
        verb_args=(x, 0.9),
        fit_kwargs={"reference": reference},
    )


def _template() -> ContractExample:
    rng = np.random.default_rng(0)
    theta = np.repeat([0.8, 1.0, 1.2], 200)
    x = rng.exponential(1.0 / theta)
    return ContractExample(
        TemplateFit(bins=8), x, theta, verb="predict", verb_args=(np.array([0.9, 1.1]),)
    )


EXAMPLES = {"ParametrisedClassifier": _parametrised, "TemplateFit": _template}
