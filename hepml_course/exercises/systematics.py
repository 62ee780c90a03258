"""Reference checks of the systematics chapter's exercises (``book/chapters/09_systematics.md``).

Each ``check_*`` function recomputes the expected value from the chapter's own
arrays, out of sight, and hands it to :func:`hepml_course.exercises.check`,
which never prints it. No TensorFlow is imported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_ensemble_ece", "check_interval_coverage", "check_rejection"]


def check_rejection(
    answer: object, y_true: Any, score: Any, signal_efficiency: float = 0.5
) -> None:
    """Exercise 1: background rejection 1/ε_B at a signal efficiency.

    Parameters
    ----------
    answer
        The learner's rejection (a number ≥ 1).
    y_true
        ``(n_jets,)`` labels, 1 = W/Z jet.
    score
        ``(n_jets,)`` the tagger's output.
    signal_efficiency
        Fraction of W/Z jets the cut keeps.
    """
    from hepml_course.metrics.decorrelation import background_rejection

    check(
        f"background rejection at {signal_efficiency:.0%} signal efficiency",
        answer,
        background_rejection(y_true, score, signal_efficiency=signal_efficiency),
        rel_tol=0.03,
        hint="the cut is the score that keeps the requested fraction of the W/Z jets (a "
        "quantile of their scores); the rejection is the number of QCD jets divided by the "
        "number of QCD jets above that cut",
    )


def check_ensemble_ece(answer: object, y_true: Any, member_probabilities: Any) -> None:
    """Exercise 2: expected calibration error of an ensemble's mean prediction.

    Parameters
    ----------
    answer
        The learner's ECE (10 equal-width bins).
    y_true
        ``(n_jets,)`` labels 0/1.
    member_probabilities
        ``(n_members, n_jets)`` each member's P(W/Z).
    """
    from hepml_course.metrics.calibration import expected_calibration_error

    mean = np.mean(np.asarray(member_probabilities, dtype=float), axis=0)
    check(
        "ECE of the ensemble",
        answer,
        expected_calibration_error(y_true, mean, bins=10),
        abs_tol=1e-4,
        hint="average the members' probabilities jet by jet first, then compute the ECE of "
        "that mean with 10 bins",
    )


def check_interval_coverage(
    answer: object,
    model: Any,
    inputs: Any,
    e_true_gev: Any,
    level: float,
    e_range_gev: tuple[float, float],
) -> None:
    """Exercise 3: the fraction of showers in an energy range whose truth is in the interval.

    Parameters
    ----------
    answer
        The learner's fraction in [0, 1].
    model
        A fitted model with ``predict_interval(inputs, level) -> (lower, upper)`` in GeV.
    inputs
        The model's inputs for the showers.
    e_true_gev
        ``(n_showers,)`` true energies in GeV.
    level
        Probability content of the intervals, e.g. 0.68.
    e_range_gev
        ``(low, high)``: only showers with low ≤ E_true < high count.
    """
    e = np.asarray(e_true_gev, dtype=float)
    lower, upper = model.predict_interval(inputs, level)
    selected = (e >= e_range_gev[0]) & (e < e_range_gev[1])
    inside = (lower <= e) & (e <= upper)
    check(
        f"coverage of the {level:.0%} intervals at {e_range_gev[0]:g}–{e_range_gev[1]:g} GeV",
        answer,
        float(np.mean(inside[selected])),
        abs_tol=1e-9,
        hint="select the showers whose TRUE energy is in the range, then count those with "
        "lower <= true energy <= upper and divide by the number selected",
    )
