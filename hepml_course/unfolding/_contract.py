"""Contract example of the unfolding models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample
from hepml_course.unfolding.omnifold import OmniFold


def _omnifold() -> ContractExample:
    rng = np.random.default_rng(0)
    gen = rng.normal(0.0, 1.0, (300, 2))
    reco = gen + rng.normal(0.0, 0.5, gen.shape)
    pass_reco = rng.random(300) < 0.9
    data_gen = rng.normal(0.3, 1.0, (300, 2))
    data = data_gen + rng.normal(0.0, 0.5, data_gen.shape)
    model = OmniFold(n_iterations=1, hidden=(8,), epochs=1, batch_size=128)
    return ContractExample(
        model,
        gen,
        reco,
        verb="weights",
        fit_kwargs={"data": data, "pass_reco": pass_reco},
    )


EXAMPLES = {"OmniFold": _omnifold}
