"""GNN tracking (chapter *Tracking with graph neural networks*).

Modules, in the order of the chain:

- :mod:`~hepml_course.tracking.hits` — one event's hits, checked (mm, layer index 0–7);
- :mod:`~hepml_course.tracking.graph` — geometric cuts learned from truth, graph building
  (naive O(n²), φ-window search, module map), triplet compatibility;
- :mod:`~hepml_course.tracking.module_map` — which detector regions tracks connect
  (:class:`ModuleMap`), learned from training events, for bounded graph building;
- :mod:`~hepml_course.tracking.edge_filter` — an MLP that removes fake candidate
  segments before the GNN (:class:`EdgeFilter`, :func:`filter_features`);
- :mod:`~hepml_course.tracking.gnn` — the Interaction Network edge classifier
  (:class:`EdgeClassifier`, Keras 3, the model contract of :mod:`hepml_course.nn`);
- :mod:`~hepml_course.tracking.tracks` — connected components and clean-up into tracks;
- :mod:`~hepml_course.tracking.chain` — the whole scalable chain with per-stage
  timing (:class:`TrackingChain`);
- :mod:`~hepml_course.tracking.pipeline` — the ``tracking`` dataset's event splits, evaluation;
- :mod:`~hepml_course.tracking.train` — ``python -m hepml_course.tracking.train`` (learns
  the chain);
- :mod:`~hepml_course.tracking.plots` — event displays and the scaling plot.

Metrics live in :mod:`hepml_course.metrics.tracking`.  Importing this package
imports neither TensorFlow nor any submodule: each public name is loaded on
first use.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # the models
        "EdgeClassifier": "gnn",
        "GraphError": "gnn",
        "EdgeFilter": "edge_filter",
        "FILTER_FEATURES": "edge_filter",
        "filter_features": "edge_filter",
        # module map
        "ModuleMap": "module_map",
        "ModuleMapError": "module_map",
        # the chain
        "ChainOutput": "chain",
        "STAGES": "chain",
        "TrackingChain": "chain",
        # hits
        "Hits": "hits",
        "HitsError": "hits",
        "event_hits": "hits",
        "make_hits": "hits",
        "simulated_hits": "hits",
        # graphs
        "EDGE_FEATURES": "graph",
        "NODE_FEATURES": "graph",
        "GeometricCuts": "graph",
        "Graph": "graph",
        "build_graph": "graph",
        "build_graph_module_map": "graph",
        "build_graph_naive": "graph",
        "graph_from_pairs": "graph",
        "graph_quality": "graph",
        "true_segments": "graph",
        # tracks
        "build_tracks": "tracks",
        # the chain on the shipped data
        "Evaluation": "pipeline",
        "evaluate": "pipeline",
        "load_chain": "pipeline",
        "load_events": "pipeline",
        "training_events": "pipeline",
        "validation_events": "pipeline",
        # submodules
        "chain": None,
        "edge_filter": None,
        "gnn": None,
        "graph": None,
        "hits": None,
        "module_map": None,
        "pipeline": None,
        "plots": None,
        "tracks": None,
        "train": None,
    },
)
