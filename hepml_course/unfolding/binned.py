"""Binned unfolding of one observable: response matrix, IBU (D'Agostini) and bin-by-bin.

Notation: ``i`` runs over particle-level (truth) bins, ``j`` over detector-level
bins.  The *migration* matrix ``M[j, i]`` is the probability that an event of
truth bin ``i`` (passing the particle-level selection) is reconstructed in bin
``j``; its column sums are the efficiencies ``ε_i``.  Fakes (detector-level
events without a particle-level jet) are subtracted with the simulated fake
fraction of each detector-level bin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hepml_course.unfolding.sample import histogram


@dataclass(frozen=True)
class Response:
    """A binned detector response estimated from simulation.

    Attributes
    ----------
    migration
        ``(n_reco_bins, n_gen_bins)``: P(reco bin j and pass_reco | gen bin i).
    efficiency
        ``(n_gen_bins,)``: P(pass_reco | gen bin i) = column sums of ``migration``.
    fake_fraction
        ``(n_reco_bins,)``: share of detector-level events without a particle-level jet.
    truth
        Simulated particle-level histogram (the default prior).
    reco
        Simulated detector-level histogram (all events passing reco).
    gen_edges, reco_edges
        Bin edges.
    """

    migration: np.ndarray
    efficiency: np.ndarray
    fake_fraction: np.ndarray
    truth: np.ndarray
    reco: np.ndarray
    gen_edges: np.ndarray
    reco_edges: np.ndarray

    @property
    def purity(self) -> np.ndarray:
        """Fraction of the events reconstructed in bin i that were generated in bin i."""
        joint = self.migration * self.truth[None, :]
        diag = np.diag(joint) if joint.shape[0] == joint.shape[1] else np.full(len(joint), np.nan)
        matched = joint.sum(axis=1)
        return np.divide(diag, matched, out=np.zeros_like(diag), where=matched > 0)


def response_matrix(
    gen: np.ndarray,
    reco: np.ndarray,
    pass_gen: np.ndarray,
    pass_reco: np.ndarray,
    gen_edges: np.ndarray,
    reco_edges: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> Response:
    """Estimate the response of one observable from simulated events.

    Parameters
    ----------
    gen, reco
        The observable at particle and detector level, one value per event.
    pass_gen, pass_reco
        Selection flags at each level.
    gen_edges, reco_edges
        Bin edges (``reco_edges`` defaults to ``gen_edges``).
    weights
        Event weights (1 if None).
    """
    gen, reco = np.asarray(gen, np.float64), np.asarray(reco, np.float64)
    pass_gen, pass_reco = np.asarray(pass_gen, bool), np.asarray(pass_reco, bool)
    n = len(gen)
    if not (len(reco) == len(pass_gen) == len(pass_reco) == n):
        raise ValueError("gen, reco, pass_gen and pass_reco must have the same length")
    reco_edges = gen_edges if reco_edges is None else reco_edges
    w = np.ones(n) if weights is None else np.asarray(weights, np.float64)
    both = pass_gen & pass_reco
    nb_g, nb_r = len(gen_edges) - 1, len(reco_edges) - 1
    ig = np.clip(np.digitize(gen, gen_edges) - 1, 0, nb_g - 1)
    ir = np.clip(np.digitize(reco, reco_edges) - 1, 0, nb_r - 1)
    joint = np.zeros((nb_r, nb_g))
    np.add.at(joint, (ir[both], ig[both]), w[both])
    truth = histogram(gen[pass_gen], gen_edges, w[pass_gen])
    reco_hist = histogram(reco[pass_reco], reco_edges, w[pass_reco])
    fakes = histogram(reco[pass_reco & ~pass_gen], reco_edges, w[pass_reco & ~pass_gen])
    migration = np.divide(joint, truth[None, :], out=np.zeros_like(joint), where=truth > 0)
    return Response(
        migration=migration,
        efficiency=migration.sum(axis=0),
        fake_fraction=np.divide(fakes, reco_hist, out=np.zeros_like(fakes), where=reco_hist > 0),
        truth=truth,
        reco=reco_hist,
        gen_edges=np.asarray(gen_edges, np.float64),
        reco_edges=np.asarray(reco_edges, np.float64),
    )


def ibu(
    data: np.ndarray,
    response: Response,
    n_iterations: int = 4,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """Iterative Bayesian unfolding (D'Agostini, NIM A362 (1995) 487).

    Parameters
    ----------
    data
        Detector-level histogram of the data (binned with ``response.reco_edges``).
    response
        From :func:`response_matrix`.
    n_iterations
        Number of iterations (the regularisation: few iterations stay close to
        the prior, many amplify statistical fluctuations).
    prior
        Starting particle-level spectrum (the simulated truth if None).

    Returns
    -------
    numpy.ndarray
        Unfolded particle-level counts (corrected for efficiency and fakes).
    """
    data = np.asarray(data, np.float64)
    m, eff = response.migration, response.efficiency
    if data.shape != (m.shape[0],):
        raise ValueError(f"data must have {m.shape[0]} bins (the response's reco bins)")
    if n_iterations < 0:
        raise ValueError("n_iterations must be ≥ 0")
    signal = data * (1.0 - response.fake_fraction)
    t = np.asarray(response.truth if prior is None else prior, np.float64).copy()
    if t.sum() <= 0:
        raise ValueError("the prior must have a positive total")
    # start from the prior normalised to the efficiency-corrected data
    expected_total = (m @ t).sum()
    t *= signal.sum() / expected_total if expected_total > 0 else 1.0
    for _ in range(n_iterations):
        folded = m @ t  # expected reco spectrum
        ratio = np.divide(signal, folded, out=np.zeros_like(signal), where=folded > 0)
        t = np.divide(t * (m.T @ ratio), eff, out=np.zeros_like(t), where=eff > 0)
    return t


def bin_by_bin(data: np.ndarray, response: Response) -> np.ndarray:
    """Bin-by-bin correction: data × (simulated truth / simulated reco), same binning.

    Only exact when the simulation already has the right spectrum: the
    correction factors carry the simulation's shape into the result (a
    cautionary example).
    """
    data = np.asarray(data, np.float64)
    if len(response.gen_edges) != len(response.reco_edges):
        raise ValueError("bin-by-bin needs the same binning at both levels")
    factor = np.divide(
        response.truth, response.reco, out=np.zeros_like(response.truth), where=response.reco > 0
    )
    return data * factor


def forward_fold(truth: np.ndarray, response: Response) -> np.ndarray:
    """Expected detector-level histogram for a particle-level spectrum (plus fakes)."""
    folded = response.migration @ np.asarray(truth, np.float64)
    return np.divide(
        folded,
        1.0 - response.fake_fraction,
        out=folded.copy(),
        where=response.fake_fraction < 1,
    )
