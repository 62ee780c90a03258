"""Response matrices, IBU and bin-by-bin on toy samples."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.unfolding.binned import bin_by_bin, forward_fold, ibu, response_matrix
from hepml_course.unfolding.sample import histogram

from .conftest import make_toy

EDGES = np.linspace(-3.0, 3.5, 14)


def _response(sample, j=0):
    return response_matrix(
        sample.gen[:, j], sample.reco[:, j], sample.pass_gen, sample.pass_reco, EDGES
    )


def _reco(sample, j=0):
    return histogram(sample.reco[sample.pass_reco, j], EDGES)


def _truth(sample, j=0):
    return histogram(sample.gen[sample.pass_gen, j], EDGES)


def test_response_properties():
    sim = make_toy(20_000, seed=1)
    resp = _response(sim)
    assert resp.migration.shape == (13, 13)
    assert np.all((resp.efficiency > 0) & (resp.efficiency <= 1 + 1e-12))
    assert resp.efficiency[0] < resp.efficiency[-1]  # the toy loses low-a events
    assert 0.0 < resp.fake_fraction.mean() < 0.1
    assert np.all((resp.purity >= 0) & (resp.purity <= 1))
    # folding the simulated truth gives back the simulated reco spectrum
    assert np.allclose(forward_fold(resp.truth, resp), resp.reco)


def test_ibu_closure_on_the_same_sample_is_exact():
    sim = make_toy(20_000, seed=1)
    resp = _response(sim)
    assert np.allclose(ibu(_reco(sim), resp, 5), _truth(sim), rtol=1e-9)
    assert np.allclose(bin_by_bin(_reco(sim), resp), _truth(sim))


def test_ibu_moves_from_the_prior_to_the_truth():
    sim, data = make_toy(40_000, 0.0, seed=1), make_toy(40_000, 0.5, seed=2)
    resp = _response(sim)
    centers = 0.5 * (EDGES[1:] + EDGES[:-1])
    true_mean = np.average(centers, weights=_truth(data))
    prior_mean = np.average(centers, weights=resp.truth)
    unfolded = ibu(_reco(data), resp, 4)
    assert abs(np.average(centers, weights=unfolded) - true_mean) < 0.2 * (true_mean - prior_mean)
    assert unfolded.sum() == pytest.approx(_truth(data).sum(), rel=0.03)
    # zero iterations = the prior (scaled); bin-by-bin is pulled towards the simulation
    zero = ibu(_reco(data), resp, 0)
    assert np.allclose(zero / zero.sum(), resp.truth / resp.truth.sum())
    bbb = bin_by_bin(_reco(data), resp)
    assert abs(np.average(centers, weights=bbb) - true_mean) > abs(
        np.average(centers, weights=unfolded) - true_mean
    )


def test_bad_input():
    sim = make_toy(1000, seed=1)
    resp = _response(sim)
    with pytest.raises(ValueError, match="bins"):
        ibu(np.ones(5), resp)
    with pytest.raises(ValueError, match="same length"):
        response_matrix(sim.gen[:10, 0], sim.reco[:, 0], sim.pass_gen, sim.pass_reco, EDGES)
