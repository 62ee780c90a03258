"""The chapter's study: label budgets, learning curves and the W-vs-Z transfer (tiny runs)."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.foundation.study import (
    BENCH,
    CHAPTER,
    StudyConfig,
    label_budget,
    learning_curves,
    rate_scan,
    scan_indices,
    transfer_study,
)

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


def _one_epoch_config(budgets: tuple[int, int], finetune_rates=(1e-4, 3e-4)) -> StudyConfig:
    """Two tiny budgets, one epoch each (the rates only need to be distinct)."""
    return StudyConfig(
        budgets=budgets,
        max_epochs=(1, 1),
        learning_rates=(1e-3, 1e-3),
        finetune_learning_rates=finetune_rates,
        n_particles=N_PARTICLES,
        dnn_epochs=1,
        transfer_budget=20,
        transfer_epochs=1,
    )


def test_learning_curves_and_transfer_give_every_key(split, saved_backbone):
    cfg = _one_epoch_config((10, 30))
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
    assert curves["30"]["finetuned_learning_rate"] == 3e-4
    transfer = transfer_study(split, saved_backbone, cfg)
    assert transfer["n_train"] == 40 and 0.0 <= transfer["finetuned_auc"] <= 1.0
    assert transfer["n_test"] == int(np.isin(split.y_test, (2, 3)).sum())


def test_budget_larger_than_the_data_is_refused_before_training(split, saved_backbone):
    cfg = _one_epoch_config((10, 10_000))
    with pytest.raises(ValueError, match="label budget of 10000 jets per class exceeds"):
        learning_curves(split, saved_backbone, cfg)
    with pytest.raises(ValueError, match="3 budgets but 1 learning_rates"):
        learning_curves(split, saved_backbone, StudyConfig(learning_rates=(1e-3,)))
    with pytest.raises(ValueError, match="unknown classes"):
        transfer_study(split, saved_backbone, cfg, classes=("w", "h"))


def test_benchmark_and_chapter_schedules_are_complete():
    assert [row[0] for row in BENCH.schedule()] == list(BENCH.budgets)
    assert len(CHAPTER.schedule()) == 1


def test_rate_scan_holds_out_validation_jets_and_stands_in_for_all_labels(split, saved_backbone):
    cfg = StudyConfig(n_particles=N_PARTICLES)
    per_class = int(np.bincount(split.y_train).min())
    # the whole training split as budget: a smaller budget leaves 50 validation jets out
    scan = rate_scan(
        split,
        saved_backbone,
        per_class,
        (1e-3, 1e-4),
        finetuned=True,
        max_epochs=1,
        cfg=cfg,
        n_validation=50,
    )
    assert list(scan) == [1e-3, 1e-4]
    assert all(0.0 <= acc <= 1.0 for acc in scan.values())
    again = rate_scan(
        split,
        saved_backbone,
        per_class,
        (1e-3,),
        finetuned=True,
        max_epochs=1,
        cfg=cfg,
        n_validation=50,
    )
    assert again[1e-3] == scan[1e-3]  # same seed, same number
    with pytest.raises(ValueError, match="n_validation must be at least 1"):
        rate_scan(split, saved_backbone, 10, (1e-3,), finetuned=False, max_epochs=1, n_validation=0)
    with pytest.raises(ValueError, match="leave no training jets"):
        rate_scan(
            split,
            saved_backbone,
            10,
            (1e-3,),
            finetuned=False,
            max_epochs=1,
            cfg=cfg,
            n_validation=len(split.y_train),
        )


def test_scan_indices_are_disjoint_reproducible_and_leave_validation_jets():
    y = np.repeat(np.arange(5), 100)
    idx, val = scan_indices(y, 40, 50, seed=0)
    assert np.bincount(y[idx]).tolist() == [40] * 5
    assert len(val) == 50 and not np.intersect1d(idx, val).size
    again_idx, again_val = scan_indices(y, 40, 50, seed=0)
    assert np.array_equal(idx, again_idx) and np.array_equal(val, again_val)
    # all labels: 100 per class asked, 10 per class stay out for validation
    idx_all, val_all = scan_indices(y, 100, 50, seed=0)
    assert np.bincount(y[idx_all]).tolist() == [90] * 5
    assert not np.intersect1d(idx_all, val_all).size
