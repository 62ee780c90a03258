"""GNN tracking (chapter *Tracking with graph neural networks*).

Modules, in the order of the chain:

- :mod:`~hepml_course.tracking.hits` — one event's hits, checked (mm, layer index 0–7);
- :mod:`~hepml_course.tracking.graph` — geometric cuts learned from truth, graph building
  (φ-window search and the naive O(n²) version), triplet compatibility;
- :mod:`~hepml_course.tracking.gnn` — the Interaction Network edge classifier (TensorFlow);
- :mod:`~hepml_course.tracking.tracks` — connected components and clean-up into tracks;
- :mod:`~hepml_course.tracking.pipeline` — the chain on the ``tracking`` dataset, evaluation;
- :mod:`~hepml_course.tracking.train` — ``python -m hepml_course.tracking.train`` (pre-training);
- :mod:`~hepml_course.tracking.plots` — event displays and the scaling plot.

Metrics live in :mod:`hepml_course.metrics.tracking`.
"""
