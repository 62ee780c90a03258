"""The chapter's study on the toy with a known likelihood: observable choice, toys, coverage."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference import TemplateFit, coverage_study, template_widths
from hepml_course.inference.sample import EventShapeSample, split
from tests.inference.conftest import GRID, THETA_TRUE, sample

NAMES = ("x1", "x2", "x3")


@pytest.fixture(scope="module")
def toy_samples(training_set):
    x, theta, _ = training_set
    grid = EventShapeSample(x, theta, NAMES)
    train, validation = split(grid, 0.25, seed=0)
    pseudo = EventShapeSample(
        sample(THETA_TRUE, 120_000, np.random.default_rng(7)), np.full(120_000, THETA_TRUE), NAMES
    )
    return train, validation, pseudo


def test_template_widths_rank_the_observables_by_information(toy_samples):
    train, validation, _ = toy_samples
    widths = template_widths(train, validation, value=1.1, toy_size=500, bins=15, seed=0)
    # Fisher information per event at θ = 1.1: x2 1, x1 1/θ² = 0.83, x3 0
    assert widths["x2"] < widths["x1"] < widths["x3"]
    assert widths["x3"] == float("inf") or widths["x3"] > 3 * widths["x2"]
    expected_x2 = 2 / np.sqrt(500 * 1.0)  # ± 1σ of an efficient estimator
    assert widths["x2"] == pytest.approx(expected_x2, rel=0.15)


def test_coverage_study_compares_both_methods_on_the_same_toys(toy_samples, trained):
    train, _, pseudo = toy_samples
    template = TemplateFit(bins=15).fit(train.column("x1"), train.theta)
    grid = np.linspace(GRID[0], GRID[-1], 41)
    study = coverage_study(
        trained, template, "x1", pseudo, theta_grid=grid, n_toys=120, toy_size=1000, seed=3
    )
    assert study.template.n_toys == study.learned.n_toys == 120
    assert study.template.true_value == pytest.approx(THETA_TRUE)
    # all three features vs x1 alone: √(I_x1 / I_all) = √(0.907 / 1.907) = 0.69
    assert study.width_ratio_68 == pytest.approx(0.69, abs=0.07)
    for result in (study.template, study.learned):
        # 120 toys: binomial σ ≈ 0.043 on a 68 % coverage; ±0.12 is ~2.8σ
        assert 0.56 <= result.coverage68 <= 0.80
        assert result.n_failed <= 2
    again = coverage_study(
        trained, template, "x1", pseudo, theta_grid=grid, n_toys=120, toy_size=1000, seed=3
    )
    assert np.array_equal(again.learned.estimates, study.learned.estimates)


def test_pseudo_data_must_come_from_one_value(toy_samples, trained):
    train, _, _ = toy_samples
    template = TemplateFit(bins=15).fit(train.column("x1"), train.theta)
    with pytest.raises(ValueError, match="one θ value"):
        coverage_study(trained, template, "x1", train, theta_grid=GRID, n_toys=2, toy_size=10)
