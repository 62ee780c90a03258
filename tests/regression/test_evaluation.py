"""One evaluation for every calibration: binned response/resolution, fit and pulls."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.regression import evaluate


def test_a_perfect_gaussian_calibration_has_unit_response_and_pulls():
    rng = np.random.default_rng(0)
    e = np.exp(rng.uniform(np.log(1), np.log(250), 20_000))
    sigma = e * np.hypot(0.1 / np.sqrt(e), 0.01)
    ev = evaluate(e, e + sigma * rng.normal(size=e.size), sigma)
    assert np.all(np.abs(ev.binned.response - 1) < 0.01)
    assert 0.95 < ev.pull_width < 1.05 and ev.sigma_from_model
    assert 0.09 < ev.fit.stochastic_a < 0.11
    assert set(ev.as_dict()) == {
        "sigma_eff_rel",
        "response",
        "stochastic_a",
        "constant_c",
        "pull_width",
    }


def test_evaluate_refuses_mismatched_lengths():
    e = np.geomspace(1, 250, 100)
    with pytest.raises(ValueError, match="same number of rows"):
        evaluate(e, e[:-1])
    with pytest.raises(ValueError, match="same number of rows"):
        evaluate(e, e, np.ones(3))
