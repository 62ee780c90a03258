"""The check functions of chapter 2's exercises: right answers pass, `...` and wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.classification import HLF_FEATURES, BDTTagger, compare, load_jets
from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import classification as exercise
from hepml_course.metrics import classification as metrics

CFG = compare.CompareConfig(bdt_iter=20, seed=0)


@pytest.fixture(scope="module")
def split():
    """A small class-stratified subset of the shipped jets (few constituents: not needed)."""
    return load_jets(n_particles=2, max_jets=1500, test_fraction=0.3, seed=0)


def test_w_vs_z_no_mass(split, capsys):
    names = tuple(f for f in HLF_FEATURES if f != "j_mass_mmdt")
    bdt = BDTTagger(feature_names=names, max_iter=CFG.bdt_iter).fit(
        split.x_train, split.y_train, seed=CFG.seed
    )
    right = metrics.binary_auc(split.y_test, bdt.predict_proba(split.x_test), [2], [3])
    exercise.check_w_vs_z_no_mass(right, split, CFG)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_w_vs_z_no_mass(..., split, CFG)
    with pytest.raises(ExerciseWrong, match="not right yet") as info:
        exercise.check_w_vs_z_no_mass(right + 0.05, split, CFG)
    assert f"{right:.4f}" not in str(info.value), "the message must not reveal the answer"


class _FixedModel:
    """Stands in for a trained tagger: fixed class probabilities."""

    def __init__(self, proba: np.ndarray) -> None:
        self.proba = proba

    def predict_proba(self, x: object) -> np.ndarray:
        return self.proba


def test_accuracy_shifted(capsys):
    y = np.array([0, 1, 2, 3, 4, 4, 2, 1])
    proba = np.eye(5)[[0, 1, 2, 3, 4, 0, 0, 0]]  # 5 of 8 right
    model = _FixedModel(proba)
    exercise.check_accuracy_shifted(5 / 8, model, np.zeros((8, 16)), y)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_accuracy_shifted(..., model, np.zeros((8, 16)), y)
    with pytest.raises(ExerciseWrong, match="not right yet"):
        exercise.check_accuracy_shifted(6 / 8, model, np.zeros((8, 16)), y)


def test_gain_per_kparam(capsys):
    results = {
        "bdt": {"accuracy": 0.60, "n_params": 5000},
        "dnn": {"accuracy": 0.65, "n_params": 4000},
        "deepsets": {"accuracy": 0.70, "n_params": 20000},
        "part": {"accuracy": 0.68, "n_params": 80000},
    }
    right = {"dnn": 0.05 / 4, "deepsets": 0.10 / 20, "part": 0.08 / 80}
    exercise.check_gain_per_kparam(right, results)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_gain_per_kparam(..., results)
    for wrong in (
        {"dnn": 0.05 / 4000, "deepsets": 0.10 / 20000, "part": 0.08 / 80000},  # per parameter
        {"dnn": 0.05 / 4, "deepsets": 0.10 / 20},  # a model missing
        0.0125,  # not a dict
    ):
        with pytest.raises(ExerciseWrong, match="not right yet"):
            exercise.check_gain_per_kparam(wrong, results)
