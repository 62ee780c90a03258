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

import math
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
    learning_rates, finetune_learning_rates
        Adam rate for each budget of the network from scratch and of the
        fine-tuning, chosen with :func:`rate_scan` on validation jets, never the
        test jets (2026-12-07; the budget's epoch cap; validation accuracy on
        5 000 jets, best in brackets)::

            jets per class  from scratch: 1e-3   3e-4    1e-4   fine-tuned: 1e-3   3e-4    1e-4
            500                        [0.624]  0.608   0.590               0.619  0.632  [0.632]
            2 000                       0.685  [0.698]  0.683              [0.702] 0.683   0.679
            8 000 (all)*                0.705  [0.710]  0.684              [0.700] 0.698   0.695

        (* 7 000 per class stand in, so that validation jets remain; at 500 per
        class fine-tuning with 1e-4 beat 3e-4 by 0.0004).  With few
        labels a high rate erases what the pre-training learned; with more labels
        the higher rate wins for the fine-tuning, while the network from scratch
        prefers a lower one.  The transfer test's rates were chosen the same way
        on W and Z jets only (1 000 per class, 3 000 validation jets; AUC): from
        scratch 1e-3: 0.583; fine-tuned 1e-3: 0.593, 1e-4: 0.584.
    n_particles
        Constituents per jet (the backbone's).
    test_fraction, seed
        Split of ``jets_v2`` (stratified) and the seed of the budgets' draws,
        the splits and the trainings.
    patience
        Early-stopping patience (epochs) on the budget's validation fraction.
    dnn_epochs
        Maximum epochs of the DNN on the 16 features.
    transfer_budget, transfer_epochs, transfer_learning_rates
        W-vs-Z jets per class, maximum epochs and the (from scratch, fine-tuned)
        Adam rates of the transfer test.
    """

    budgets: tuple[int, ...] = (500, 2000, 8000)
    max_epochs: tuple[int, ...] = (30, 30, 5)
    learning_rates: tuple[float, ...] = (1e-3, 3e-4, 3e-4)
    finetune_learning_rates: tuple[float, ...] = (1e-4, 1e-3, 1e-3)
    n_particles: int = 30
    test_fraction: float = 0.2
    seed: int = 0
    patience: int = 3
    dnn_epochs: int = 60
    transfer_budget: int = 1000
    transfer_epochs: int = 20
    transfer_learning_rates: tuple[float, float] = (1e-3, 1e-3)

    def schedule(self) -> list[tuple[int, int, float, float]]:
        """``(budget, max_epochs, rate from scratch, fine-tuning rate)`` for each budget."""
        lengths = {
            "max_epochs": len(self.max_epochs),
            "learning_rates": len(self.learning_rates),
            "finetune_learning_rates": len(self.finetune_learning_rates),
        }
        wrong = {k: n for k, n in lengths.items() if n != len(self.budgets)}
        if wrong:
            detail = ", ".join(f"{n} {k}" for k, n in wrong.items())
            raise ValueError(
                f"give one max_epochs, learning_rates and finetune_learning_rates per budget: "
                f"{len(self.budgets)} budgets but {detail}"
            )
        return list(
            zip(
                self.budgets,
                self.max_epochs,
                self.learning_rates,
                self.finetune_learning_rates,
                strict=True,
            )
        )


#: The benchmark's configuration (``python -m hepml_course.bench foundation``).
BENCH = StudyConfig()
#: What the chapter trains live (≤ 120 s on 2 cores): one small label budget, with the
#: rates chosen at the smallest benchmark budget.
CHAPTER = StudyConfig(
    budgets=(200,),
    max_epochs=(20,),
    learning_rates=(1e-3,),
    finetune_learning_rates=(1e-4,),
    dnn_epochs=60,
)


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


def scan_indices(
    y: np.ndarray, budget: int, n_validation: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation indices of :func:`rate_scan` (disjoint, from ``y`` only).

    Parameters
    ----------
    y
        ``(n_jets,)`` labels of the training split.
    budget
        Labelled jets per class; when fewer than ``n_validation`` jets would
        remain, the largest budget that leaves them stands in.
    n_validation
        Validation jets, drawn at random among the jets outside the budget.
    seed
        Seeds the budget's draw (as :func:`learning_curves`) and, with
        ``seed + 1``, the validation draw.

    Returns
    -------
    tuple of numpy.ndarray
        ``(budget indices, validation indices)`` into ``y``.
    """
    if n_validation < 1:
        raise ValueError(f"n_validation must be at least 1 jet, got {n_validation}")
    y = np.asarray(y)
    classes = np.unique(y)
    smallest = min(int(np.sum(y == c)) for c in classes)
    per_class = min(budget, smallest - math.ceil(n_validation / len(classes)))
    if per_class < 1:
        raise ValueError(
            f"{n_validation} validation jets leave no training jets: the smallest class has "
            f"{smallest}; choose a smaller n_validation"
        )
    idx = label_budget(y, per_class, seed)
    rest = np.setdiff1d(np.arange(len(y)), idx)
    val = np.random.default_rng(seed + 1).choice(rest, n_validation, replace=False)
    return idx, val


def rate_scan(
    split: Any,
    backbone: Any,
    budget: int,
    rates: Sequence[float],
    *,
    finetuned: bool,
    max_epochs: int,
    cfg: StudyConfig = BENCH,
    n_validation: int = 5000,
) -> dict[float, float]:
    """Validation accuracy for each Adam rate: how the study's rates are chosen.

    The budget is drawn from the training split as in :func:`learning_curves`
    and ``n_validation`` *other* training jets are the validation set; the test
    jets are never touched.  When the budget takes (almost) every training jet,
    a smaller budget that leaves ``n_validation`` jets out stands in for it.

    Parameters
    ----------
    split
        A :class:`~hepml_course.classification.JetSplit`.
    backbone
        The pre-trained backbone (used for its weights with ``finetuned``, for
        its architecture in any case).
    budget
        Labelled jets per class.
    rates
        Adam learning rates to compare.
    finetuned
        Start from the pre-trained weights (else from random ones).
    max_epochs
        Epoch cap of each training.
    cfg
        Supplies ``n_particles``, ``patience`` and ``seed``.
    n_validation
        Validation jets, drawn at random from the training jets outside the budget.

    Returns
    -------
    dict
        ``rate → validation accuracy``.
    """
    backbone = _resolve(backbone)
    y = np.asarray(split.y_train)
    n_classes = len(np.unique(y))
    idx, val = scan_indices(y, budget, n_validation, cfg.seed)
    x_val, y_val = split.x_train[val], y[val]
    out = {}
    for rate in rates:
        model = _tagger(backbone, cfg, n_classes, max_epochs, rate, scratch=not finetuned)
        model.fit(split.x_train[idx], y[idx], seed=cfg.seed)
        out[rate] = metrics.accuracy(y_val, model.predict_proba(x_val))
    return out


def _resolve(backbone: Any) -> Any:
    """The backbone object (loaded and sha256-verified if a folder is given)."""
    from hepml_course.foundation.pretrain import PretrainedBackbone

    return (
        backbone if isinstance(backbone, PretrainedBackbone) else PretrainedBackbone.load(backbone)
    )


def _tagger(
    backbone: Any,
    cfg: StudyConfig,
    n_classes: int,
    epochs: int,
    learning_rate: float,
    *,
    scratch: bool,
) -> Any:
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
        learning_rate=learning_rate,
        patience=cfg.patience,
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
        "scratch_epochs", "finetuned_epochs", "scratch_learning_rate",
        "finetuned_learning_rate"}`` on the test jets.
    """
    from hepml_course.classification.dnn import DNNTagger

    schedule = cfg.schedule()
    backbone = _resolve(backbone)
    names = list(split.class_names)
    top = names.index("t")
    for budget in cfg.budgets:  # refuse an impossible budget before any training
        label_budget(split.y_train, budget, cfg.seed)
    out: dict[str, dict[str, float]] = {}
    for budget, epochs, rate, finetune_rate in schedule:
        idx = label_budget(split.y_train, budget, cfg.seed)
        x, y = split.x_train[idx], split.y_train[idx]
        row: dict[str, float] = {
            "n_train": len(idx),
            "scratch_learning_rate": rate,
            "finetuned_learning_rate": finetune_rate,
        }
        models = {
            "scratch": _tagger(backbone, cfg, len(names), epochs, rate, scratch=True),
            "finetuned": _tagger(backbone, cfg, len(names), epochs, finetune_rate, scratch=False),
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
    rates = dict(zip(("scratch", "finetuned"), cfg.transfer_learning_rates, strict=True))
    for name, rate in rates.items():
        model = _tagger(backbone, cfg, 2, cfg.transfer_epochs, rate, scratch=name == "scratch")
        model.fit(x, y, seed=cfg.seed)
        proba = model.predict_proba(x_test)
        out[f"{name}_auc"] = metrics.auc_ovr(y_test, proba, list(classes))[classes[1]]
    return out
