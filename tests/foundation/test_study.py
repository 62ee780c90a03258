"""The chapter's study: label budgets, learning curves and the W-vs-Z transfer (tiny runs)."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.foundation.study import StudyConfig, label_budget, learning_curves, transfer_study

from .conftest import N_PARTICLES


def test_label_budget_draws_per_class_and_refuses_too_many():
    y = np.repeat(np.arange(3), [10, 20, 30])
    idx = label_budget(y, 7, seed=1)
    assert np.bincount(y[idx]).tolist() == [7, 7, 7]
    assert np.array_equal(idx, label_budget(y, 7, seed=1))
    assert not np.array_equal(idx, label_budget(y, 7, seed=2))
    assert np.bincount(y[label_budget(y, 5, 0, classes=(1, 2))], minlength=3).tolist() == [0, 5, 5]
    with pytest.raises(
        ValueError, match="exceeds the 10 training jets of class 0; choose at most 10"
    ):
        label_budget(y, 11, seed=0)
    with pytest.raises(ValueError, match="at least 1"):
        label_budget(y, 0, seed=0)


@pytest.fixture(scope="module")
def split():
    from hepml_course.classification import load_jets

    return load_jets(n_particles=N_PARTICLES, max_jets=600, test_fraction=0.3, seed=0)


def test_learning_curves_and_transfer_give_every_key(split, saved_backbone):
    cfg = StudyConfig(
        budgets=(10, 30),
        max_epochs=(1, 1),
        n_particles=N_PARTICLES,
        dnn_epochs=1,
        transfer_budget=20,
        transfer_epochs=1,
    )
    curves = learning_curves(split, saved_backbone, cfg)
    assert list(curves) == ["10", "30"]
    for row in curves.values():
        for key in (
            "scratch_acc",
            "finetuned_acc",
            "dnn_acc",
            "scratch_auc_top",
            "finetuned_auc_top",
        ):
            assert 0.0 <= row[key] <= 1.0
    assert curves["30"]["n_train"] == 150
    transfer = transfer_study(split, saved_backbone, cfg)
    assert transfer["n_train"] == 40 and 0.0 <= transfer["finetuned_auc"] <= 1.0
    assert transfer["n_test"] == int(np.isin(split.y_test, (2, 3)).sum())


def test_budget_larger_than_the_data_is_refused_before_training(split, saved_backbone):
    cfg = StudyConfig(budgets=(10, 10_000), max_epochs=(1, 1), n_particles=N_PARTICLES)
    with pytest.raises(ValueError, match="label budget of 10000 jets per class exceeds"):
        learning_curves(split, saved_backbone, cfg)
    with pytest.raises(ValueError, match="one max_epochs per budget"):
        learning_curves(split, saved_backbone, StudyConfig(budgets=(10,), max_epochs=(1, 2)))
    with pytest.raises(ValueError, match="unknown classes"):
        transfer_study(split, saved_backbone, cfg, classes=("w", "h"))
