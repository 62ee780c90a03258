from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from hepml_course.nn import ArtifactError, NotFittedError
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
    model = EdgeClassifier(hidden=16, iterations=3, learning_rate=5e-3, epochs=40)
    return model.fit(graphs[:4], seed=1)


@pytest.fixture(scope="module")
def saved(trained, tmp_path_factory):
    return trained.save(tmp_path_factory.mktemp("gnn") / "model")


def test_learns_ideal_helices(trained, graphs):
    y = np.concatenate([g.y for g in graphs[4:]])
    sel = np.concatenate(trained.predict(graphs[4:])) > 0.5
    loss = trained.history_["loss"]
    assert len(loss) == 40 and loss[-1] < 0.2 * loss[0]
    assert (sel & y).sum() / y.sum() > 0.9
    assert (sel & y).sum() / sel.sum() > 0.9


def test_init_stores_hyper_parameters_only():
    model = EdgeClassifier(hidden=8, iterations=2)
    assert model.get_params() == {
        "hidden": 8,
        "iterations": 2,
        "aggregation": "mean",
        "learning_rate": 2e-3,
        "epochs": 10,
        "decay_to": 1.0,
    }
    assert not hasattr(model, "model_")
    with pytest.raises(TypeError):
        EdgeClassifier(8, 2)  # keyword-only


def test_outputs_before_fit_are_not_fitted_errors(graphs):
    model = EdgeClassifier(hidden=8, iterations=1)
    with pytest.raises(NotFittedError):
        model.predict(graphs[0])
    with pytest.raises(NotFittedError):
        model.save("never-written")


def test_one_graph_gives_an_array_a_list_gives_a_list(trained, graphs):
    one = trained.predict(graphs[5])
    many = trained.predict(graphs[4:])
    assert one.shape == (graphs[5].n_edges,) and one.dtype == np.float32
    assert 0 <= one.min() and one.max() <= 1
    assert isinstance(many, list) and len(many) == 2
    assert np.array_equal(many[1], one)


def test_class_weight_is_false_over_true(trained, graphs):
    n_true = sum(g.y.sum() for g in graphs[:4])
    n_all = sum(g.n_edges for g in graphs[:4])
    assert trained.pos_weight_ == pytest.approx((n_all - n_true) / n_true)


def test_explicit_labels_equal_to_graph_labels_give_the_same_model(graphs):
    kw = {"hidden": 8, "iterations": 1, "epochs": 1}
    a = EdgeClassifier(**kw).fit(graphs[:2], seed=3)
    b = EdgeClassifier(**kw).fit(
        [dataclasses.replace(g, y=None) for g in graphs[:2]], [g.y for g in graphs[:2]], seed=3
    )
    assert np.array_equal(a.predict(graphs[2]), b.predict(graphs[2]))


def test_mismatching_labels_and_weights_are_value_errors(graphs):
    model = EdgeClassifier(hidden=4, iterations=1, epochs=1)
    with pytest.raises(ValueError, match="one label array per graph"):
        model.fit(graphs[:2], [graphs[0].y])
    with pytest.raises(ValueError, match="labels: one label per edge"):
        model.fit(graphs[:2], [graphs[0].y, graphs[1].y[:-1]])
    with pytest.raises(ValueError, match="labels: one label per edge"):
        model.fit([dataclasses.replace(graphs[0], y=graphs[0].y[:-3])])
    with pytest.raises(ValueError, match="sample_weight"):
        model.fit(graphs[:2], sample_weight=[1.0])
    assert not hasattr(model, "model_")


def test_graph_weights_change_the_fit(graphs):
    kw = {"hidden": 8, "iterations": 1, "epochs": 2}
    a = EdgeClassifier(**kw).fit(graphs[:2], seed=3)
    b = EdgeClassifier(**kw).fit(graphs[:2], sample_weight=[1.0, 0.0], seed=3)
    c = EdgeClassifier(**kw).fit(graphs[:2], sample_weight=[2.0, 2.0], seed=3)
    assert not np.allclose(a.predict(graphs[2]), b.predict(graphs[2]))
    assert np.allclose(a.predict(graphs[2]), c.predict(graphs[2]), atol=1e-6)


def test_save_load_round_trip_is_identical(trained, saved, graphs):
    again = EdgeClassifier.load(saved)
    assert np.array_equal(again.predict(graphs[5]), trained.predict(graphs[5]))
    assert again.get_params() == trained.get_params()
    assert again.pos_weight_ == trained.pos_weight_
    assert again.n_parameters == trained.n_parameters


def test_tampered_weights_are_refused(saved, tmp_path):
    import shutil

    import h5py

    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    weights = copy / "interaction_network.weights.h5"
    with h5py.File(weights, "r+") as f:
        kernels = []
        f.visit(lambda name: kernels.append(name) if name.endswith("vars/0") else None)
        f[kernels[0]][...] = f[kernels[0]][...] * 1.05  # a 5 % edit of one kernel
    with pytest.raises(ArtifactError, match="modified or damaged"):
        EdgeClassifier.load(copy)


def test_tampered_settings_are_refused(saved, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    record_path = copy / "record.json"
    record = json.loads(record_path.read_text())
    record["state"]["pos_weight"] *= 1.05
    record_path.write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified after it was saved"):
        EdgeClassifier.load(copy)
    record["params"]["hidden"] = 32
    record_path.write_text(json.dumps(record))
    with pytest.raises(ArtifactError):
        EdgeClassifier.load(copy)


def test_same_seed_same_model(graphs):
    kw = {"hidden": 8, "iterations": 1, "epochs": 1}
    a = EdgeClassifier(**kw).fit(graphs[:1], seed=3)
    b = EdgeClassifier(**kw).fit(graphs[:1], seed=3)
    c = EdgeClassifier(**kw).fit(graphs[:1], seed=4)
    assert np.array_equal(a.predict(graphs[1]), b.predict(graphs[1]))
    assert not np.allclose(a.predict(graphs[1]), c.predict(graphs[1]))


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
    with pytest.raises(GraphError, match="at least one graph"):
        EdgeClassifier(hidden=4, iterations=1).fit([])
    with pytest.raises(TypeError, match="Graph"):
        trained.predict(g.edges)


@pytest.mark.slow
def test_training_command_writes_a_loadable_saved_model(tmp_path, capsys):
    from hepml_course.tracking.chain import TrackingChain
    from hepml_course.tracking.train import main

    out = tmp_path / "chain"
    assert main(["--epochs", "1", "--out", str(out)]) == 0
    assert "sha256" in capsys.readouterr().out
    model = TrackingChain.load(out).classifier
    assert model.n_parameters > 10_000 and model.aggregation == "mean"
    assert model.record_["command"].endswith("--epochs 1 --seed 6")
    assert set(model.record_["extra"]["test_metrics"]) >= {"edge_efficiency", "fake_rate"}


def test_unknown_aggregation_is_a_clear_error(graphs):
    with pytest.raises(ValueError, match="aggregation must be one of"):
        EdgeClassifier(aggregation="max", epochs=1).fit(graphs[:1])


def test_mean_aggregation_does_not_grow_with_the_degree(graphs):
    """Copies of a node's edges change a sum aggregate, not a mean one."""
    from hepml_course.tracking.gnn import _arrays, build_network

    g = graphs[0]
    doubled = dataclasses.replace(
        g,
        senders=np.concatenate([g.senders, g.senders]),
        receivers=np.concatenate([g.receivers, g.receivers]),
        edges=np.concatenate([g.edges, g.edges]),
        y=np.concatenate([g.y, g.y]),
    )
    for aggregation, same in (("mean", True), ("sum", False)):
        net = build_network(8, 2, aggregation)
        once = np.asarray(net(_arrays(g)))
        twice = np.asarray(net(_arrays(doubled)))[: g.n_edges]
        assert np.allclose(once, twice, atol=1e-5) == same, aggregation


def test_sum_aggregation_still_learns_helices(graphs):
    model = EdgeClassifier(
        hidden=16, iterations=3, aggregation="sum", learning_rate=5e-3, epochs=30
    )
    model.fit(graphs[:4], seed=1)
    y = np.concatenate([g.y for g in graphs[4:]])
    sel = np.concatenate(model.predict(graphs[4:])) > 0.5
    assert (sel & y).sum() / y.sum() > 0.85
