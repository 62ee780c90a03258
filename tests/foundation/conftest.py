"""Shared tiny data and a tiny pre-trained backbone for the foundation tests."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.foundation._contract import toy_jets

#: Small settings that keep every pre-training in the tests to a few seconds.
TINY = {"n_bins": (4, 4, 4), "dim": 16, "heads": 2, "n_blocks": 1, "ffn_mult": 2}
N_PARTICLES = 8


@pytest.fixture(scope="session")
def jets():
    """(JetInputs, labels) of 300 toy jets with 8 constituents."""
    return toy_jets(300, seed=3, n_particles=N_PARTICLES)


@pytest.fixture(scope="session")
def backbone(jets):
    """A tiny backbone pre-trained for 2 epochs on the toy jets."""
    from hepml_course.foundation import pretrain_backbone

    x, _ = jets
    return pretrain_backbone(
        x.particles, x.mask, seed=0, epochs=2, batch_size=64, holdout_fraction=0.1, **TINY
    )


@pytest.fixture(scope="session")
def saved_backbone(backbone, tmp_path_factory):
    """The tiny backbone saved to a folder."""
    path = tmp_path_factory.mktemp("bb") / "backbone"
    backbone.save(path, command="pytest")
    return path


def constituents(n: int = 50, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(particles, mask)`` of ``n`` toy jets (valid layout)."""
    x, _ = toy_jets(n, seed=seed, n_particles=N_PARTICLES)
    return x.particles.copy(), x.mask.copy()
