"""Closure and stress tests: unfold with IBU and OmniFold and score against the truth.

Used by the chapter and by ``python -m hepml_course.bench unfolding``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hepml_course.metrics.unfolding import (
    bootstrap_covariance,
    chi2_ndf,
    normalized_covariance,
    triangular_discriminator,
)
from hepml_course.unfolding.bootstrap import (
    fit_omnifold,
    ibu_ensemble,
    omnifold_ensemble,
    weighted_histograms,
)
from hepml_course.unfolding.omnifold import OmniFold
from hepml_course.unfolding.sample import BINS, UnfoldingSample, histogram


@dataclass
class UnfoldingResult:
    """Histograms of one observable: truth, prior and each method's result.

    ``unfolded[method]`` are counts; ``covariance[method]`` the covariance of the
    *normalised* result (bootstrap, or the simulation's statistics only when no
    replicas were run).
    """

    observable: str
    edges: np.ndarray
    truth: np.ndarray
    prior: np.ndarray
    unfolded: dict[str, np.ndarray] = field(default_factory=dict)
    covariance: dict[str, np.ndarray] = field(default_factory=dict)

    def chi2_ndf(self, method: str) -> float:
        """χ²/ndf of a method (or ``"prior"``) against the truth."""
        if method == "prior":
            return chi2_ndf(self.prior, self.truth, normalized_covariance(self.prior))
        return chi2_ndf(self.unfolded[method], self.truth, self.covariance[method])

    def triangular(self, method: str) -> float:
        """Triangular discriminator (× 10³) of a method (or ``"prior"``) vs the truth."""
        counts = self.prior if method == "prior" else self.unfolded[method]
        return triangular_discriminator(counts, self.truth)

    def uncertainty(self, method: str) -> np.ndarray:
        """Per-bin uncertainty of the normalised result (√ of the covariance diagonal)."""
        return np.sqrt(np.clip(np.diag(self.covariance[method]), 0.0, None))


def _cov(replicas: np.ndarray | None, nominal: np.ndarray, sumw2: np.ndarray) -> np.ndarray:
    """Bootstrap covariance (diagonal only when replicas are too few for a full one)."""
    if replicas is None or len(replicas) < 2:
        return normalized_covariance(nominal, sumw2)
    cov = bootstrap_covariance(replicas)
    return cov if len(replicas) >= 2 * len(nominal) else np.diag(np.diag(cov))


def unfold_all(
    sim: UnfoldingSample,
    data: UnfoldingSample,
    observables: tuple[str, ...] | None = None,
    omnifold: OmniFold | None = None,
    omnifold_replicas: int = 0,
    ibu_replicas: int = 50,
    ibu_iterations: int = 4,
    seed: int = 0,
    extra: tuple[str, ...] = (),
    bins: dict[str, np.ndarray] | None = None,
    central: str = "nominal",
    **omnifold_kwargs: object,
) -> dict[str, UnfoldingResult]:
    """Unfold ``data`` with the simulation ``sim`` by OmniFold and IBU and collect histograms.

    Parameters
    ----------
    sim, data
        Simulation and pseudo-data (whose particle level is the truth to compare to).
    observables
        Observables to evaluate (all features of ``sim`` by default).
    omnifold
        An :class:`OmniFold` already fitted on ``sim`` and ``data`` (fitted here with
        ``omnifold_kwargs`` if None).
    omnifold_replicas
        Bootstrap replicas of OmniFold for its covariance (0: the simulation's
        weighted statistics only, an underestimate).
    ibu_replicas, ibu_iterations
        IBU bootstrap replicas and iterations.
    seed
        Seeds the networks and the bootstraps.
    extra
        Further particle-level columns (e.g. ``"pt"``) unfolded by OmniFold only,
        after the fact.
    bins
        Bin edges per observable (default :data:`~hepml_course.unfolding.sample.BINS`).
    central
        OmniFold central value: ``"nominal"`` (the single fit on the unresampled
        samples) or ``"ensemble"`` (mean of the nominal and all bootstrap replicas,
        which averages out part of the network variance; needs replicas).
    """
    if central not in {"nominal", "ensemble"}:
        raise ValueError(f"central must be 'nominal' or 'ensemble', got {central!r}")
    observables = observables or sim.observables
    if omnifold is None:
        omnifold = fit_omnifold(OmniFold(**omnifold_kwargs), sim, data, seed=seed)  # type: ignore[arg-type]
    w = omnifold.weights(sim.gen)
    replicas = (
        omnifold_ensemble(sim, data, omnifold_replicas, seed=seed + 1, **omnifold_kwargs)
        if omnifold_replicas > 0
        else None
    )
    results: dict[str, UnfoldingResult] = {}
    for obs in (*observables, *extra):
        edges = (bins or BINS)[obs]
        g = sim.column(obs, "gen")
        m = sim.pass_gen
        res = UnfoldingResult(
            observable=obs,
            edges=edges,
            truth=histogram(data.column(obs, "gen")[data.pass_gen], edges),
            prior=histogram(g[m], edges),
        )
        nominal = histogram(g[m], edges, w[m])
        reps = None if replicas is None else weighted_histograms(g, m, edges, replicas)
        if central == "ensemble" and reps is not None:
            nominal = np.vstack([nominal, reps]).mean(axis=0)
        res.unfolded["omnifold"] = nominal
        res.covariance["omnifold"] = _cov(reps, nominal, histogram(g[m], edges, w[m] ** 2))
        if obs in observables:
            ibu_nom, ibu_reps = ibu_ensemble(
                sim, data, obs, edges, ibu_replicas, ibu_iterations, seed=seed + 2
            )
            res.unfolded["ibu"] = ibu_nom
            res.covariance["ibu"] = _cov(ibu_reps, ibu_nom, ibu_nom)
        results[obs] = res
    return results


def split_closure(sim: UnfoldingSample) -> tuple[UnfoldingSample, UnfoldingSample]:
    """Split a simulation in two halves (even/odd events): (simulation, pseudo-data)."""
    idx = np.arange(len(sim))
    return sim.subset(idx % 2 == 0), sim.subset(idx % 2 == 1)
