"""Reference checks of the anomaly-detection chapter's exercises (``book/chapters/07_anomaly.md``).

Each ``check_*`` function recomputes the expected value from the chapter's own
inputs, out of sight, and hands it to :func:`hepml_course.exercises.check`,
which never prints it. No TensorFlow is imported here (the DQM check calls the
chapter's already trained model).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = [
    "HLT_RATE_KHZ",
    "MET_BUDGET_KHZ",
    "check_fraction_kept",
    "check_hot_detection",
    "check_mean_mu2",
    "check_met_cut",
]

#: Output rate of the high-level trigger in exercise 1, kHz.
HLT_RATE_KHZ = 1.0
#: Rate budget of the MET trigger in exercise 2, kHz.
MET_BUDGET_KHZ = 10.0


def check_fraction_kept(answer: object) -> None:
    """Exercise 1: the fraction of the 40 MHz bunch crossings that a 1 kHz output keeps.

    Parameters
    ----------
    answer
        The learner's fraction (dimensionless).
    """
    from hepml_course.metrics.trigger import rate_khz_to_acceptance

    check(
        "fraction of crossings kept at 1 kHz",
        answer,
        rate_khz_to_acceptance(HLT_RATE_KHZ),
        rel_tol=1e-3,
        hint="divide the output rate by the bunch-crossing rate, both in the same unit",
    )


def check_met_cut(answer: object, sample: Any) -> None:
    """Exercise 2: the missing-momentum threshold (GeV) of a 10 kHz budget.

    Parameters
    ----------
    answer
        The learner's threshold, GeV (the trigger fires for MET > threshold).
    sample
        The chapter's :class:`~hepml_course.anomaly.TriggerSample` (its test
        background and weights set the rate).
    """
    from hepml_course.anomaly import baselines
    from hepml_course.metrics.trigger import threshold_at_rate

    expected = threshold_at_rate(baselines.met(sample.test), sample.test_weight, MET_BUDGET_KHZ)
    check(
        "MET threshold for a 10 kHz budget [GeV]",
        answer,
        expected,
        rel_tol=1e-6,
        hint="trigger.threshold_at_rate(scores, weights, rate_khz) with the MET of the test "
        "background and its weights",
    )


def check_mean_mu2(answer: object, model_scores: Any) -> None:
    """Exercise 3: the mean AXOL1TL score Σ μ² of the h⁰ → ττ events.

    Parameters
    ----------
    answer
        The learner's mean score.
    model_scores
        The chapter's :class:`~hepml_course.anomaly.study.Scores` of the models.
    """
    expected = float(np.mean(model_scores.signals["axol1tl_vae"]["h0_tautau"]))
    check(
        "mean Σμ² of the h0 → ττ events",
        answer,
        expected,
        rel_tol=1e-4,
        hint="predict μ with the encoder (verbose=0), square, sum over the latent axis, "
        "then average over the events",
    )


def check_hot_detection(answer: object, dqm_study: Any) -> None:
    """Exercise 4: detection rate of hot regions that fire in 5 % more events.

    Parameters
    ----------
    answer
        The learner's detection rate (share of faulty maps above threshold).
    dqm_study
        The chapter's :class:`~hepml_course.anomaly.study.DQMStudy`.
    """
    from hepml_course.anomaly import dqm

    weak, _ = dqm.inject_fault(dqm_study.normal, "hot_tower", seed=5, hot_extra=0.05)
    threshold = dqm_study.results["hot_tower"]["threshold"]
    expected = float(np.mean(dqm_study.model.score(weak) > threshold))
    check(
        "detection rate of a 5 % hot region",
        answer,
        expected,
        rel_tol=1e-6,
        abs_tol=1e-9,
        hint="score the new faulty maps with dqm_study.model.score and take the share above "
        "the hot_tower threshold",
    )
