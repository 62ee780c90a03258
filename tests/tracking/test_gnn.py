from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hepml_course.tracking.gnn import EdgeClassifier, GraphError
from hepml_course.tracking.graph import GeometricCuts, build_graph

from .helpers import helix_event


@pytest.fixture(scope="module")
def graphs():
    events = [helix_event(120, seed=s) for s in range(6)]
    cuts = GeometricCuts.fit(events[:4], pt_min_gev=0.5, quantile=1.0)
    return [build_graph(h, cuts) for h in events]


@pytest.fixture(scope="module")
def trained(graphs):
    return EdgeClassifier(hidden=16, iterations=3, learning_rate=5e-3, seed=1).fit(
        graphs[:4], epochs=40
    )


def test_learns_ideal_helices(trained, graphs):
    y = np.concatenate([g.y for g in graphs[4:]])
    sel = np.concatenate([trained.predict(g) for g in graphs[4:]]) > 0.5
    assert trained.history[-1] < trained.history[0]
    assert (sel & y).sum() / y.sum() > 0.9
    assert (sel & y).sum() / sel.sum() > 0.9


def test_class_weight_is_false_over_true(trained, graphs):
    n_true = sum(g.y.sum() for g in graphs[:4])
    n_all = sum(g.n_edges for g in graphs[:4])
    assert trained.pos_weight == pytest.approx((n_all - n_true) / n_true)


def test_save_load_round_trip(trained, graphs, tmp_path):
    path = trained.save(tmp_path / "w.npz")
    again = EdgeClassifier.load(path)
    assert np.allclose(again.predict(graphs[5]), trained.predict(graphs[5]), atol=1e-6)


def test_same_seed_same_model(graphs):
    a = EdgeClassifier(hidden=8, iterations=1, seed=3).fit(graphs[:1], epochs=1)
    b = EdgeClassifier(hidden=8, iterations=1, seed=3).fit(graphs[:1], epochs=1)
    assert np.allclose(a.predict(graphs[1]), b.predict(graphs[1]))


def test_empty_graph_gives_empty_scores(trained, graphs):
    g = graphs[0]
    empty = dataclasses.replace(
        g,
        senders=g.senders[:0],
        receivers=g.receivers[:0],
        edges=g.edges[:0],
        y=g.y[:0],
    )
    assert trained.predict(empty).shape == (0,)
    with pytest.raises(GraphError, match="zero edges"):
        EdgeClassifier(hidden=4, iterations=1).fit([empty])


def test_bad_graphs_are_clear_errors(trained, graphs):
    g = graphs[0]
    with pytest.raises(GraphError, match="edge features must have shape"):
        trained.predict(dataclasses.replace(g, edges=g.edges[:, :3]))
    with pytest.raises(GraphError, match="NaN"):
        bad = g.nodes.copy()
        bad[0, 0] = np.nan
        trained.predict(dataclasses.replace(g, nodes=bad))
    with pytest.raises(GraphError, match="edge indices"):
        trained.predict(dataclasses.replace(g, senders=g.senders + 10**6))
    with pytest.raises(GraphError, match="truth labels"):
        EdgeClassifier(hidden=4, iterations=1).fit([dataclasses.replace(g, y=None)])


@pytest.mark.slow
def test_training_command_writes_loadable_weights(tmp_path, capsys):
    from hepml_course.tracking.train import main

    out = tmp_path / "w.npz"
    assert main(["--epochs", "1", "--out", str(out)]) == 0
    assert "sha256" in capsys.readouterr().out
    assert EdgeClassifier.load(out).n_parameters > 10_000
