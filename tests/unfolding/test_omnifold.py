"""OmniFold on the toy: recovery of a shifted truth, the reweighting conventions it
relies on, and the model contract (validation, fitted check, save/load)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.metrics.unfolding import chi2_ndf, normalized_covariance
from hepml_course.nn import ArtifactError, ClassifierReweighter, NotFittedError
from hepml_course.unfolding import OmniFold, histogram
from hepml_course.unfolding.bootstrap import fit_omnifold

from .conftest import make_toy

EDGES = np.linspace(-3.0, 3.5, 14)
FAST = {"hidden": (16, 16), "epochs": 10, "batch_size": 2048, "patience": 2}
TINY = {"hidden": (4,), "epochs": 1, "batch_size": 256, "n_iterations": 1}


@pytest.fixture(scope="module")
def unfolded(toy_pair):
    sim, data = toy_pair
    model = fit_omnifold(OmniFold(n_iterations=2, **FAST), sim, data, seed=3)
    return sim, data, model


@pytest.fixture(scope="module")
def tiny():
    """A small simulation / data pair and a 1-epoch OmniFold fitted on it."""
    sim, data = make_toy(600, seed=5), make_toy(500, 0.3, seed=6)
    return sim, data, fit_omnifold(OmniFold(**TINY), sim, data, seed=1)


def test_weights_recover_the_shifted_truth(unfolded):
    sim, data, model = unfolded
    w = model.weights(sim.gen)
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


# --- the conventions of the shared reweighter that every OmniFold step relies on ---


@pytest.fixture(scope="module")
def gaussians():
    rng = np.random.default_rng(0)
    source = rng.normal([0.0, 0.0], [1.0, 1.0], size=(15_000, 2))
    target = rng.normal([0.4, 0.0], [1.0, 1.2], size=(10_000, 2))
    model = ClassifierReweighter(hidden=(16, 16), epochs=15, batch_size=1024)
    return source, target, model.fit_samples(source, target, seed=1)


def test_reweighting_reproduces_the_target_and_its_normalisation(gaussians):
    source, target, model = gaussians
    w = model.weights(source)
    # Σ w_source · w = Σ w_target: a step keeps the normalisation of its target
    assert w.sum() == pytest.approx(len(target), rel=0.05)
    assert w.max() <= model.max_weight
    assert np.average(source[:, 0], weights=w) == pytest.approx(0.4, abs=0.06)
    assert np.sqrt(np.average(source[:, 1] ** 2, weights=w)) == pytest.approx(1.2, abs=0.06)
    # closure on the classifier's own features: weighted source vs target
    for j in range(2):
        h_w = histogram(source[:, j], EDGES, w)
        sumw2 = histogram(source[:, j], EDGES, w**2)
        h_t = histogram(target[:, j], EDGES)
        h_0 = histogram(source[:, j], EDGES)
        assert chi2_ndf(h_w, h_t, normalized_covariance(h_w, sumw2)) < 3.0
        assert chi2_ndf(h_0, h_t, normalized_covariance(h_0)) > 10.0


def test_event_weights_enter_the_reweighting():
    """Steps 1b and 2 compare the *same* events with two sets of weights."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8000, 1))
    # target = the same events, weighted by exp(x) → ratio ∝ exp(x)
    model = ClassifierReweighter(hidden=(8,), epochs=10, batch_size=1024)
    model.fit_samples(x, x, None, np.exp(x[:, 0]), seed=2)
    w = model.weights(np.array([[-1.0], [1.0]]))
    assert w[1] / w[0] == pytest.approx(np.e**2, rel=0.3)


# --- the model contract ---


def test_weights_before_fit_raise_not_fitted():
    with pytest.raises(NotFittedError, match="fit"):
        OmniFold().weights(np.zeros((3, 2)))


def test_bad_input_is_rejected_before_training():
    sim = make_toy(100, seed=5)
    data = sim.reco[:50]
    fit = OmniFold(**TINY).fit
    with pytest.raises(ValueError, match="same number of rows"):
        fit(sim.gen, sim.reco[:60], data=data)
    with pytest.raises(ValueError, match="same number of rows"):
        fit(sim.gen, sim.reco, data=data, sample_weight=np.ones(99))
    with pytest.raises(ValueError, match="same number of rows"):
        fit(sim.gen, sim.reco, data=data, pass_reco=sim.pass_reco[:10])
    with pytest.raises(ValueError, match="same number of rows"):
        fit(sim.gen, sim.reco, data=data, data_pass_reco=np.ones(49, bool))
    with pytest.raises(ValueError, match="features"):
        fit(sim.gen, sim.reco, data=np.ones((10, 3)))
    with pytest.raises(ValueError, match="NaN"):
        fit(sim.gen, np.where(sim.reco > 1, np.nan, sim.reco), data=data)
    with pytest.raises(ValueError, match="n_iterations"):
        OmniFold(n_iterations=0).fit(sim.gen, sim.reco, data=data)


def test_weights_need_the_fitted_number_of_observables(tiny):
    _, _, model = tiny
    with pytest.raises(ValueError, match="features"):
        model.weights(np.zeros((3, 5)))


def test_nan_values_of_unselected_events_are_ignored(tiny):
    sim, data, _ = tiny
    reco = np.where(sim.pass_reco[:, None], sim.reco, np.nan)
    model = OmniFold(**TINY).fit(
        sim.gen, reco, data=data.reco, pass_gen=sim.pass_gen, pass_reco=sim.pass_reco
    )
    assert np.all(np.isfinite(model.weights(sim.gen)))


def test_fit_is_seeded(tiny):
    sim, data, model = tiny
    again = fit_omnifold(OmniFold(**TINY), sim, data, seed=1)
    other = fit_omnifold(OmniFold(**TINY), sim, data, seed=2)
    assert np.array_equal(model.weights(sim.gen), again.weights(sim.gen))
    assert not np.allclose(model.weights(sim.gen), other.weights(sim.gen))


def test_save_and_load_give_identical_weights(tiny, tmp_path):
    sim, _, model = tiny
    path = model.save(tmp_path / "omnifold")
    loaded = OmniFold.load(path)
    assert loaded.get_params() == model.get_params()
    assert loaded.history_ == model.history_
    assert loaded.seed_ == 1
    assert np.array_equal(loaded.weights(sim.gen), model.weights(sim.gen))


def test_a_tampered_record_is_refused(tiny, tmp_path):
    _, _, model = tiny
    path = model.save(tmp_path / "omnifold")
    record_file = next(p for p in path.iterdir() if p.suffix == ".json")
    record = json.loads(record_file.read_text())
    record["state"]["reweighter"]["state"]["norm"] *= 1.05
    record_file.write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        OmniFold.load(path)


def test_a_tampered_weight_file_is_refused(tiny, tmp_path):
    _, _, model = tiny
    path = model.save(tmp_path / "omnifold")
    weights_file = next(path.glob("*.weights.h5"))
    data = bytearray(weights_file.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip one byte
    weights_file.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="modified or damaged"):
        OmniFold.load(path)
