"""The anomaly chapter's exercise checks: right answers pass, `...` and wrong answers fail."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from hepml_course.anomaly import dqm
from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import anomaly as exercise
from hepml_course.metrics import trigger
from tests.anomaly.toy import toy_events


def test_fraction_kept():
    exercise.check_fraction_kept(1.0 / 40_000.0)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_fraction_kept(...)
    with pytest.raises(ExerciseWrong):
        exercise.check_fraction_kept(0.025)  # 1 kHz / 40 kHz: a unit slip


def test_met_cut():
    events = toy_events(n=400, seed=3)
    # weights spread over three orders of magnitude, as with cross-section weights
    weight = np.random.default_rng(4).uniform(0.001, 1.0, len(events))
    sample = SimpleNamespace(test=events, test_weight=weight)
    met = np.asarray(events.MET_pt, dtype=np.float64)
    right = trigger.threshold_at_rate(met, weight, 10.0)
    assert trigger.trigger_rate_khz(met > right, weight) <= 10.0
    exercise.check_met_cut(right, sample)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_met_cut(..., sample)
    with pytest.raises(ExerciseWrong):
        exercise.check_met_cut(right + 5.0, sample)


def test_mean_mu2():
    scores = np.random.default_rng(5).exponential(3.0, 200)
    model_scores = SimpleNamespace(signals={"axol1tl_vae": {"h0_tautau": scores}})
    exercise.check_mean_mu2(float(scores.mean()), model_scores)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_mean_mu2(..., model_scores)
    with pytest.raises(ExerciseWrong):
        exercise.check_mean_mu2(float(np.median(scores)), model_scores)


class _MaxOccupancy:
    """Stand-in for the DQM autoencoder: the score of a map is its largest occupancy."""

    def score(self, maps: np.ndarray) -> np.ndarray:
        return np.asarray(maps).reshape(len(maps), -1).max(axis=1)


def test_hot_detection():
    rng = np.random.default_rng(6)
    normal = rng.uniform(0.1, 0.3, (50, 18, 14))
    model = _MaxOccupancy()
    threshold = float(np.quantile(model.score(normal), 0.9))
    study = SimpleNamespace(
        normal=normal, model=model, results={"hot_tower": {"threshold": threshold}}
    )
    weak, _ = dqm.inject_fault(normal, "hot_tower", seed=5, hot_extra=0.05)
    right = float(np.mean(model.score(weak) > threshold))
    assert 0.0 < right < 1.0
    exercise.check_hot_detection(right, study)
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_hot_detection(..., study)
    with pytest.raises(ExerciseWrong):
        exercise.check_hot_detection(1.0, study)
