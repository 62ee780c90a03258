"""The inference chapter's exercise checks: right answers pass, `...` and wrong answers fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import inference as exercise
from hepml_course.inference.scan import Interval


class _ToyClassifier:
    """Stands in for a fitted classifier: s = sigmoid(θ·x₀), so ln r = θ·x₀."""

    def log_ratio(self, X, theta_grid, normalised=True):
        return np.outer(np.asarray(theta_grid), np.asarray(X)[:, 0])


def test_log_ratio():
    X = np.linspace(-1, 1, 10)[:, None]
    exercise.check_log_ratio(0.14 * X[:, 0], _ToyClassifier(), X, 0.14)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_log_ratio(..., _ToyClassifier(), X, 0.14)
    with pytest.raises(ExerciseWrong):
        # the classifier output s itself, not the log-ratio
        exercise.check_log_ratio(1 / (1 + np.exp(-0.14 * X[:, 0])), _ToyClassifier(), X, 0.14)


def test_width68_of_a_parabola():
    grid = np.linspace(0.11, 0.15, 41)
    nll = (grid - 0.131) ** 2 / (2 * 0.004**2)
    exercise.check_width68(0.008, grid, nll)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_width68(..., grid, nll)
    with pytest.raises(ExerciseWrong):
        exercise.check_width68(0.004, grid, nll)  # half the width


def test_coverage95():
    intervals = [
        Interval(0.13, (0.12, 0.14), (0.11, 0.15)),
        Interval(0.13, (0.12, 0.14), (0.125, 0.135)),
        Interval(0.14, (0.135, 0.145), (0.13, 0.15)),
        Interval(0.12, (0.11, 0.125), (0.105, 0.128)),
        None,  # a failed scan: not covering
    ]
    exercise.check_coverage95(0.4, intervals, 0.1365)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_coverage95(..., intervals, 0.1365)
    with pytest.raises(ExerciseWrong):
        exercise.check_coverage95(0.5, intervals, 0.1365)  # failed toys left out
