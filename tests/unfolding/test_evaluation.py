"""Bootstrap ensembles, the closure/stress evaluation and the result plots on the toy."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from hepml_course.unfolding.binned import ibu, response_matrix
from hepml_course.unfolding.bootstrap import (
    ibu_ensemble,
    omnifold_ensemble,
    poisson_weights,
    weighted_histograms,
)
from hepml_course.unfolding.evaluation import split_closure, unfold_all
from hepml_course.unfolding.sample import histogram

matplotlib.use("Agg")
EDGES = np.linspace(-3.0, 3.5, 14)
TOY_BINS = {"a": EDGES, "b": EDGES}
FAST = {"hidden": (8,), "epochs": 4, "batch_size": 4096, "patience": 1, "n_iterations": 1}


def test_poisson_weights():
    w = poisson_weights(100_000, np.random.default_rng(0))
    assert w.mean() == pytest.approx(1.0, abs=0.01)
    assert w.var() == pytest.approx(1.0, abs=0.02)


def test_ibu_ensemble_spread(toy_pair):
    sim, data = toy_pair
    nominal, reps = ibu_ensemble(sim, data, "a", EDGES, n_replicas=20, seed=1)
    resp = response_matrix(sim.gen[:, 0], sim.reco[:, 0], sim.pass_gen, sim.pass_reco, EDGES)
    assert np.allclose(nominal, ibu(histogram(data.reco[data.pass_reco, 0], EDGES), resp, 4))
    assert reps.shape == (20, len(EDGES) - 1)
    spread = reps.std(axis=0)
    # bootstrap spread of a well-populated central bin is of the order of √N
    k = np.argmax(nominal)
    assert 0.5 * np.sqrt(nominal[k]) < spread[k] < 5 * np.sqrt(nominal[k])


def test_omnifold_ensemble_and_unfold_all(toy_pair):
    sim, data = toy_pair
    small_sim, small_data = sim.subset(np.arange(6000)), data.subset(np.arange(6000))
    reps = omnifold_ensemble(small_sim, small_data, n_replicas=2, seed=4, **FAST)
    assert reps.shape == (2, 6000)
    assert not np.allclose(reps[0], reps[1])
    h = weighted_histograms(small_sim.gen[:, 0], small_sim.pass_gen, EDGES, reps)
    assert h.shape == (2, len(EDGES) - 1)

    results = unfold_all(
        small_sim,
        small_data,
        ibu_replicas=10,
        seed=2,
        bins=TOY_BINS,
        omnifold_replicas=2,
        central="ensemble",
        **FAST,
    )
    assert set(results) == {"a", "b"}
    for r in results.values():
        assert {"omnifold", "ibu"} <= set(r.unfolded)
        # both methods move towards the truth compared with the prior
        assert r.triangular("ibu") < r.triangular("prior")
        assert r.triangular("omnifold") < r.triangular("prior")
        assert r.chi2_ndf("prior") > r.chi2_ndf("ibu")
        assert np.all(r.uncertainty("omnifold") > 0)

    from hepml_course.unfolding.plots import plot_result

    fig, ax, _rax = plot_result(results["a"], extra={"bin-by-bin": results["a"].prior})
    assert len(ax.get_legend().get_texts()) >= 4
    matplotlib.pyplot.close(fig)


def test_split_closure_halves(toy_pair):
    sim, _ = toy_pair
    a, b = split_closure(sim)
    assert len(a) + len(b) == len(sim)
    assert np.array_equal(a.gen, sim.gen[::2]) and np.array_equal(b.gen, sim.gen[1::2])


def test_unknown_central_value_is_rejected(toy_pair):
    sim, data = toy_pair
    with pytest.raises(ValueError, match="central"):
        unfold_all(sim, data, central="median", bins=TOY_BINS)
