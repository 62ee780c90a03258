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
    """A small QKeras 6-bit, 50 %-pruned tagger (16 → 8 → 8 → 8 → 5) trained on the toy data."""
    from hepml_course.fpga.models import TaggerSpec, train_tagger

    x_train, y_train, _, _ = toy_data
    spec = TaggerSpec(bits=6, hidden=(8, 8, 8))
    return train_tagger(spec, x_train, y_train, sparsity=0.5, epochs=10, batch_size=128, seed=3)


def need(tool: str) -> None:
    """Skip the calling test when ``tool`` is not installed, naming it."""
    if which(tool) is None:
        pytest.skip(f"{tool} is not installed")
