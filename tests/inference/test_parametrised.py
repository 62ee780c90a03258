"""ParametrisedClassifier on the toy with a known likelihood (see conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference import (
    ExtrapolationWarning,
    ParametrisedClassifier,
    TemplateFit,
    profile_scan,
)
from hepml_course.metrics.calibration import expected_calibration_error
from hepml_course.nn import NotFittedError, load_model

from .conftest import THETA_REF, THETA_TRUE, exact_log_ratio, fisher_information, sample

SCAN = np.linspace(0.8, 1.2, 41)
N_DATA = 1000


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    """One pseudo-experiment at the unseen θ = 1.05."""
    return sample(THETA_TRUE, N_DATA, np.random.default_rng(3))


def test_learned_log_ratio_agrees_with_the_exact_one(trained):
    x = sample(THETA_TRUE, 5000, np.random.default_rng(4))
    unseen = np.array([0.85, 0.95, 1.05, 1.15])
    learned = trained.log_ratio(x, unseen)
    exact = exact_log_ratio(x, unseen)
    assert learned.shape == (4, 5000)
    assert np.corrcoef(learned.ravel(), exact.ravel())[0, 1] >= 0.95
    # also at each θ alone (the event-by-event ordering), away from θ_ref
    for row_l, row_e in zip(learned[[0, 3]], exact[[0, 3]], strict=True):
        assert np.corrcoef(row_l, row_e)[0, 1] >= 0.95
    raw = trained.log_ratio(x, unseen, normalised=False)
    assert np.corrcoef(raw.ravel(), exact.ravel())[0, 1] >= 0.95


def test_learned_measurement_agrees_with_the_exact_likelihood(trained, data):
    learned = trained.measure(data, SCAN)
    exact = profile_scan(SCAN, -exact_log_ratio(data, SCAN).sum(axis=1))
    sigma = 1.0 / np.sqrt(N_DATA * fisher_information(THETA_TRUE))
    assert exact.width68 / 2 == pytest.approx(sigma, rel=0.05)
    # the network's own error (trained on 20k events per θ) shifts θ̂ by ≈ 0.2–0.5σ
    assert learned.estimate == pytest.approx(exact.estimate, abs=0.75 * sigma)
    assert learned.contains(exact.estimate)
    assert learned.width68 == pytest.approx(exact.width68, rel=0.15)
    assert learned.contains(THETA_TRUE, cl=0.95)


def test_learned_interval_is_narrower_than_the_single_observable_template_fit(
    trained, training_set, data
):
    """x2 carries as much information as x1: the learned width should be ≈ 0.7× the template's."""
    x, theta, _ = training_set
    template = TemplateFit(bins=20).fit(x[:, 0], theta).measure(data[:, 0])
    learned = trained.measure(data, SCAN)
    ratio = learned.width68 / template.width68
    expected = np.sqrt((1 / THETA_TRUE**2) / fisher_information(THETA_TRUE))
    assert ratio < 0.85
    assert ratio == pytest.approx(expected, rel=0.15)


def test_calibration_normalises_the_ratio_on_an_independent_reference(trained):
    fresh = sample(THETA_REF, 100_000, np.random.default_rng(9))
    theta = np.array([0.85, 1.05, 1.15])
    mean_ratio = np.exp(trained.log_ratio(fresh, theta)).mean(axis=1)
    assert mean_ratio == pytest.approx(np.ones(3), abs=0.01)
    assert trained.log_norm_.shape == (41,) and trained.log_norm_theta_[0] == 0.8


def test_the_classifier_is_calibrated_and_a_tempered_one_is_not(trained):
    n = 50_000
    at = sample(1.2, n, np.random.default_rng(5))
    ref = sample(THETA_REF, n, np.random.default_rng(6))
    y = np.concatenate([np.ones(n), np.zeros(n)])
    s = np.concatenate([trained.predict_proba(at, 1.2), trained.predict_proba(ref, 1.2)])
    assert expected_calibration_error(y, s, bins=10) < 0.015
    logit = np.log(s / (1 - s))
    tempered = 1 / (1 + np.exp(-3 * logit))  # over-confident by a factor 3 in the log-ratio
    assert expected_calibration_error(y, tempered, bins=10) > 0.05


def test_save_and_load_give_the_same_ratio(trained, tmp_path, data):
    trained.save(tmp_path / "clf")
    again = load_model(tmp_path / "clf")
    assert isinstance(again, ParametrisedClassifier)
    assert again.theta_range_ == trained.theta_range_ and again.n_features_ == 3
    assert np.array_equal(again.log_norm_, trained.log_norm_)
    assert np.array_equal(again.log_ratio(data, SCAN), trained.log_ratio(data, SCAN))


def test_large_inputs_are_evaluated_in_blocks_with_the_same_result(trained, data, monkeypatch):
    import hepml_course.inference.parametrised as module

    whole = trained.log_ratio(data, SCAN)
    monkeypatch.setattr(module, "_MAX_ROWS", 41 * 300 + 7)  # blocks of 300 events
    assert np.allclose(trained.log_ratio(data, SCAN), whole, rtol=1e-6, atol=1e-6)


def _small(training_set, seed):
    x, theta, reference = training_set
    rows = np.random.default_rng(0).choice(len(x), 3000, replace=False)
    model = ParametrisedClassifier(hidden=(16,), epochs=2, batch_size=256)
    return model.fit(x[rows], theta[rows], reference=reference[:3000], seed=seed)


def test_same_seed_same_ratio(training_set, data):
    a = _small(training_set, seed=4).log_ratio(data[:200], [0.9, 1.1])
    b = _small(training_set, seed=4).log_ratio(data[:200], [0.9, 1.1])
    c = _small(training_set, seed=5).log_ratio(data[:200], [0.9, 1.1])
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_theta_outside_the_trained_range_is_refused_or_warned(trained, data):
    with pytest.raises(ValueError, match=r"outside the trained range \[0.8, 1.2\]"):
        trained.log_ratio(data, [1.0, 1.3])
    with pytest.raises(ValueError, match="extrapolate=True"):
        trained.predict_proba(data, 0.7)
    with pytest.raises(ValueError, match="outside the trained range"):
        trained.measure(data, np.linspace(0.9, 1.4, 11))
    with pytest.warns(ExtrapolationWarning, match="extrapolation"):
        out = trained.log_ratio(data, [1.0, 1.3], extrapolate=True)
    assert out.shape == (2, N_DATA) and np.all(np.isfinite(out))


def test_bad_input_raises_clear_errors(trained, training_set, data):
    x, theta, reference = training_set
    with pytest.raises(NotFittedError, match="fit"):
        ParametrisedClassifier().log_ratio(data, [1.0])
    with pytest.raises(ValueError, match="3 features"):
        trained.log_ratio(data[:, :2], [1.0])  # an observable missing
    bad = data.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        trained.nll(bad, SCAN)
    with pytest.raises(ValueError, match="same number of rows"):
        ParametrisedClassifier().fit(x[:10], theta[:9], reference=reference[:10])
    with pytest.raises(ValueError, match="reference must have 3 features"):
        ParametrisedClassifier().fit(x[:10], theta[:10], reference=reference[:10, :2])
    with pytest.raises(ValueError, match="single value"):
        ParametrisedClassifier().fit(x[:10], np.ones(10), reference=reference[:10])
    with pytest.raises(ValueError, match="one value per row"):
        trained.predict_proba(data, np.ones(7))
    with pytest.raises(ValueError, match="strictly increasing"):
        trained.measure(data, SCAN[::-1])
    with pytest.raises(ValueError, match="n_points"):
        trained.calibrate(reference[:100], n_points=2)


def test_log_features_are_used_by_every_output(training_set, tmp_path):
    """ln-transformed inputs: predict_proba, log_ratio and a reloaded model agree."""
    x, theta, reference = training_set
    model = ParametrisedClassifier(hidden=(16,), epochs=2, batch_size=4096, log_features=(0,))
    model.fit(x[::10], theta[::10], reference=reference[::10], seed=0)
    s = model.predict_proba(x[:50], 1.0)
    raw = model.log_ratio(x[:50], np.array([1.0]), normalised=False)[0]
    assert np.allclose(np.log(s / (1 - s)), raw, atol=1e-5)
    again = ParametrisedClassifier.load(model.save(tmp_path / "m"))
    assert again.log_features == (0,)
    assert np.allclose(again.predict_proba(x[:50], 1.0), s, atol=1e-6)
    with pytest.raises(ValueError, match="not column indices"):
        ParametrisedClassifier(log_features=(7,)).fit(x[:100], theta[:100], reference=x[:100])
