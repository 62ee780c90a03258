"""The chapter's study: fine-tuned vs from scratch vs the DNN, against the label budget.

:func:`learning_curves` trains, for every label budget (jets per class drawn
from the training split), the backbone architecture from random weights, the
same architecture starting from the pre-trained backbone, and the dense
network on the 16 high-level features, and measures them on the same test
jets.  :func:`transfer_study` does the cross-task test: a backbone pre-trained
on the QCD-dominated unlabelled mixture, fine-tuned to tell W from Z jets.

Early stopping uses a validation fraction *of the label budget* (the
fine-tuning never sees more labels than the budget); the test jets are only
predicted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hepml_course.metrics import classification as metrics

#: Where the chapter's jets come from and how they are split.
DATASET = "jets_v2"


@dataclass(frozen=True)
class StudyConfig:
    """Label budgets and training schedules of the study.

    Attributes
    ----------
    budgets
        Labelled training jets per class, smallest first.
    max_epochs
        Maximum epochs for each budget (early stopping may stop sooner): small
        budgets need more passes for the same number of steps.
    n_particles
        Constituents per jet (the backbone's).
    test_fraction, seed
        Split of ``jets_v2`` (stratified) and the seed of the budgets' draws,
        the splits and the trainings.
    learning_rate, finetune_learning_rate
        Adam rate of the network from scratch and of the fine-tuning, each chosen on a
        validation split (5 000 training jets outside the budget, 500 labelled jets per
        class, never the test jets; 2026-12-07): from scratch 1e-3 (0.638 accuracy) beat
        3e-4 (0.613); fine-tuning 1e-4 (0.638) beat 3e-4 (0.633) and 1e-3 (0.624) — a
        high rate overwrites what the pre-training learned.
    patience
        Early-stopping patience (epochs) on the budget's validation fraction.
    dnn_epochs
        Maximum epochs of the DNN on the 16 features.
    transfer_budget, transfer_epochs
        W-vs-Z jets per class and maximum epochs of the transfer test.
    """

    budgets: tuple[int, ...] = (500, 2000, 8000)
    max_epochs: tuple[int, ...] = (30, 12, 5)
    n_particles: int = 30
    test_fraction: float = 0.2
    seed: int = 0
    learning_rate: float = 1e-3
    finetune_learning_rate: float = 1e-4
    patience: int = 3
    dnn_epochs: int = 60
    transfer_budget: int = 1000
    transfer_epochs: int = 20


#: The benchmark's configuration (``python -m hepml_course.bench foundation``).
BENCH = StudyConfig()
#: What the chapter trains live (≤ 120 s on 2 cores): one small label budget.
CHAPTER = StudyConfig(budgets=(200,), max_epochs=(20,), dnn_epochs=60)


def label_budget(
    y: np.ndarray, n_per_class: int, seed: int, classes: Sequence[int] | None = None
) -> np.ndarray:
    """Indices of ``n_per_class`` randomly drawn jets of each class.

    Parameters
    ----------
    y
        ``(n_jets,)`` integer labels of the pool (the training split).
    n_per_class
        Labelled jets per class.
    seed
        Seed of the draw; a larger budget with the same seed does not contain
        the smaller one (each budget is its own draw).
    classes
        The classes to draw (default: all labels present in ``y``).

    Returns
    -------
    numpy.ndarray
        Sorted indices into ``y``.
    """
    y = np.asarray(y)
    if n_per_class < 1:
        raise ValueError(f"the label budget must be at least 1 jet per class, got {n_per_class}")
    classes = list(np.unique(y) if classes is None else classes)
    rng = np.random.default_rng(seed)
    picked = []
    for c in classes:
        pool = np.flatnonzero(y == c)
        if n_per_class > len(pool):
            available = min(int(np.sum(y == k)) for k in classes)
            raise ValueError(
                f"a label budget of {n_per_class} jets per class exceeds the {len(pool)} "
                f"training jets of class {c}; choose at most {available} per class "
                "(or a larger sample / smaller test fraction)"
            )
        picked.append(rng.choice(pool, n_per_class, replace=False))
    return np.sort(np.concatenate(picked))


def _resolve(backbone: Any) -> Any:
    """The backbone object (loaded and sha256-verified if a folder is given)."""
    from hepml_course.foundation.pretrain import PretrainedBackbone

    return (
        backbone if isinstance(backbone, PretrainedBackbone) else PretrainedBackbone.load(backbone)
    )


def _tagger(backbone: Any, cfg: StudyConfig, n_classes: int, epochs: int, *, scratch: bool) -> Any:
    """The backbone's architecture, started from its weights or (``scratch``) from random ones."""
    from hepml_course.foundation.finetune import FoundationTagger

    arch = backbone.config
    return FoundationTagger(
        backbone=None if scratch else backbone,
        dim=arch.dim,
        heads=arch.heads,
        n_blocks=arch.n_blocks,
        ffn_mult=arch.ffn_mult,
        n_particles=cfg.n_particles,
        n_classes=n_classes,
        epochs=epochs,
        learning_rate=cfg.learning_rate if scratch else cfg.finetune_learning_rate,
        patience=cfg.patience,
    )


def _check_budgets(cfg: StudyConfig) -> None:
    if len(cfg.budgets) != len(cfg.max_epochs):
        raise ValueError(
            f"give one max_epochs per budget: {len(cfg.budgets)} budgets, "
            f"{len(cfg.max_epochs)} max_epochs"
        )


def learning_curves(
    split: Any,
    backbone: Any,
    cfg: StudyConfig = BENCH,
    log: Callable[[str], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Accuracy and top-vs-rest AUC against the number of labelled jets per class.

    Parameters
    ----------
    split
        A :class:`~hepml_course.classification.JetSplit` (constituents padded to
        at least ``cfg.n_particles``).
    backbone
        The pre-trained backbone (:class:`~hepml_course.foundation.PretrainedBackbone`
        or its folder).
    cfg
        Budgets and schedules.
    log
        Called with one line per trained model (progress), if given.

    Returns
    -------
    dict
        ``str(budget)`` → ``{"scratch_acc", "finetuned_acc", "dnn_acc",
        "scratch_auc_top", "finetuned_auc_top", "dnn_auc_top", "n_train",
        "scratch_epochs", "finetuned_epochs"}`` on the test jets.
    """
    from hepml_course.classification.dnn import DNNTagger

    _check_budgets(cfg)
    backbone = _resolve(backbone)
    names = list(split.class_names)
    top = names.index("t")
    for budget in cfg.budgets:  # refuse an impossible budget before any training
        label_budget(split.y_train, budget, cfg.seed)
    out: dict[str, dict[str, float]] = {}
    for budget, epochs in zip(cfg.budgets, cfg.max_epochs, strict=True):
        idx = label_budget(split.y_train, budget, cfg.seed)
        x, y = split.x_train[idx], split.y_train[idx]
        row: dict[str, float] = {"n_train": len(idx)}
        models = {
            "scratch": _tagger(backbone, cfg, len(names), epochs, scratch=True),
            "finetuned": _tagger(backbone, cfg, len(names), epochs, scratch=False),
            "dnn": DNNTagger(feature_names=split.feature_names, epochs=cfg.dnn_epochs),
        }
        for name, model in models.items():
            model.fit(x, y, seed=cfg.seed)
            proba = model.predict_proba(split.x_test)
            row[f"{name}_acc"] = metrics.accuracy(split.y_test, proba)
            row[f"{name}_auc_top"] = metrics.auc_ovr(split.y_test, proba, names)[names[top]]
            if name != "dnn":
                row[f"{name}_epochs"] = len(model.history_.get("loss", []))
            if log is not None:
                log(f"{budget} per class, {name}: accuracy {row[f'{name}_acc']:.4f}")
        out[str(budget)] = row
    return out


def transfer_study(
    split: Any,
    backbone: Any,
    cfg: StudyConfig = BENCH,
    classes: tuple[str, str] = ("w", "z"),
) -> dict[str, float]:
    """Cross-task transfer: W vs Z from the backbone pre-trained on the QCD-dominated mixture.

    Both networks (from scratch and fine-tuned) see ``cfg.transfer_budget``
    labelled jets of each of the two classes; the AUC is measured on every
    test jet of the two classes.

    Returns
    -------
    dict
        ``{"scratch_auc", "finetuned_auc", "n_train", "n_test"}``.
    """
    backbone = _resolve(backbone)
    names = list(split.class_names)
    unknown = [c for c in classes if c not in names]
    if unknown:
        raise ValueError(f"unknown classes {unknown}; the split has {names}")
    a, b = (names.index(c) for c in classes)
    pool = np.flatnonzero(np.isin(split.y_train, (a, b)))
    idx = pool[label_budget(split.y_train[pool], cfg.transfer_budget, cfg.seed)]
    x, y = split.x_train[idx], (split.y_train[idx] == b).astype(np.int64)
    test = np.flatnonzero(np.isin(split.y_test, (a, b)))
    x_test, y_test = split.x_test[test], (split.y_test[test] == b).astype(np.int64)
    out: dict[str, float] = {"n_train": len(idx), "n_test": len(test)}
    for name in ("scratch", "finetuned"):
        model = _tagger(backbone, cfg, 2, cfg.transfer_epochs, scratch=name == "scratch")
        model.fit(x, y, seed=cfg.seed)
        proba = model.predict_proba(x_test)
        out[f"{name}_auc"] = metrics.auc_ovr(y_test, proba, list(classes))[classes[1]]
    return out
