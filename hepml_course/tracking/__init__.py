"""GNN tracking (chapter *Tracking with graph neural networks*).

Modules, in the order of the chain:

- :mod:`~hepml_course.tracking.hits` — one event's hits, checked (mm, layer index 0–7);
- :mod:`~hepml_course.tracking.graph` — geometric cuts learned from truth, graph building
  (φ-window search and the naive O(n²) version), triplet compatibility;
- :mod:`~hepml_course.tracking.gnn` — the Interaction Network edge classifier
  (:class:`EdgeClassifier`, Keras 3, the model contract of :mod:`hepml_course.nn`);
- :mod:`~hepml_course.tracking.tracks` — connected components and clean-up into tracks;
- :mod:`~hepml_course.tracking.pipeline` — the chain on the ``tracking`` dataset, evaluation;
- :mod:`~hepml_course.tracking.train` — ``python -m hepml_course.tracking.train`` (pre-training);
- :mod:`~hepml_course.tracking.plots` — event displays and the scaling plot.

Metrics live in :mod:`hepml_course.metrics.tracking`.  Importing this package
imports neither TensorFlow nor any submodule: each public name is loaded on
first use.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # the model
        "EdgeClassifier": "gnn",
        "GraphError": "gnn",
        # hits
        "Hits": "hits",
        "HitsError": "hits",
        "event_hits": "hits",
        "make_hits": "hits",
        # graphs
        "EDGE_FEATURES": "graph",
        "NODE_FEATURES": "graph",
        "GeometricCuts": "graph",
        "Graph": "graph",
        "build_graph": "graph",
        "build_graph_naive": "graph",
        "graph_quality": "graph",
        "true_segments": "graph",
        # tracks
        "build_tracks": "tracks",
        # the chain on the shipped data
        "Evaluation": "pipeline",
        "evaluate": "pipeline",
        "load_events": "pipeline",
        # submodules
        "gnn": None,
        "graph": None,
        "hits": None,
        "pipeline": None,
        "plots": None,
        "tracks": None,
        "train": None,
    },
)
