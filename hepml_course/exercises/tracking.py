"""Reference checks of the chapter "Tracking with graph neural networks".

Each ``check_*`` function recomputes the reference out of sight — from the
physics or from the objects the chapter defined before the exercise — and
compares the learner's answer with :func:`hepml_course.exercises.check`.
TensorFlow is never imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hepml_course.exercises.checking import check

__all__ = [
    "check_candidate_ratio",
    "check_edge_ratio",
    "check_radius",
    "check_tight_efficiency",
]

#: GeV / (T · m): pT = 0.3 · |q| · B · R for unit charge (0.29979… exactly).
_GEV_PER_TESLA_METRE = 0.299792458


def _not_answered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def check_radius(answer: object, pt_gev: float = 2.0, b_tesla: float = 2.0) -> None:
    """Exercise 1: transverse radius of curvature (mm) of a unit-charge track.

    The reference is the helix radius R = pT / (0.3 |q| B) (R in m, pT in GeV,
    B in T), converted to mm. Using 0.3 or the exact 0.2998 both pass
    (relative tolerance 0.5 %).

    Parameters
    ----------
    answer
        The learner's radius in mm.
    pt_gev
        Transverse momentum of the track, GeV.
    b_tesla
        Magnetic field along the beam, T.
    """
    name = f"radius of a {pt_gev:g} GeV track in {b_tesla:g} T (mm)"
    radius_mm = pt_gev / (_GEV_PER_TESLA_METRE * b_tesla) * 1000.0
    check(
        name,
        answer,
        radius_mm,
        rel_tol=5e-3,
        hint="use the helix radius of the section 'Helices' (it gives metres for pT in GeV "
        "and B in tesla); the answer is in millimetres",
    )


def check_tight_efficiency(
    answer: object,
    test: Sequence[Any],
    test_graphs: Sequence[Any],
    scores: Sequence[Any],
    threshold: float = 0.95,
    min_track_hits: int = 3,
) -> None:
    """Exercise 2: track efficiency of the pre-trained scores at a tighter edge cut.

    Parameters
    ----------
    answer
        The learner's track efficiency (fraction of reconstructable particles
        matched by double majority).
    test, test_graphs, scores
        The chapter's test events (hits), their graphs and the pre-trained
        network's edge scores, one entry per event.
    threshold
        Edge-score threshold of the exercise.
    min_track_hits
        Shortest track kept (the chain's ``min_track_hits``).
    """
    name = f"track efficiency at threshold {threshold:g}"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.tracking import pipeline

    reference = pipeline.evaluate(
        test, test_graphs, scores, threshold=threshold, min_track_hits=min_track_hits
    )
    check(
        name,
        answer,
        reference.track_efficiency,
        rel_tol=1e-4,
        hint="pipeline.evaluate with threshold=0.95 and min_track_hits=chain.min_track_hits "
        "returns an Evaluation; take its track_efficiency",
    )


def check_edge_ratio(
    answer: object,
    train: Sequence[Any],
    hits: Any,
    graph: Any,
    pt_min_gev: float = 0.5,
    quantile: float = 0.995,
    n_events: int = 8,
) -> None:
    """Exercise 3: growth of the graph when the cuts keep particles down to a lower pT.

    The reference learns :class:`~hepml_course.tracking.GeometricCuts` on the
    first ``n_events`` training events with ``pt_min_gev`` and ``quantile``,
    builds the graph of ``hits`` and divides its number of edges by that of
    the chapter's ``graph`` (cuts for pT > 1 GeV).

    Parameters
    ----------
    answer
        The learner's ratio of edge counts (low-pT graph / chapter graph).
    train
        The chapter's training events (hits).
    hits, graph
        The chapter's test event and its graph.
    pt_min_gev, quantile, n_events
        Settings of the exercise.
    """
    name = f"edge ratio pT > {pt_min_gev:g} GeV vs the chapter's graph"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.tracking import GeometricCuts, build_graph

    cuts = GeometricCuts.fit(train[:n_events], pt_min_gev=pt_min_gev, quantile=quantile)
    reference = build_graph(hits, cuts).n_edges / graph.n_edges
    check(
        name,
        answer,
        reference,
        rel_tol=1e-3,
        hint="GeometricCuts.fit(train[:8], pt_min_gev=0.5, quantile=0.995), build the graph "
        "of `hits`, and divide its n_edges by graph.n_edges",
    )


def check_candidate_ratio(
    answer: object,
    train_events: Sequence[Any],
    hits: Any,
    cuts: Any,
    module_map: Any,
    n_phi: int = 64,
    n_z: int = 12,
) -> None:
    """Exercise 4: growth of the candidates when the module map has coarser sectors.

    The reference learns a :class:`~hepml_course.tracking.ModuleMap` with
    ``n_phi`` × ``n_z`` sectors per layer on ``train_events`` (default settings
    otherwise), counts the candidate pairs of ``hits`` that pass ``cuts``
    (:func:`~hepml_course.tracking.build_graph_module_map`) and divides by the
    same count for the chapter's ``module_map``.

    Parameters
    ----------
    answer
        The learner's ratio (coarse-map candidates / chapter-map candidates).
    train_events
        The events the chain learned its map on (``pipeline.training_events(events)``).
    hits
        The chapter's test event.
    cuts, module_map
        The chain's geometric cuts and module map.
    n_phi, n_z
        Sectors per layer of the coarse map.
    """
    name = f"candidate ratio of a {n_phi} × {n_z} module map vs the chain's"
    if _not_answered(answer):
        check(name, answer, 0.0)
    from hepml_course.tracking import ModuleMap, build_graph_module_map

    coarse = ModuleMap.fit(train_events, n_phi=n_phi, n_z=n_z)
    fine = build_graph_module_map(hits, cuts, module_map).n_edges
    if fine == 0:
        raise ValueError(
            "the chapter's module map finds no candidate in `hits`: pass the test event"
        )
    reference = build_graph_module_map(hits, cuts, coarse).n_edges / fine
    check(
        name,
        answer,
        reference,
        rel_tol=1e-3,
        hint=f"ModuleMap.fit(pipeline.training_events(events), n_phi={n_phi}, n_z={n_z}); count "
        "the edges of build_graph_module_map(hits, chain.cuts, map) for the coarse and for the "
        "chain's map, and divide (coarse / chain)",
    )
