"""The unfolding chapter's exercise checks: right answers pass, `...` and wrong answers fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import unfolding as exercise
from hepml_course.unfolding import BINS, UnfoldingSample, histogram, response_matrix


@pytest.fixture(scope="module")
def toy() -> UnfoldingSample:
    """A small sample: reco = gen smeared, ~10 % inefficiency, a few fakes."""
    rng = np.random.default_rng(0)
    n = 4000
    gen = np.column_stack(
        [
            rng.gamma(4.0, 3.0, n),  # mass
            rng.integers(0, 56, n).astype(float),  # mult
            rng.uniform(0, 0.2, n),  # width
            rng.uniform(0.2, 1.0, n),  # tau21
            rng.uniform(0.0, 0.5, n),  # zg
            rng.uniform(-9, -2, n),  # lnrho
        ]
    )
    reco = gen * rng.normal(0.9, 0.1, gen.shape)
    pass_gen = rng.random(n) < 0.97
    pass_reco = rng.random(n) < 0.9
    return UnfoldingSample(gen, reco, pass_gen, pass_reco)


def test_same_bin_fraction(toy):
    both = toy.pass_gen & toy.pass_reco
    edges = BINS["mult"]
    last = len(edges) - 1
    gen = np.clip(np.digitize(toy.column("mult", "gen")[both], edges), 1, last)
    reco = np.clip(np.digitize(toy.column("mult", "reco")[both], edges), 1, last)
    right = float(np.mean(gen == reco))
    assert 0 < right < 1
    exercise.check_same_bin_fraction(right, toy)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_same_bin_fraction(..., toy)
    with pytest.raises(ExerciseWrong):
        exercise.check_same_bin_fraction(right * 1.2, toy)


def test_best_iterations(toy):
    edges = BINS["mult"]
    resp = response_matrix(
        toy.column("mult", "gen"), toy.column("mult", "reco"), toy.pass_gen, toy.pass_reco, edges
    )
    data_reco = histogram(toy.column("mult", "reco")[toy.pass_reco], edges) * 1.1
    truth = histogram(toy.column("mult", "gen")[toy.pass_gen], edges)
    best = exercise.best_ibu_iterations(data_reco, truth, resp)
    assert best in exercise.IBU_ITERATIONS
    exercise.check_best_iterations(best, data_reco, truth, resp)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_best_iterations(..., data_reco, truth, resp)
    other = next(n for n in exercise.IBU_ITERATIONS if n != best)
    with pytest.raises(ExerciseWrong):
        exercise.check_best_iterations(other, data_reco, truth, resp)


def test_unfolded_fraction(toy):
    nu = np.random.default_rng(1).uniform(0.5, 1.5, len(toy))
    g = toy.pass_gen
    region = (toy.column("tau21")[g] < 0.5) & (toy.column("zg")[g] > 0.2)
    right = float(np.average(region, weights=nu[g]))
    exercise.check_unfolded_fraction(right, toy, nu)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_unfolded_fraction(..., toy, nu)
    with pytest.raises(ExerciseWrong):
        exercise.check_unfolded_fraction(float(region.mean()) + 0.01, toy, nu)
