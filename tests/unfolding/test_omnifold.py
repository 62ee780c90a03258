"""OmniFold on the toy: closure on simulation and recovery of a shifted truth."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics.unfolding import chi2_ndf, normalized_covariance
from hepml_course.unfolding.omnifold import OmniFold
from hepml_course.unfolding.sample import histogram

EDGES = np.linspace(-3.0, 3.5, 14)
FAST = {"hidden": (16, 16), "epochs": 10, "batch_size": 2048, "patience": 2}


@pytest.fixture(scope="module")
def unfolded(toy_pair):
    sim, data = toy_pair
    model = OmniFold(n_iterations=2, seed=3, **FAST).fit(sim, data.reco, data.pass_reco)
    return sim, data, model


def test_weights_recover_the_shifted_truth(unfolded):
    sim, data, model = unfolded
    w = model.weights_
    assert w.shape == (len(sim),)
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert len(model.history_) == 2
    m, dm = sim.pass_gen, data.pass_gen
    for j, shift in enumerate((0.4, 0.2)):
        true_mean = data.gen[dm, j].mean()
        prior_mean = sim.gen[m, j].mean()
        assert true_mean - prior_mean == pytest.approx(shift, abs=0.05)
        unf_mean = np.average(sim.gen[m, j], weights=w[m])
        assert abs(unf_mean - true_mean) < 0.25 * abs(true_mean - prior_mean)
        h_u = histogram(sim.gen[m, j], EDGES, w[m])
        h_t = histogram(data.gen[dm, j], EDGES)
        h_p = histogram(sim.gen[m, j], EDGES)
        cov = normalized_covariance(h_u, histogram(sim.gen[m, j], EDGES, w[m] ** 2))
        assert chi2_ndf(h_u, h_t, cov) < 0.2 * chi2_ndf(h_p, h_t, normalized_covariance(h_p))
    # the number of particle-level events is recovered (efficiency correction)
    assert w[m].sum() == pytest.approx(dm.sum(), rel=0.05)


def test_bad_shapes():
    from .conftest import make_toy

    sim = make_toy(100, seed=5)
    with pytest.raises(ValueError, match="data_reco"):
        OmniFold(n_iterations=1).fit(sim, np.ones((10, 3)))
    with pytest.raises(ValueError, match="n_iterations"):
        OmniFold(n_iterations=0).fit(sim, np.ones((10, 2)))
