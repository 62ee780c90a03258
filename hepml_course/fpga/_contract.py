"""Contract examples of the FPGA chapter's models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample


def _jets(n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(size=(n, 6)) + y[:, None] * np.linspace(-1, 1, 6)
    return x * 10 + 50, y


def _jet_tagger() -> ContractExample:
    from hepml_course.fpga.taggers import JetTagger

    x, y = _jets()
    model = JetTagger(bits=6, sparsity=0.5, hidden=(8, 8), epochs=1, batch_size=64)
    return ContractExample(model, x, y, verb="predict")


def _hgq_tagger() -> ContractExample:
    from hepml_course.fpga.hgq import HGQTagger

    x, y = _jets()
    model = HGQTagger(beta=1e-5, hidden=(8, 8), epochs=1, batch_size=64)
    return ContractExample(model, x, y, verb="predict")


EXAMPLES = {"JetTagger": _jet_tagger, "HGQTagger": _hgq_tagger}
