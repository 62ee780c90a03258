"""The check functions of chapter 5's exercises: right answers pass, `...` and wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import generative as exercise
from hepml_course.metrics import generative as gm
from tests.generative.toy import GEOMETRY, toy_showers


class ToyGenerator:
    """Duck-typed stand-in for the flow-matching generator: wider showers with fewer steps."""

    def __init__(self) -> None:
        self.n_steps = 8

    def generate(self, e_inc_gev: np.ndarray, *, seed: int = 0) -> np.ndarray:
        scale = 1.0 + 0.15 * (8 - self.n_steps)
        return toy_showers(len(e_inc_gev), seed=100 + seed, width_scale=scale, e_inc_gev=e_inc_gev)[
            0
        ]


@pytest.fixture(scope="module")
def reference():
    return toy_showers(400, seed=0)


def _learner_auc(generator, voxels, e_inc, n_steps, seed=1):
    """What the exercise asks for, done as a learner would."""
    generator.n_steps = n_steps
    fast = generator.generate(e_inc, seed=seed)
    generator.n_steps = 8
    return gm.metric_summary(voxels, e_inc, fast, e_inc, GEOMETRY, low_level=False)[
        "auc_high_level"
    ]


def test_fewer_steps_auc(reference, capsys):
    voxels, e_inc = reference
    generator = ToyGenerator()
    right = _learner_auc(generator, voxels, e_inc, n_steps=3)
    eight = _learner_auc(generator, voxels, e_inc, n_steps=8)
    assert abs(right - eight) > 0.05, "the toy must make the number of steps matter"
    exercise.check_fewer_steps_auc(right, generator, voxels, e_inc, GEOMETRY)
    assert "✓" in capsys.readouterr().out
    assert generator.n_steps == 8, "the check must restore the generator's steps"
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_fewer_steps_auc(..., generator, voxels, e_inc, GEOMETRY)
    for wrong in (eight, 0.5):  # forgot to change the steps; a wrong literal
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_fewer_steps_auc(wrong, generator, voxels, e_inc, GEOMETRY)
        assert f"{right:.3f}" not in str(info.value), "the message must not reveal the answer"
    assert generator.n_steps == 8


def test_pair_correlation(reference, capsys):
    voxels, e_inc = reference
    ref = gm.high_level_features(voxels, e_inc, GEOMETRY)
    names = gm.informative_features(ref)
    x_ref, _ = gm.feature_matrix(ref, names)
    gen = gm.high_level_features(
        toy_showers(400, seed=7, width_scale=1.3)[0], toy_showers(400, seed=7)[1], GEOMETRY
    )
    corr = np.corrcoef(x_ref, rowvar=False)
    np.fill_diagonal(corr, 0)
    i, j = np.unravel_index(np.argmax(np.abs(corr)), corr.shape)
    right = np.corrcoef(gen[names[i]], gen[names[j]])[0, 1]
    exercise.check_pair_correlation(right, x_ref, gen, names)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_pair_correlation(..., x_ref, gen, names)
    for wrong in (corr[i, j], 0.95, 1.0):  # the reference's own value, literals
        with pytest.raises(ExerciseWrong, match="not right yet"):
            exercise.check_pair_correlation(wrong, x_ref, gen, names)


def test_hours_reference(capsys):
    speeds = {"reference": {10.0: 2000.0, 50.0: 400.0}, "flow_matching": {50.0: 4000.0}}
    right = 1e6 / 400.0 / 3600
    exercise.check_hours_reference(right, speeds)
    exercise.check_hours_reference(round(right, 3), speeds)  # rounded by the learner
    assert capsys.readouterr().out.count("✓") == 2
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_hours_reference(..., speeds)
    for wrong in (1e6 / 400.0, 1e6 / 4000.0 / 3600, 277.8):  # seconds, flow matching, literal
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_hours_reference(wrong, speeds)
        assert "0.694" not in str(info.value)
