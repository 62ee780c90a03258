"""Bootstrap ensembles for unfolding uncertainties.

Each replica resamples the data *and* the simulation with Poisson(1) event
weights (statistical uncertainty of both) and, for OmniFold, also draws a new
network initialisation (the training uncertainty).
"""

from __future__ import annotations

import numpy as np

from hepml_course.unfolding.binned import ibu, response_matrix
from hepml_course.unfolding.omnifold import OmniFold
from hepml_course.unfolding.sample import UnfoldingSample, histogram


def poisson_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap weights: ``n`` independent Poisson(1) draws (float64)."""
    return rng.poisson(1.0, n).astype(np.float64)


def ibu_ensemble(
    sim: UnfoldingSample,
    data: UnfoldingSample,
    observable: str,
    edges: np.ndarray,
    n_replicas: int = 50,
    n_iterations: int = 4,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """IBU of one observable, nominal and bootstrap replicas.

    Returns
    -------
    nominal, replicas
        Unfolded counts ``(n_bins,)`` and ``(n_replicas, n_bins)``.
    """
    rng = np.random.default_rng(seed)
    g, r = sim.column(observable, "gen"), sim.column(observable, "reco")
    d = data.column(observable, "reco")

    def run(w_sim: np.ndarray | None, w_data: np.ndarray | None) -> np.ndarray:
        resp = response_matrix(g, r, sim.pass_gen, sim.pass_reco, edges, weights=w_sim)
        wd = None if w_data is None else w_data[data.pass_reco]
        return ibu(histogram(d[data.pass_reco], edges, wd), resp, n_iterations)

    nominal = run(None, None)
    replicas = np.array(
        [
            run(poisson_weights(len(sim), rng), poisson_weights(len(data), rng))
            for _ in range(n_replicas)
        ]
    ).reshape(n_replicas, len(edges) - 1)
    return nominal, replicas


def fit_omnifold(
    model: OmniFold,
    sim: UnfoldingSample,
    data: UnfoldingSample,
    *,
    sim_weight: np.ndarray | None = None,
    data_weight: np.ndarray | None = None,
    seed: int = 0,
) -> OmniFold:
    """Fit ``model`` with the simulation ``sim`` to the detector level of ``data``.

    Shorthand for ``model.fit(sim.gen, sim.reco, data=data.reco, ...)`` with the
    selection flags of both samples.
    """
    return model.fit(
        sim.gen,
        sim.reco,
        data=data.reco,
        pass_gen=sim.pass_gen,
        pass_reco=sim.pass_reco,
        data_pass_reco=data.pass_reco,
        sample_weight=sim_weight,
        data_weight=data_weight,
        seed=seed,
    )


def omnifold_ensemble(
    sim: UnfoldingSample,
    data: UnfoldingSample,
    n_replicas: int,
    seed: int = 0,
    **omnifold_kwargs: object,
) -> np.ndarray:
    """Per-event particle-level weights of ``n_replicas`` bootstrap OmniFold runs.

    Parameters
    ----------
    sim, data
        Simulation and (pseudo-)data; only the data's detector level is used.
    n_replicas
        Number of replicas (each one full OmniFold run: costly).
    seed
        Seeds the resampling and, per replica, the networks.
    omnifold_kwargs
        Passed to :class:`OmniFold` (``n_iterations``, ``epochs`` ...).

    Returns
    -------
    numpy.ndarray
        ``(n_replicas, n_sim)``: total weight (bootstrap × OmniFold) of each
        simulated event; histogram the particle level of ``sim`` with them.
    """
    rng = np.random.default_rng(seed)
    out = np.empty((n_replicas, len(sim)))
    for k in range(n_replicas):
        w_sim = poisson_weights(len(sim), rng)
        w_data = poisson_weights(len(data), rng)
        of = OmniFold(**omnifold_kwargs)  # type: ignore[arg-type]
        seed_k = seed + 7919 * (k + 1)
        fit_omnifold(of, sim, data, sim_weight=w_sim, data_weight=w_data, seed=seed_k)
        out[k] = w_sim * of.weights(sim.gen)
    return out


def weighted_histograms(
    values: np.ndarray, mask: np.ndarray, edges: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Histogram ``values[mask]`` with each row of ``weights`` → ``(n_rows, n_bins)``."""
    weights = np.atleast_2d(weights)
    return np.array([histogram(values[mask], edges, w[mask]) for w in weights])
