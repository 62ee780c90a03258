from __future__ import annotations

import numpy as np
import pytest

from hepml_course.tracking.graph import (
    EDGE_FEATURES,
    GeometricCuts,
    build_graph,
    build_graph_naive,
    graph_quality,
    segment_pairs,
    true_segments,
)
from hepml_course.tracking.hits import make_hits

from .helpers import helix_event


def test_true_segments_count_one_per_layer_pair():
    hits = helix_event(20)
    s, r = true_segments(hits)
    assert len(s) == 20 * 7
    assert np.all(hits.particle[s] == hits.particle[r])
    assert np.all(hits.layer[r] == hits.layer[s] + 1)


def test_cuts_learned_from_truth_keep_the_quantile():
    events = [helix_event(40, seed=s) for s in range(3)]
    cuts = GeometricCuts.fit(events, pt_min_gev=1.0, quantile=1.0)
    # pT > 1 GeV in 2 T: |Δφ/Δr| ≲ 0.3·2/(2·1 GeV) rad/m = 3e-4 rad/mm
    assert 1e-4 < cuts.phi_slope_max < 3.2e-4
    assert cuts.z0_max < 200.0


def test_fast_and_naive_builders_agree_and_keep_true_segments():
    train = [helix_event(40, seed=s) for s in range(3)]
    cuts = GeometricCuts.fit(train, pt_min_gev=0.5, quantile=1.0)
    hits = helix_event(150, seed=10)
    fast, naive = build_graph(hits, cuts), build_graph_naive(hits, cuts, chunk=100)
    key = lambda g: set(zip(g.senders.tolist(), g.receivers.tolist(), strict=False))  # noqa: E731
    assert key(fast) == key(naive)
    quality = graph_quality(hits, fast, pt_min_gev=0.7)
    assert quality["efficiency"] > 0.97
    assert 0 < quality["purity"] < 1
    assert fast.nodes.shape == (len(hits), 3)
    assert fast.edges.shape == (fast.n_edges, len(EDGE_FEATURES))


def test_phi_wraparound_edges_are_found():
    # two hits of a straight track at φ ≈ ±π on layers 0 and 1
    cols = {
        "x": [-32.0, -72.0],
        "y": [0.001, -0.001],
        "z": [0.0, 0.0],
        "volume": [8, 8],
        "layer": [2, 4],
        "particle": [0, 0],
    }
    hits = make_hits(cols)
    graph = build_graph(hits, GeometricCuts(phi_slope_max=1e-4, z0_max=10.0))
    assert graph.n_edges == 1 and graph.y.tolist() == [True]


def test_empty_event_gives_empty_graph():
    hits = make_hits({k: [] for k in ("x", "y", "z", "volume", "layer")})
    graph = build_graph(hits, GeometricCuts(3e-4, 150.0))
    assert graph.n_edges == 0 and graph.n_nodes == 0


def test_fit_without_truth_is_a_clear_error():
    hits = make_hits(
        {
            k: [1.0] if k in "xyz" else [8] if k == "volume" else [2]
            for k in ("x", "y", "z", "volume", "layer")
        }
    )
    with pytest.raises(ValueError, match="no true segment"):
        GeometricCuts.fit([hits])


def test_segment_pairs_join_consecutive_edges():
    senders = np.array([0, 1, 1, 5])
    receivers = np.array([1, 2, 3, 6])
    i, j = segment_pairs(senders, receivers)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2)]


def test_triplet_compatibility_separates_true_from_fake_edges():
    train = [helix_event(40, seed=s) for s in range(3)]
    cuts = GeometricCuts.fit(train, pt_min_gev=0.5, quantile=1.0)
    assert cuts.slope_sigma > 0 and cuts.z0_sigma > 0
    graph = build_graph(helix_event(150, seed=10), cuts)
    triplet = graph.edges[:, EDGE_FEATURES.index("triplet")]
    assert 0 <= triplet.min() and triplet.max() <= 1
    assert np.median(triplet[graph.y]) > 0.5 > np.median(triplet[~graph.y])
