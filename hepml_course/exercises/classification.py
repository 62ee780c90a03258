"""Reference checks of the chapter "Classification: jet tagging".

Each ``check_*`` function recomputes the reference out of sight — from the
objects the chapter defined before the exercise — and compares the learner's
answer with :func:`hepml_course.exercises.check`. Nothing is cached on disk;
TensorFlow is never imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = [
    "GAIN_MODELS",
    "check_accuracy_shifted",
    "check_gain_per_kparam",
    "check_w_vs_z_no_mass",
]

#: Models whose accuracy gain per 1000 parameters Exercise 3 asks for, in order.
GAIN_MODELS: tuple[str, ...] = ("dnn", "deepsets", "part")

_W, _Z = 2, 3  # class indices of W and Z jets in CLASS_NAMES


def _not_answered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def check_w_vs_z_no_mass(answer: object, split: Any, cfg: Any = None) -> None:
    """Exercise 1: W-vs-Z AUC of a BDT trained without ``j_mass_mmdt``.

    The reference trains a :class:`~hepml_course.classification.BDTTagger` on
    the 15 other features with the chapter's settings (``cfg.bdt_iter``,
    ``cfg.seed``), scores the test W and Z jets with P(W)/(P(W)+P(Z)) and
    computes the AUC. A learner who changes the settings a little still passes
    (absolute tolerance 0.01 on the AUC).

    Parameters
    ----------
    answer
        The learner's AUC (a number in [0, 1]).
    split
        The chapter's :class:`~hepml_course.classification.JetSplit`.
    cfg
        The chapter's :class:`~hepml_course.classification.CompareConfig`
        (``compare.CHAPTER`` if None).
    """
    name = "W vs Z AUC without the groomed mass"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.classification import HLF_FEATURES, BDTTagger, compare
    from hepml_course.metrics import classification as metrics

    cfg = compare.CHAPTER if cfg is None else cfg
    names = tuple(f for f in HLF_FEATURES if f != "j_mass_mmdt")
    bdt = BDTTagger(feature_names=names, max_iter=cfg.bdt_iter)
    bdt.fit(split.x_train, split.y_train, seed=cfg.seed)
    reference = metrics.binary_auc(split.y_test, bdt.predict_proba(split.x_test), [_W], [_Z])
    check(
        name,
        answer,
        reference,
        rel_tol=0.0,
        abs_tol=0.01,
        hint="train a BDTTagger whose feature_names leave out j_mass_mmdt, then use "
        "metrics.binary_auc with W as signal and Z as background",
    )


def check_accuracy_shifted(answer: object, model: Any, x_shift: Any, y_shift: Any) -> None:
    """Exercise 2: accuracy of the chapter's BDT on jets generated with the other MPI setting.

    Parameters
    ----------
    answer
        The learner's accuracy (a fraction in [0, 1]).
    model
        The chapter's trained BDT (``models["bdt"]``), trained on the main tree
        of ``jets_v2`` (MPI on).
    x_shift, y_shift
        High-level features ``(n_jets, 16)`` and labels ``(n_jets,)`` of the
        ``mpi_off`` tree of ``jets_v2``.
    """
    name = "BDT accuracy on MPI-off jets"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.metrics import classification as metrics

    reference = metrics.accuracy(np.asarray(y_shift), model.predict_proba(x_shift))
    check(
        name,
        answer,
        reference,
        rel_tol=0.0,
        abs_tol=1e-3,
        hint="predict the class probabilities of x_shift with the trained BDT and compare "
        "with y_shift (metrics.accuracy)",
    )


def check_gain_per_kparam(answer: object, results: Mapping[str, Mapping[str, Any]]) -> None:
    """Exercise 3: accuracy gain over the BDT per 1000 parameters of each network.

    Parameters
    ----------
    answer
        The learner's dict ``{"dnn": …, "deepsets": …, "part": …}``.
    results
        The chapter's ``results``: model name → ``{"accuracy", "n_params", …}``.
    """
    name = "accuracy gain per 1000 parameters"
    if _not_answered(answer):
        check(name, answer, 0.0)
    base = float(results["bdt"]["accuracy"])
    reference = [
        (float(results[n]["accuracy"]) - base) / (float(results[n]["n_params"]) / 1000)
        for n in GAIN_MODELS
    ]
    if isinstance(answer, Mapping):
        values: object = [answer.get(n, float("nan")) for n in GAIN_MODELS]
    else:
        values = answer
    check(
        name,
        values,
        reference,
        rel_tol=1e-3,
        abs_tol=1e-9,
        hint=f"a dict with the keys {list(GAIN_MODELS)}; subtract the BDT's accuracy and "
        "divide by the number of parameters in thousands",
    )
