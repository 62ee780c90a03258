"""Contract example of the tracking models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample
from hepml_course.tracking.edge_filter import FILTER_FEATURES, EdgeFilter
from hepml_course.tracking.gnn import EdgeClassifier
from hepml_course.tracking.graph import EDGE_FEATURES, NODE_FEATURES, Graph


def toy_graphs(n_graphs: int = 4, n_nodes: int = 40, n_edges: int = 80, seed: int = 0):
    """Random toy graphs whose labels depend on the first edge feature."""
    rng = np.random.default_rng(seed)
    graphs = []
    for _ in range(n_graphs):
        edges = rng.normal(size=(n_edges, len(EDGE_FEATURES))).astype(np.float32)
        graphs.append(
            Graph(
                senders=rng.integers(0, n_nodes, n_edges),
                receivers=rng.integers(0, n_nodes, n_edges),
                nodes=rng.normal(size=(n_nodes, len(NODE_FEATURES))).astype(np.float32),
                edges=edges,
                y=edges[:, 0] > 0.3,
            )
        )
    return graphs


def _edge_classifier() -> ContractExample:
    graphs = toy_graphs()
    # y: one label array per graph (the same as the labels the graphs carry)
    return ContractExample(
        EdgeClassifier(hidden=8, iterations=1, epochs=1),
        graphs,
        [g.y for g in graphs],
        verb="predict",
    )


def _edge_filter() -> ContractExample:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, len(FILTER_FEATURES))).astype(np.float32)
    return ContractExample(
        EdgeFilter(hidden=(4,), epochs=1, batch_size=64), x, x[:, 6] < 0.0, verb="predict_proba"
    )


EXAMPLES = {"EdgeClassifier": _edge_classifier, "EdgeFilter": _edge_filter}
