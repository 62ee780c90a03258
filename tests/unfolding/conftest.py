"""A toy two-level sample with a known truth, for fast unfolding tests."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.unfolding.sample import UnfoldingSample

TOY_OBSERVABLES = ("a", "b")


def make_toy(n: int, shift: float = 0.0, seed: int = 0) -> UnfoldingSample:
    """Correlated Gaussian truth (mean shifted by ``shift``), Gaussian smearing,
    a truth-dependent efficiency (inefficiency at low ``a``) and 3 % fakes."""
    rng = np.random.default_rng(seed)
    cov = [[1.0, 0.5], [0.5, 1.0]]
    gen = rng.multivariate_normal([shift, 0.5 * shift], cov, n)
    reco = gen + rng.normal(0.0, 0.5, gen.shape)
    pass_gen = np.ones(n, bool)
    pass_gen[rng.random(n) < 0.03] = False  # fakes: no particle-level "jet"
    eff = 1.0 / (1.0 + np.exp(-(gen[:, 0] + 2.5) * 2.0))
    pass_reco = rng.random(n) < eff
    pass_reco[~pass_gen] = True
    return UnfoldingSample(gen, reco, pass_gen, pass_reco, observables=TOY_OBSERVABLES)


@pytest.fixture(scope="module")
def toy_pair() -> tuple[UnfoldingSample, UnfoldingSample]:
    """(simulation, pseudo-data): the data's truth is shifted by +0.4."""
    return make_toy(20_000, 0.0, seed=1), make_toy(20_000, 0.4, seed=2)
