"""The check functions of chapter 4's exercises: right answers pass, `...` and wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import tracking as exercise
from hepml_course.tracking import (
    GeometricCuts,
    ModuleMap,
    build_graph,
    build_graph_module_map,
    pipeline,
)
from tests.tracking.helpers import helix_event


@pytest.fixture(scope="module")
def events():
    return [helix_event(n_particles=60, seed=s) for s in range(4)]


def test_radius(capsys):
    exercise.check_radius(2.0 / (0.3 * 2.0) * 1000, pt_gev=2.0, b_tesla=2.0)
    exercise.check_radius(2.0 / (0.2998 * 2.0) * 1000, pt_gev=2.0, b_tesla=2.0)  # exact 0.2998
    assert capsys.readouterr().out.count("✓") == 2
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_radius(..., pt_gev=2.0, b_tesla=2.0)
    for wrong in (3.3333, 333.3, 1666.7):  # metres, a factor 10, a factor 2
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_radius(wrong, pt_gev=2.0, b_tesla=2.0)
        assert "3335" not in str(info.value), "the message must not reveal the answer"


def test_tight_efficiency(events, capsys):
    cuts = GeometricCuts.fit(events[:2])
    test = events[2:]
    graphs = [build_graph(h, cuts) for h in test]
    rng = np.random.default_rng(0)
    scores = [np.clip(g.y * 0.9 + rng.uniform(0.0, 0.2, g.n_edges), 0, 1) for g in graphs]
    right = pipeline.evaluate(test, graphs, scores, threshold=0.95).track_efficiency
    loose = pipeline.evaluate(test, graphs, scores, threshold=0.5).track_efficiency
    assert abs(right - loose) > 1e-3, "the toy scores must make the threshold matter"
    exercise.check_tight_efficiency(right, test, graphs, scores, threshold=0.95)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_tight_efficiency(..., test, graphs, scores, threshold=0.95)
    with pytest.raises(ExerciseWrong, match="not right yet"):
        exercise.check_tight_efficiency(loose, test, graphs, scores, threshold=0.95)
    longer = pipeline.evaluate(test, graphs, scores, threshold=0.95, min_track_hits=8)
    exercise.check_tight_efficiency(
        longer.track_efficiency, test, graphs, scores, threshold=0.95, min_track_hits=8
    )
    assert "✓" in capsys.readouterr().out


def test_edge_ratio(events, capsys):
    train, hits = events[:3], events[3]
    graph = build_graph(hits, GeometricCuts.fit(train, pt_min_gev=1.0))
    low = build_graph(hits, GeometricCuts.fit(train, pt_min_gev=0.7, quantile=0.99))
    right = low.n_edges / graph.n_edges
    exercise.check_edge_ratio(right, train, hits, graph, pt_min_gev=0.7, quantile=0.99)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_edge_ratio(..., train, hits, graph, pt_min_gev=0.7, quantile=0.99)
    with pytest.raises(ExerciseWrong, match="not right yet"):
        exercise.check_edge_ratio(1 / right, train, hits, graph, pt_min_gev=0.7, quantile=0.99)


def test_candidate_ratio(events, capsys):
    train, hits = events[:3], events[3]
    cuts = GeometricCuts.fit(train, pt_min_gev=1.0, quantile=0.999)
    fine = ModuleMap.fit(train, n_phi=64, n_z=12)
    coarse = ModuleMap.fit(train, n_phi=16, n_z=3)
    right = (
        build_graph_module_map(hits, cuts, coarse).n_edges
        / build_graph_module_map(hits, cuts, fine).n_edges
    )
    assert right > 1.05, "coarser sectors must bring more candidates in the toy event"
    exercise.check_candidate_ratio(right, train, hits, cuts, fine, n_phi=16, n_z=3)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_candidate_ratio(..., train, hits, cuts, fine, n_phi=16, n_z=3)
    for wrong in (1 / right, 1.0):
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_candidate_ratio(wrong, train, hits, cuts, fine, n_phi=16, n_z=3)
        assert f"{right:.3f}" not in str(info.value), "the message must not reveal the answer"
