"""Graph construction: hits are nodes, candidate track segments are edges.

An edge joins a hit on layer *l* (the *sender*, inner) to a hit on layer
*l + 1* (the *receiver*, outer).  Two geometric quantities of the segment
decide whether it is kept:

* the **φ slope** Δφ/Δr (rad/mm): a track of transverse momentum pT in a field
  B bends by Δφ ≈ 0.3 B Δr / (2 pT), so a cut on it is a cut on pT;
* **z0** = z_in − r_in Δz/Δr (mm): the segment extrapolated to the beam line
  must point back to the luminous region.

:class:`GeometricCuts` learns both cuts from true segments of training events
(quantiles).  Three ways find the pairs to test:

* :func:`build_graph_naive` tests every pair of hits on adjacent layers
  (cost ∝ hits²), for comparison;
* :func:`build_graph` searches a φ window in φ-sorted hits — every hit meets
  all hits of the window along the *whole* length of the next layer, so the
  number of pairs still grows ∝ hits² (with a small constant);
* :func:`build_graph_module_map` pairs a hit only with the hits of the detector
  regions that real particles connect to its own
  (:class:`~hepml_course.tracking.module_map.ModuleMap`): fewer pairs, but
  with a fixed luminous region the number of *geometrically allowed* fake pairs
  per hit still grows with the density — the edge filter
  (:mod:`~hepml_course.tracking.edge_filter`) removes those.

Each edge also gets a classical **triplet compatibility** in [0, 1]: how well
its φ slope and z0 agree with those of the best-matching edge before or after
it (a helix keeps both constant along its path).  On its own it is the
classical baseline of the chapter; the GNN receives it as one input among others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hepml_course.tracking.hits import N_LAYERS, Hits

if TYPE_CHECKING:
    from hepml_course.tracking.module_map import ModuleMap

#: Edge features passed to the GNN, in this order (see :func:`segment_features`).
EDGE_FEATURES = ("dr", "dphi", "dz", "phi_slope", "z0", "triplet")
#: Node features passed to the GNN.
NODE_FEATURES = ("r", "phi", "z")
#: Scales dividing the raw features (mm, rad, rad/mm) so that the GNN sees O(1) numbers.
EDGE_SCALES = np.array([100.0, 0.05, 100.0, 3e-4, 100.0, 1.0], dtype=np.float32)
NODE_SCALES = np.array([1000.0, np.pi, 1000.0], dtype=np.float32)


def _wrap(dphi: np.ndarray) -> np.ndarray:
    return (dphi + np.pi) % (2 * np.pi) - np.pi


def segment_features(hits: Hits, senders: np.ndarray, receivers: np.ndarray) -> dict:
    """Geometric quantities of segments ``senders → receivers``.

    Returns
    -------
    dict
        ``dr`` (mm), ``dphi`` (rad), ``dz`` (mm), ``phi_slope`` (rad/mm), ``z0`` (mm).
    """
    r, phi, z = hits.r, hits.phi, hits.z
    dr = r[receivers] - r[senders]
    dphi = _wrap(phi[receivers] - phi[senders])
    dz = z[receivers] - z[senders]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(dr != 0, dphi / dr, np.inf)
        z0 = np.where(dr != 0, z[senders] - r[senders] * dz / dr, np.inf)
    return {"dr": dr, "dphi": dphi, "dz": dz, "phi_slope": slope, "z0": z0}


def true_segments(hits: Hits, pt_min_gev: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """All true segments: pairs of hits of one particle on adjacent layers.

    Parameters
    ----------
    hits
        Hits with truth (``particle``).
    pt_min_gev
        Keep only particles above this pT (GeV).

    Returns
    -------
    senders, receivers
        Hit indices (inner, outer).  Two hits of a particle on one layer
        (overlapping modules) both connect to the particle's hits on the next layer.
    """
    senders, receivers = [], []
    ok = hits.particle >= 0
    if pt_min_gev > 0 and len(hits.particle_pt):
        ok &= np.nan_to_num(hits.hit_pt, nan=-1.0) > pt_min_gev
    for lay in range(N_LAYERS - 1):
        inner = np.flatnonzero(ok & (hits.layer == lay))
        outer = np.flatnonzero(ok & (hits.layer == lay + 1))
        if len(inner) == 0 or len(outer) == 0:
            continue
        outer = outer[np.argsort(hits.particle[outer], kind="stable")]
        pout = hits.particle[outer]
        lo = np.searchsorted(pout, hits.particle[inner], side="left")
        hi = np.searchsorted(pout, hits.particle[inner], side="right")
        count = hi - lo
        s = np.repeat(inner, count)
        offsets = np.arange(len(s)) - np.repeat(np.cumsum(count) - count, count)
        r = outer[np.repeat(lo, count) + offsets]
        senders.append(s)
        receivers.append(r)
    if not senders:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(senders), np.concatenate(receivers)


def segment_pairs(senders: np.ndarray, receivers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of consecutive edges (i, j): edge i ends on the hit where edge j starts."""
    order = np.argsort(senders, kind="stable")
    lo = np.searchsorted(senders[order], receivers, side="left")
    hi = np.searchsorted(senders[order], receivers, side="right")
    count = hi - lo
    i = np.repeat(np.arange(len(senders)), count)
    offsets = np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offsets]


def triplet_compatibility(
    features: dict, senders: np.ndarray, receivers: np.ndarray, cuts: GeometricCuts
) -> np.ndarray:
    """Best agreement of each edge with a neighbouring edge, in [0, 1].

    For consecutive edges i → j the agreement is
    ``exp(−½ (Δ slope / slope_sigma)² − ½ (Δ z0 / z0_sigma)²)``; each edge gets
    the largest value over the edges before and after it (0 if it has none).
    """
    score = np.zeros(len(senders))
    i, j = segment_pairs(senders, receivers)
    if len(i) == 0:
        return score
    slope, z0 = features["phi_slope"], features["z0"]
    chi2 = ((slope[i] - slope[j]) / cuts.slope_sigma) ** 2 + ((z0[i] - z0[j]) / cuts.z0_sigma) ** 2
    agree = np.exp(-0.5 * chi2)
    np.maximum.at(score, i, agree)
    np.maximum.at(score, j, agree)
    return score


@dataclass(frozen=True)
class GeometricCuts:
    """Segment selection ``|φ slope| < phi_slope_max`` and ``|z0| < z0_max``, plus triplet widths.

    Parameters
    ----------
    phi_slope_max
        Largest |Δφ/Δr|, rad/mm.
    z0_max
        Largest |z0|, mm.
    slope_sigma, z0_sigma
        Widths (rad/mm, mm) of the φ-slope and z0 differences between
        consecutive true segments, used by :func:`triplet_compatibility`.
    """

    phi_slope_max: float
    z0_max: float
    slope_sigma: float = 1e-5
    z0_sigma: float = 1.0

    @classmethod
    def fit(
        cls,
        events: Sequence[Hits],
        pt_min_gev: float = 1.0,
        quantile: float = 0.995,
        z0_sigmas: float | None = None,
    ) -> GeometricCuts:
        """Learn the cuts from true segments of particles above ``pt_min_gev``.

        Each cut is the ``quantile`` of its quantity on true segments, so each
        alone keeps that fraction of them.  The triplet widths are the 90 %
        quantiles of |Δ φ slope| and |Δ z0| between consecutive true segments.

        A quantile of z0 is a poor cut for the luminous region: its tails hold
        few *vertices*, each with many particles, so the quantile of a few
        thousand training vertices scatters, and a vertex beyond the cut loses
        all its tracks.  ``z0_sigmas`` sets instead (if larger) the cut at that
        many standard deviations of the true segments' z0 — the Gaussian width
        of the luminous region, which the training events measure well.

        Raises
        ------
        ValueError
            If the events contain no true segment above ``pt_min_gev``.
        """
        if not 0.5 < quantile <= 1.0:
            raise ValueError(f"quantile must be in (0.5, 1], got {quantile}")
        slopes, z0s, d_slopes, d_z0s = [], [], [], []
        for hits in events:
            s, r = true_segments(hits, pt_min_gev)
            f = segment_features(hits, s, r)
            good = f["dr"] > 0
            slopes.append(np.abs(f["phi_slope"][good]))
            z0s.append(np.abs(f["z0"][good]))
            i, j = segment_pairs(s[good], r[good])
            d_slopes.append(np.abs(f["phi_slope"][good][i] - f["phi_slope"][good][j]))
            d_z0s.append(np.abs(f["z0"][good][i] - f["z0"][good][j]))
        slope = np.concatenate(slopes) if slopes else np.zeros(0)
        if len(slope) == 0:
            raise ValueError(
                f"no true segment of a particle with pT > {pt_min_gev} GeV in the training "
                f"events: pass events with truth (Hit_particle) or lower pt_min_gev"
            )
        d_slope, d_z0 = np.concatenate(d_slopes), np.concatenate(d_z0s)
        z0 = np.concatenate(z0s)
        z0_max = float(np.quantile(z0, quantile))
        if z0_sigmas is not None:
            if z0_sigmas <= 0:
                raise ValueError(f"z0_sigmas must be positive, got {z0_sigmas}")
            z0_max = max(z0_max, float(z0_sigmas * np.sqrt(np.mean(z0**2))))
        return cls(
            float(np.quantile(slope, quantile)),
            z0_max,
            float(np.quantile(d_slope, 0.9)) if len(d_slope) else 1e-5,
            float(np.quantile(d_z0, 0.9)) if len(d_z0) else 1.0,
        )

    def passes(self, features: dict) -> np.ndarray:
        """Boolean mask of segments passing both cuts."""
        return (np.abs(features["phi_slope"]) < self.phi_slope_max) & (
            np.abs(features["z0"]) < self.z0_max
        )


@dataclass(frozen=True)
class Graph:
    """A hit graph.

    Attributes
    ----------
    senders, receivers
        Edge endpoints (hit indices; sender on the inner layer).
    nodes
        Scaled node features, shape (n_hits, 3), see :data:`NODE_FEATURES`.
    edges
        Scaled edge features, shape (n_edges, 5), see :data:`EDGE_FEATURES`.
    y
        Truth label per edge (both hits from one particle), or None without truth.
    """

    senders: np.ndarray
    receivers: np.ndarray
    nodes: np.ndarray
    edges: np.ndarray
    y: np.ndarray | None

    @property
    def n_nodes(self) -> int:
        """Number of hits."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.senders)


def graph_from_pairs(
    hits: Hits, senders: np.ndarray, receivers: np.ndarray, cuts: GeometricCuts
) -> Graph:
    """The graph of the candidate pairs ``senders → receivers`` that pass ``cuts``.

    Computes the edge features, including the triplet compatibility over the
    surviving edges (its cost grows with edges × edges per hit, so keep the
    pairs few), and the truth labels if the hits carry truth.
    """
    f = segment_features(hits, senders, receivers)
    keep = cuts.passes(f)
    senders, receivers = senders[keep], receivers[keep]
    f = {k: v[keep] for k, v in f.items()}
    f["triplet"] = triplet_compatibility(f, senders, receivers, cuts)
    edges = np.stack([f[k] for k in EDGE_FEATURES], axis=1).astype(np.float32) / EDGE_SCALES
    nodes = np.stack([hits.r, hits.phi, hits.z], axis=1).astype(np.float32) / NODE_SCALES
    truth = hits.particle
    y = None
    if (truth >= 0).any():
        y = (truth[senders] == truth[receivers]) & (truth[senders] >= 0)
    return Graph(senders.astype(np.int64), receivers.astype(np.int64), nodes, edges, y)


def build_graph(hits: Hits, cuts: GeometricCuts) -> Graph:
    """Build the graph with a φ-sorted window search.

    For each inner hit only outer hits within ``|Δφ| < phi_slope_max × Δr_max``
    are examined (Δr_max: largest radial distance between the two layers' hits;
    found by binary search in φ-sorted order, with wrap-around), then the exact
    cuts are applied.  The window spans the whole length of the layer in z, so
    the number of examined pairs grows with the square of the number of hits
    (measured exponent ≈ 1.9 from 1,000 to 10,000 pions): fast at the chapter's
    density, not at high pile-up (see :func:`build_graph_module_map`).

    Parameters
    ----------
    hits
        Hits of one event.
    cuts
        Segment selection.

    Returns
    -------
    Graph
        Possibly with zero edges (e.g. an event with zero hits).
    """
    phi, radius = hits.phi, hits.r
    senders, receivers = [], []
    for lay in range(N_LAYERS - 1):
        inner = np.flatnonzero(hits.layer == lay)
        outer = np.flatnonzero(hits.layer == lay + 1)
        if len(inner) == 0 or len(outer) == 0:
            continue
        window = cuts.phi_slope_max * (radius[outer].max() - radius[inner].min())
        outer = outer[np.argsort(phi[outer], kind="stable")]
        # periodic copy: φ − 2π, φ, φ + 2π
        ext = np.concatenate([outer, outer, outer])
        ext_phi = np.concatenate([phi[outer] - 2 * np.pi, phi[outer], phi[outer] + 2 * np.pi])
        lo = np.searchsorted(ext_phi, phi[inner] - window, side="left")
        hi = np.searchsorted(ext_phi, phi[inner] + window, side="right")
        count = hi - lo
        s = np.repeat(inner, count)
        offsets = np.arange(len(s)) - np.repeat(np.cumsum(count) - count, count)
        r = ext[np.repeat(lo, count) + offsets]
        senders.append(s)
        receivers.append(r)
    if senders:
        s_all, r_all = np.concatenate(senders), np.concatenate(receivers)
    else:
        s_all = r_all = np.zeros(0, dtype=np.int64)
    return graph_from_pairs(hits, s_all, r_all, cuts)


def build_graph_naive(hits: Hits, cuts: GeometricCuts, chunk: int = 2048) -> Graph:
    """Build the same graph by testing every pair of hits on adjacent layers (O(n²)).

    Only for comparison with :func:`build_graph`: the cost grows with the square
    of the number of hits.  ``chunk`` inner hits are processed at a time to
    bound the memory.
    """
    senders, receivers = [], []
    for lay in range(N_LAYERS - 1):
        inner = np.flatnonzero(hits.layer == lay)
        outer = np.flatnonzero(hits.layer == lay + 1)
        for start in range(0, len(inner), chunk):
            s = np.repeat(inner[start : start + chunk], len(outer))
            r = np.tile(outer, len(inner[start : start + chunk]))
            keep = cuts.passes(segment_features(hits, s, r))
            senders.append(s[keep])
            receivers.append(r[keep])
    if senders:
        s_all, r_all = np.concatenate(senders), np.concatenate(receivers)
    else:
        s_all = r_all = np.zeros(0, dtype=np.int64)
    return graph_from_pairs(hits, s_all, r_all, cuts)


def graph_quality(hits: Hits, graph: Graph, pt_min_gev: float = 1.0) -> dict:
    """Efficiency and purity of a graph, and its size.

    Returns
    -------
    dict
        ``efficiency``: fraction of true segments of particles above
        ``pt_min_gev`` that are edges of the graph; ``purity``: fraction of edges
        that are true segments (any pT); ``n_nodes``, ``n_edges``.
    """
    s, r = true_segments(hits, pt_min_gev)
    n_true = len(s)
    if n_true == 0:
        eff = float("nan")
    else:
        key_true = s * len(hits) + r
        key_graph = graph.senders * len(hits) + graph.receivers
        eff = float(np.isin(key_true, key_graph).mean())
    purity = float(graph.y.mean()) if graph.y is not None and graph.n_edges else float("nan")
    return {"efficiency": eff, "purity": purity, "n_nodes": graph.n_nodes, "n_edges": graph.n_edges}


def build_graph_module_map(hits: Hits, cuts: GeometricCuts, module_map: ModuleMap) -> Graph:
    """Build the graph from the candidate pairs of a module map, then the exact cuts.

    Parameters
    ----------
    hits
        Hits of one event.
    cuts
        Segment selection.
    module_map
        Which module pairs to search (:meth:`ModuleMap.fit` on training events).

    Returns
    -------
    Graph
        The same kind of graph as :func:`build_graph`, from far fewer examined
        pairs (no edge between modules the map does not connect).
    """
    senders, receivers = module_map.candidates(hits)
    return graph_from_pairs(hits, senders, receivers, cuts)
