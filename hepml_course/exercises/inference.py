"""Reference checks of the inference chapter's exercises (``book/chapters/11_inference.md``).

Each ``check_*`` function recomputes the expected value from the chapter's own
inputs, out of sight, and hands it to :func:`hepml_course.exercises.check`,
which never prints it. No TensorFlow is imported here (the classifier passed in
imports it when it predicts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_coverage95", "check_log_ratio", "check_width68"]


def check_log_ratio(answer: object, classifier: Any, X: np.ndarray, theta: float) -> None:
    """Exercise 1: the learned log-likelihood ratio of a few events.

    Parameters
    ----------
    answer
        The learner's ``(n_events,)`` array of ln r̂(x; θ).
    classifier
        The fitted :class:`~hepml_course.inference.ParametrisedClassifier`.
    X
        ``(n_events, n_observables)`` the events.
    theta
        The θ value of the ratio.
    """
    # the raw ratio s/(1 − s), before the normalisation of ``calibrate``
    expected = classifier.log_ratio(X, np.array([theta]), normalised=False)[0]
    check(
        "learned log-likelihood ratio",
        answer,
        expected,
        rel_tol=1e-3,
        abs_tol=1e-3,
        hint="the classifier's output s is p(x|θ)/(p(x|θ) + p(x|θ_ref)); solve for the ratio "
        "p(x|θ)/p(x|θ_ref) and take its logarithm",
    )


def check_width68(answer: object, theta_grid: np.ndarray, nll: np.ndarray) -> None:
    """Exercise 2: the width of the 68 % interval of a −ln L scan.

    Parameters
    ----------
    answer
        The learner's width (units of θ).
    theta_grid, nll
        ``(G,)`` the scan: θ values and −ln L.
    """
    from hepml_course.inference.scan import profile_scan

    interval = profile_scan(theta_grid, nll)
    check(
        "width of the 68 % interval",
        answer,
        interval.interval68[1] - interval.interval68[0],
        abs_tol=5e-4,
        hint="the 68 % interval holds the θ where −ln L is at most 0.5 above its minimum; "
        "its width is the distance between the two crossings",
    )


def check_coverage95(answer: object, intervals: Sequence[Any], true_value: float) -> None:
    """Exercise 3: the fraction of 95 % intervals that contain the true value.

    Parameters
    ----------
    answer
        The learner's fraction in [0, 1].
    intervals
        One :class:`~hepml_course.inference.Interval` per pseudo-experiment
        (``None`` where the scan failed: not covering).
    true_value
        The θ the pseudo-data were generated with.
    """
    covered = [
        interval is not None and interval.interval95[0] <= true_value <= interval.interval95[1]
        for interval in intervals
    ]
    check(
        "coverage of the 95 % intervals",
        answer,
        float(np.mean(covered)),
        abs_tol=1e-9,
        hint="count the toys with lo <= true_value <= hi for their 95 % interval and divide "
        "by the number of toys",
    )
