"""Fixtures of the FPGA tests: a toy dataset and small trained taggers (session-scoped)."""

from __future__ import annotations

import pytest

from hepml_course.fpga.tools import which
from tests.fpga.toy import toy_jets


@pytest.fixture(scope="session")
def toy_data():
    """(x_train, y_train, x_test, y_test) of the toy 16-feature, 5-class data."""
    x, y = toy_jets(6000, seed=1)
    return x[:4000], y[:4000], x[4000:], y[4000:]


@pytest.fixture(scope="session")
def small_q6(toy_data):
    """A QKeras-API 6-bit, 50 %-pruned tagger (16 → 8 → 8 → 8 → 5) trained on the toy data."""
    from hepml_course.fpga.taggers import JetTagger

    x_train, y_train, _, _ = toy_data
    model = JetTagger(bits=6, sparsity=0.5, hidden=(8, 8, 8), epochs=10, batch_size=128)
    return model.fit(x_train, y_train, seed=3)


@pytest.fixture(scope="session")
def small_float(toy_data):
    """A float tagger (16 → 16 → 16 → 16 → 5) trained on the toy data."""
    from hepml_course.fpga.taggers import JetTagger

    x_train, y_train, _, _ = toy_data
    model = JetTagger(hidden=(16, 16, 16), epochs=5, batch_size=128)
    return model.fit(x_train, y_train, seed=1)


def need(tool: str) -> None:
    """Skip the calling test when ``tool`` is not installed, naming it."""
    if which(tool) is None:
        pytest.skip(f"{tool} is not installed")
