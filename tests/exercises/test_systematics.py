"""The systematics chapter's exercise checks: right answers pass, `...` and wrong answers fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import systematics as exercise


def test_rejection():
    # 4 W/Z jets with scores 5..8 (median cut between 6 and 7), 8 QCD jets of which 2 pass
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    score = np.array([5, 6, 7, 8, 0, 1, 2, 3, 4, 6, 9, 10], dtype=float)
    exercise.check_rejection(4.0, y, score)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_rejection(..., y, score)
    with pytest.raises(ExerciseWrong):
        exercise.check_rejection(0.25, y, score)  # the efficiency, not its inverse
    with pytest.raises(ExerciseWrong):
        exercise.check_rejection(4.0, y, score, 0.9)  # another working point: 8/3


def test_ensemble_ece():
    rng = np.random.default_rng(0)
    z = rng.normal(size=2000)
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-z))).astype(int)
    # three over-confident members with independent errors
    members = 1 / (1 + np.exp(-(2.0 * z + rng.normal(0, 1.5, (3, 2000)))))
    from hepml_course.metrics.calibration import expected_calibration_error

    exercise.check_ensemble_ece(expected_calibration_error(y, members.mean(0)), y, members)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_ensemble_ece(..., y, members)
    with pytest.raises(ExerciseWrong):
        # the mean of the members' ECEs is not the ECE of their mean
        wrong = np.mean([expected_calibration_error(y, m) for m in members])
        exercise.check_ensemble_ece(wrong, y, members)


class _Intervals:
    """Stands in for a fitted MDN: the interval is E_pred ± 1 GeV around inputs[:, 0]."""

    def predict_interval(self, inputs, level):
        return inputs[:, 0] - 1.0, inputs[:, 0] + 1.0


def test_interval_coverage():
    e = np.array([1.2, 1.5, 1.8, 5.0, 6.0])
    inputs = np.array([[1.0], [3.0], [1.9], [5.0], [9.0]])
    # 1–2 GeV: 1.2 inside, 1.5 outside (2–4), 1.8 inside → 2/3; the 5–6 GeV showers do not count
    exercise.check_interval_coverage(2 / 3, _Intervals(), inputs, e, 0.68, (1.0, 2.0))
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_interval_coverage(..., _Intervals(), inputs, e, 0.68, (1.0, 2.0))
    with pytest.raises(ExerciseWrong):
        exercise.check_interval_coverage(0.6, _Intervals(), inputs, e, 0.68, (1.0, 2.0))
