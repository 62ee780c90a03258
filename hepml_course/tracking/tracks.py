"""Track building: from scored edges to track candidates (lists of hits).

Edges whose score passes a threshold are kept; the hits they connect are
grouped with connected components (:func:`scipy.sparse.csgraph.connected_components`).
Two optional clean-ups cut wrong links between tracks:

* *best neighbours*: an edge survives only if it is the best-scored outgoing
  edge of its inner hit or the best-scored incoming edge of its outer hit —
  a weak edge bridging two good tracks is neither;
* *ambiguity splitting*: a candidate with several hits on too many layers
  (two tracks merged; one particle has at most one extra hit per layer, from
  overlapping modules, on a few layers) is cut again at the next, higher
  threshold of ``split_thresholds``, until it falls apart or the thresholds
  run out.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _best_per_hit(index: np.ndarray, scores: np.ndarray, n_hits: int) -> np.ndarray:
    """Mask of edges that have the highest score among the edges sharing ``index``."""
    best = np.full(n_hits, -np.inf)
    np.maximum.at(best, index, scores)
    winner = scores >= best[index]
    # ties: keep the first edge of each hit only
    order = np.flatnonzero(winner)
    _, first = np.unique(index[order], return_index=True)
    mask = np.zeros(len(scores), dtype=bool)
    mask[order[first]] = True
    return mask


def build_tracks(
    n_hits: int,
    senders: np.ndarray,
    receivers: np.ndarray,
    scores: np.ndarray,
    threshold: float = 0.5,
    clean: bool = True,
    min_hits: int = 3,
    layers: np.ndarray | None = None,
    split_thresholds: tuple[float, ...] = (0.8, 0.9, 0.95, 0.98, 0.99),
    max_shared_layers: int = 3,
) -> np.ndarray:
    """Label every hit with a track id.

    Parameters
    ----------
    n_hits
        Number of hits of the event.
    senders, receivers
        Edge endpoints (hit indices).
    scores
        Edge scores (e.g. GNN output in [0, 1]); use ones to take every edge.
    threshold
        Keep edges with ``score > threshold``.
    clean
        Keep an edge only if it is its inner hit's best outgoing or its outer
        hit's best incoming edge.
    min_hits
        Candidates with fewer hits are dropped.
    layers
        Layer index per hit; enables the ambiguity splitting.
    split_thresholds
        Increasing thresholds applied to ambiguous candidates.
    max_shared_layers
        A candidate with more than this many layers holding two or more of its
        hits is ambiguous.

    Returns
    -------
    numpy.ndarray
        Track id per hit (0, 1, 2 …), ``-1`` for hits on no track.  Empty
        input gives an empty array; no edges give no tracks.
    """
    senders = np.asarray(senders, dtype=np.int64)
    receivers = np.asarray(receivers, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    if not (len(senders) == len(receivers) == len(scores)):
        raise ValueError(
            f"senders, receivers and scores need equal lengths, got "
            f"{len(senders)}, {len(receivers)}, {len(scores)}"
        )
    if n_hits == 0:
        return np.zeros(0, dtype=np.int64)
    if len(senders) and max(senders.max(), receivers.max()) >= n_hits:
        raise ValueError(f"edge indices exceed the number of hits ({n_hits})")
    keep = scores > threshold
    s, r, w = senders[keep], receivers[keep], scores[keep]
    if clean and len(s):
        both = _best_per_hit(s, w, n_hits) | _best_per_hit(r, w, n_hits)
        s, r, w = s[both], r[both], w[both]
    labels = np.full(n_hits, -1, dtype=np.int64)
    if len(s) == 0:
        return labels
    component = _components(n_hits, s, r)
    if layers is not None:
        layers = np.asarray(layers, dtype=np.int64)
        if layers.shape != (n_hits,):
            raise ValueError(f"layers needs one entry per hit ({n_hits}), got {layers.shape}")
        for cut in split_thresholds:
            bad = _ambiguous(component, layers, max_shared_layers)
            drop = bad[component[s]] & (w <= cut)
            if not drop.any():
                continue
            s, r, w = s[~drop], r[~drop], w[~drop]
            component = _components(n_hits, s, r)
    sizes = np.bincount(component)
    big = sizes[component] >= min_hits
    _, labels[big] = np.unique(component[big], return_inverse=True)
    return labels


def _components(n_hits: int, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
    adjacency = coo_matrix((np.ones(len(senders)), (senders, receivers)), shape=(n_hits, n_hits))
    return connected_components(adjacency, directed=False)[1]


def _ambiguous(component: np.ndarray, layers: np.ndarray, max_shared: int) -> np.ndarray:
    """Per component: True if more than ``max_shared`` layers hold ≥ 2 of its hits."""
    n_layers = int(layers.max()) + 1 if len(layers) else 1
    per_layer = np.bincount(
        component * n_layers + layers, minlength=(component.max() + 1) * n_layers
    )
    shared = (per_layer.reshape(-1, n_layers) >= 2).sum(axis=1)
    return shared > max_shared
