"""Contract example of the shared models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample
from hepml_course.nn.reweighter import ClassifierReweighter


def _reweighter() -> ContractExample:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (200, 3)), rng.normal(0.5, 1, (200, 3))])
    y = np.repeat([0, 1], 200)
    return ContractExample(ClassifierReweighter(epochs=2, batch_size=64), x, y, verb="weights")


EXAMPLES = {"ClassifierReweighter": _reweighter}
