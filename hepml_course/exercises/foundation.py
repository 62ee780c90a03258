"""Reference checks of the chapter "Foundation models" (``book/chapters/10_foundation.md``).

Each ``check_*`` function recomputes the reference out of sight, from the
objects the chapter defined before the exercise, and hands it to
:func:`hepml_course.exercises.check`, which never prints it.  No TensorFlow is
imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_finetuning_gain", "check_flops_ratio", "check_top_tokens_share"]


def _not_answered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def check_top_tokens_share(
    answer: object, tokeniser: Any, particles: Any, mask: Any, n_top: int = 100
) -> None:
    """Exercise 1: fraction of the jets' constituents whose token is one of the ``n_top`` most
    frequent tokens.

    Parameters
    ----------
    answer
        The learner's fraction, in [0, 1].
    tokeniser
        The backbone's :class:`~hepml_course.foundation.BinnedTokeniser`.
    particles, mask
        ``(n_jets, N, 4)`` constituents and ``(n_jets, N)`` mask of the jets.
    n_top
        How many of the most frequent tokens count.
    """
    name = f"share of the constituents in the {n_top} most frequent tokens"
    if _not_answered(answer):
        check(name, answer, 0.0)
    mask = np.asarray(mask, dtype=bool)
    tokens = tokeniser.transform(particles, mask)[mask]
    counts = np.sort(np.bincount(tokens, minlength=tokeniser.n_tokens))[::-1]
    check(
        name,
        answer,
        counts[:n_top].sum() / mask.sum(),
        rel_tol=0.0,
        abs_tol=1e-3,
        hint="tokenise the jets, keep the tokens of real particles (mask), count each token "
        "(np.bincount), sort the counts and sum the largest ones",
    )


def check_finetuning_gain(answer: object, curves: Mapping[str, Mapping[str, float]]) -> None:
    """Exercise 2: accuracy gain of fine-tuning over training from scratch, per label budget.

    Parameters
    ----------
    answer
        The learner's dict ``{budget: finetuned_acc − scratch_acc}`` with the
        budgets (jets per class) of ``curves`` as keys (int or str).
    curves
        The benchmark record's ``"curves"`` (``str(budget)`` → row).
    """
    name = "fine-tuning gain per label budget"
    if _not_answered(answer):
        check(name, answer, 0.0)
    if not isinstance(answer, Mapping):
        check(name, float("nan"), 0.0, hint="give a dict {budget: gain}")
    given = {str(k): v for k, v in answer.items()}
    if sorted(given) != sorted(curves):
        check(
            name,
            float("nan"),
            0.0,
            hint=f"give one gain per label budget: keys {sorted(curves, key=int)}",
        )
    budgets = sorted(curves, key=int)
    expected = [curves[b]["finetuned_acc"] - curves[b]["scratch_acc"] for b in budgets]
    check(name, [given[b] for b in budgets], expected, rel_tol=0.0, abs_tol=1e-4)


def check_flops_ratio(answer: object, backbone_config: Any, dnn: Any) -> None:
    """Exercise 3: forward-pass FLOPs per jet of the backbone over those of the DNN.

    Parameters
    ----------
    answer
        The learner's ratio.
    backbone_config
        The backbone's :class:`~hepml_course.foundation.BackboneConfig`.
    dnn
        A trained :class:`~hepml_course.classification.DNNTagger`: its dense
        layers cost 2 FLOPs per weight per jet.
    """
    name = "FLOPs ratio backbone / DNN"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.foundation.backbone import flops_per_jet

    check(
        name,
        answer,
        flops_per_jet(backbone_config) / (2 * dnn.n_params),
        rel_tol=0.05,
        hint="flops_per_jet(backbone.config) for the backbone; 2 FLOPs per parameter of the DNN",
    )
