"""Reference checks of the unfolding chapter's exercises (``book/chapters/06_unfolding.md``).

Each ``check_*`` function recomputes the expected value from the chapter's own
inputs, out of sight, and hands it to :func:`hepml_course.exercises.check`,
which never prints it. No TensorFlow is imported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = [
    "IBU_ITERATIONS",
    "best_ibu_iterations",
    "check_best_iterations",
    "check_same_bin_fraction",
    "check_unfolded_fraction",
    "region_fraction",
    "same_bin_fraction",
]

#: Numbers of IBU iterations scanned in exercise 2.
IBU_ITERATIONS: tuple[int, ...] = (1, 2, 4, 8, 16, 32)


def _bin_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each value, under/overflow folded into the first/last bin (as ``histogram``)."""
    index = np.searchsorted(edges, np.asarray(values, dtype=np.float64), side="right") - 1
    return np.clip(index, 0, len(edges) - 2)


def same_bin_fraction(sample: Any, observable: str = "mult") -> float:
    """Fraction of jets passing both selections whose detector-level value stays in its bin.

    Parameters
    ----------
    sample
        An :class:`~hepml_course.unfolding.UnfoldingSample` (the simulation).
    observable
        Observable binned with :data:`hepml_course.unfolding.BINS`.

    Returns
    -------
    float
        Share of events with ``pass_gen & pass_reco`` whose particle- and
        detector-level values fall in the same bin (the diagonal of the
        event-count migration matrix over its total).
    """
    from hepml_course.unfolding import BINS

    both = sample.pass_gen & sample.pass_reco
    edges = BINS[observable]
    gen = _bin_index(sample.column(observable, "gen")[both], edges)
    reco = _bin_index(sample.column(observable, "reco")[both], edges)
    return float(np.mean(gen == reco))


def check_same_bin_fraction(answer: object, sim: Any) -> None:
    """Exercise 1: share of simulated jets that stay in their multiplicity bin.

    Parameters
    ----------
    answer
        The learner's fraction (a number in [0, 1]).
    sim
        The simulation sample of the chapter.
    """
    check(
        "fraction of jets in the same multiplicity bin",
        answer,
        same_bin_fraction(sim, "mult"),
        rel_tol=5e-3,
        hint="keep events with sim.pass_gen & sim.pass_reco, find each event's bin at both "
        "levels (np.digitize with BINS['mult']) and take the mean of 'same bin'",
    )


def best_ibu_iterations(data_reco: np.ndarray, truth: np.ndarray, response: Any) -> int:
    """Number of IBU iterations (among :data:`IBU_ITERATIONS`) with the lowest χ²/ndf.

    Parameters
    ----------
    data_reco
        Detector-level histogram of the pseudo-data.
    truth
        Particle-level histogram of the pseudo-data (its covariance is the χ²'s).
    response
        The :class:`~hepml_course.unfolding.Response` of the observable.
    """
    from hepml_course.metrics.unfolding import chi2_ndf, normalized_covariance
    from hepml_course.unfolding import ibu

    cov_truth = normalized_covariance(truth)
    scan = {n: chi2_ndf(ibu(data_reco, response, n), truth, cov_truth) for n in IBU_ITERATIONS}
    return min(scan, key=scan.__getitem__)


def check_best_iterations(
    answer: object, data_reco: np.ndarray, truth: np.ndarray, response: Any
) -> None:
    """Exercise 2: the number of IBU iterations with the lowest χ²/ndf.

    Parameters
    ----------
    answer
        The learner's number of iterations (one of :data:`IBU_ITERATIONS`).
    data_reco, truth, response
        As in :func:`best_ibu_iterations`.
    """
    check(
        "best number of IBU iterations",
        answer,
        best_ibu_iterations(data_reco, truth, response),
        rel_tol=0.0,
        abs_tol=0.0,
        hint="compute chi2_ndf(ibu(data_reco, resp, n), truth, normalized_covariance(truth)) "
        "for every n of the list and keep the n with the smallest value",
    )


def region_fraction(sample: Any, weights: np.ndarray | None = None) -> float:
    """Weighted share of particle-level jets with τ21 < 0.5 and z_g > 0.2.

    Parameters
    ----------
    sample
        An :class:`~hepml_course.unfolding.UnfoldingSample`.
    weights
        (n_events,) per-event weights (e.g. OmniFold's ``ν``); 1 if None.

    Returns
    -------
    float
        Σ w · [τ21 < 0.5 and z_g > 0.2] / Σ w over events passing ``pass_gen``.
    """
    g = sample.pass_gen
    inside = (sample.column("tau21")[g] < 0.5) & (sample.column("zg")[g] > 0.2)
    w = np.ones(int(g.sum())) if weights is None else np.asarray(weights, np.float64)[g]
    return float(np.sum(inside * w) / np.sum(w))


def check_unfolded_fraction(answer: object, sim: Any, nu: np.ndarray) -> None:
    """Exercise 3: the unfolded share of jets with τ21 < 0.5 and z_g > 0.2.

    Parameters
    ----------
    answer
        The learner's fraction.
    sim
        The simulation sample.
    nu
        (n_sim,) OmniFold weights of the simulated events.
    """
    check(
        "unfolded fraction of jets with τ21 < 0.5 and z_g > 0.2",
        answer,
        region_fraction(sim, nu),
        rel_tol=1e-6,
        hint="select sim.pass_gen events and take np.average of the boolean 'in the region' "
        "with weights nu",
    )
