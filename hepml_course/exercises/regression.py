"""Reference answers of the exercises of chapter 3 (energy regression), computed out of sight.

Each ``check_*`` function takes the learner's answer and the chapter's inputs,
recomputes the expected value here (never printed) and calls
:func:`hepml_course.exercises.check`. No TensorFlow is imported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_coverage", "check_raw_resolution", "check_stochastic_no_noise"]


def check_raw_resolution(
    answer: object,
    voxels_gev: np.ndarray,
    e_true_gev: np.ndarray,
    *,
    lo_gev: float = 10.0,
    hi_gev: float = 20.0,
) -> None:
    """Exercise 1: σ_eff/E of the raw sum for lo ≤ E_true < hi, over the median response.

    Parameters
    ----------
    answer
        The learner's relative resolution (a fraction, e.g. 0.05 for 5 %).
    voxels_gev
        Voxel energies of the test showers, GeV, shape (n, n_voxels).
    e_true_gev
        Their true energies, GeV, shape (n,).
    lo_gev, hi_gev
        The energy range, GeV.

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    from hepml_course.metrics.regression import sigma_eff

    e_true = np.asarray(e_true_gev, dtype=float)
    sel = (e_true >= lo_gev) & (e_true < hi_gev)
    ratio = np.asarray(voxels_gev, dtype=float)[sel].sum(axis=1) / e_true[sel]
    expected = sigma_eff(ratio) / np.median(ratio)
    check(
        f"raw-sum σ_eff/E at {lo_gev:g}–{hi_gev:g} GeV",
        answer,
        expected,
        rel_tol=1e-3,
        hint="select the showers by their true energy, and divide σ_eff of raw/E by its median",
    )


def check_stochastic_no_noise(answer: object, binned: Any) -> None:
    """Exercise 2: the stochastic term a (√GeV) of the resolution fit with the noise term b = 0.

    Parameters
    ----------
    answer
        The learner's a, √GeV.
    binned
        The DNN's binned performance (``evaluations["dnn"].binned``, a
        :class:`hepml_course.metrics.regression.BinnedPerformance`).

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    if answer is Ellipsis or answer is None:
        check("stochastic term a with b = 0 (√GeV)", answer, 0.0)
    from hepml_course.metrics.regression import fit_resolution

    fit = fit_resolution(
        binned.centre_gev, binned.sigma_eff_rel, binned.sigma_eff_rel_err, fix_noise=0.0
    )
    check(
        "stochastic term a with b = 0 (√GeV)",
        answer,
        fit.stochastic_a,
        rel_tol=1e-3,
        hint="call mr.fit_resolution on the DNN's binned σ_eff/E with fix_noise=0.0",
    )


def check_coverage(
    answer: object, e_true_gev: np.ndarray, e_pred_gev: np.ndarray, sigma_pred_gev: np.ndarray
) -> None:
    """Exercise 3: the fraction of true energies within E_pred ± σ_pred.

    Parameters
    ----------
    answer
        The learner's fraction (between 0 and 1).
    e_true_gev, e_pred_gev, sigma_pred_gev
        True energies, predictions and predicted uncertainties of the test
        showers, GeV, shape (n,).

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    e_true = np.asarray(e_true_gev, dtype=float)
    e_pred = np.asarray(e_pred_gev, dtype=float)
    sigma = np.asarray(sigma_pred_gev, dtype=float)
    inside = (e_true >= e_pred - sigma) & (e_true <= e_pred + sigma)
    check(
        "1σ coverage of the DNN",
        answer,
        float(np.mean(inside)),
        abs_tol=0.5 / max(len(e_true), 1),
        hint="count the test showers with |E_pred − E_true| ≤ σ_pred, as a fraction of all",
    )
