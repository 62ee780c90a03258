"""Interaction Network edge classifier (Keras 3).

The network (Battaglia et al. 2016, as used by Exa.TrkX) keeps a latent vector
per hit (node) and per segment (edge).  Each of ``iterations`` rounds of
message passing

1. updates every edge from itself and its two end nodes (``keras.ops.take``),
2. aggregates the updated edges into their receiver and sender nodes
   (``keras.ops.segment_sum``, divided by the node's number of edges for the
   default *mean* aggregation) and updates every node from itself and these
   two aggregates,

and a final MLP turns each edge's latent vector and its two nodes into a
logit: the score that both hits belong to one particle.  The same weights are
shared between rounds, so the network stays small (≈ 15 k parameters) and its
cost is linear in the numbers of nodes and edges.

With a *sum*, the size of a node's aggregate grows with its number of edges:
a network trained on sparse graphs sees inputs it never met when the density
(and the degree) grows.  The *mean* keeps the aggregate's scale independent
of the degree, so a network trained on a mixture of densities stays valid on
denser events.

:class:`EdgeClassifier` follows the model contract of the package
(:class:`hepml_course.nn.Estimator`): its input ``X`` is a *sequence of*
:class:`~hepml_course.tracking.graph.Graph` (one per event) and a "row" is one
graph.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from hepml_course.nn import (
    Estimator,
    check_sample_weight,
    count_parameters,
    import_keras,
    import_tensorflow,
    mlp,
    seed_everything,
)
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.tracking.graph import (
    EDGE_FEATURES,
    EDGE_SCALES,
    NODE_FEATURES,
    NODE_SCALES,
    Graph,
)


class GraphError(ValueError):
    """A graph that the network cannot process (wrong shapes, NaNs, bad indices, labels)."""


@cache
def _network_class() -> type:
    """The Keras model class (defined on first use, so importing this module stays cheap)."""
    keras = import_keras()
    ops = keras.ops

    class InteractionNetwork(keras.Model):
        """Edge-classifying Interaction Network.

        Call it with ``(nodes, edges, senders, receivers)``: float32 arrays of
        shape (n_nodes, 3) and (n_edges, 6) and int32 index arrays of shape
        (n_edges,).  Returns logits of shape (n_edges,).  Every MLP comes from
        :func:`hepml_course.nn.mlp`.
        """

        def __init__(
            self, hidden: int = 32, iterations: int = 4, aggregation: str = "mean", **kwargs: Any
        ) -> None:
            super().__init__(name="interaction_network", **kwargs)
            self.hidden = int(hidden)
            self.iterations = int(iterations)
            self.aggregation = check_aggregation(aggregation)
            h = self.hidden
            # encoders and updates: two ReLU layers of width `hidden`
            self.node_encoder = mlp(
                len(NODE_FEATURES), [h], h, output_activation="relu", name="node_encoder"
            )
            self.edge_encoder = mlp(
                len(EDGE_FEATURES), [h], h, output_activation="relu", name="edge_encoder"
            )
            self.edge_update = mlp(3 * h, [h], h, output_activation="relu", name="edge_update")
            self.node_update = mlp(3 * h, [h], h, output_activation="relu", name="node_update")
            # classifier: two ReLU layers and a linear logit
            self.classifier = mlp(3 * h, [h, h], 1, name="edge_classifier")

        def call(self, inputs, training=False):
            nodes, edges, senders, receivers = inputs
            n_nodes = ops.shape(nodes)[0]
            h = self.node_encoder(nodes, training=training)
            e = self.edge_encoder(edges, training=training)
            if self.aggregation == "mean":
                ones = ops.ones_like(e[:, :1])
                inv_in = 1.0 / ops.maximum(
                    ops.segment_sum(ones, receivers, num_segments=n_nodes), 1.0
                )
                inv_out = 1.0 / ops.maximum(
                    ops.segment_sum(ones, senders, num_segments=n_nodes), 1.0
                )
            for _ in range(self.iterations):
                hs, hr = ops.take(h, senders, axis=0), ops.take(h, receivers, axis=0)
                e = e + self.edge_update(ops.concatenate([e, hs, hr], axis=1), training=training)
                into = ops.segment_sum(e, receivers, num_segments=n_nodes)
                out = ops.segment_sum(e, senders, num_segments=n_nodes)
                if self.aggregation == "mean":
                    into, out = into * inv_in, out * inv_out
                h = h + self.node_update(ops.concatenate([h, into, out], axis=1), training=training)
            hs, hr = ops.take(h, senders, axis=0), ops.take(h, receivers, axis=0)
            logits = self.classifier(ops.concatenate([e, hs, hr], axis=1), training=training)
            return ops.squeeze(logits, axis=1)

    return InteractionNetwork


#: Ways of aggregating the edges of a node: ``"sum"`` (the original Interaction
#: Network) or ``"mean"`` (degree-normalised, robust to the density).
AGGREGATIONS = ("sum", "mean")


def check_aggregation(aggregation: str) -> str:
    """``aggregation`` if it is one of :data:`AGGREGATIONS`, else a clear ValueError."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}")
    return aggregation


def build_network(hidden: int = 32, iterations: int = 4, aggregation: str = "mean") -> Any:
    """A new, built :class:`InteractionNetwork` (weights from the current Keras seed)."""
    net = _network_class()(hidden, iterations, aggregation)
    net(_arrays(_dummy_graph()))  # create the weights
    return net


def _check_graph(graph: Any, where: str = "graph") -> Graph:
    if not isinstance(graph, Graph):
        raise TypeError(
            f"{where} must be a hepml_course.tracking.graph.Graph (from build_graph), "
            f"got {type(graph).__name__}"
        )
    n, e = np.asarray(graph.nodes), np.asarray(graph.edges)
    if n.ndim != 2 or n.shape[1] != len(NODE_FEATURES):
        raise GraphError(
            f"{where}: node features must have shape (n_hits, {len(NODE_FEATURES)}), got {n.shape}"
        )
    if e.ndim != 2 or e.shape[1] != len(EDGE_FEATURES):
        raise GraphError(
            f"{where}: edge features must have shape (n_edges, {len(EDGE_FEATURES)}), got {e.shape}"
        )
    if len(graph.senders) != len(e) or len(graph.receivers) != len(e):
        raise GraphError(
            f"{where}: senders, receivers and edge features must have one entry per edge"
        )
    if not (np.isfinite(n).all() and np.isfinite(e).all()):
        raise GraphError(f"{where}: graph features contain NaN or infinite values")
    if len(e) and (
        min(graph.senders.min(), graph.receivers.min()) < 0
        or max(graph.senders.max(), graph.receivers.max()) >= len(n)
    ):
        raise GraphError(f"{where}: edge indices must lie in [0, {len(n)}) (the number of hits)")
    return graph


def _arrays(graph: Graph) -> tuple[np.ndarray, ...]:
    return (
        np.asarray(graph.nodes, np.float32),
        np.asarray(graph.edges, np.float32),
        np.asarray(graph.senders, np.int32),
        np.asarray(graph.receivers, np.int32),
    )


def _signature(tf: Any) -> tuple:
    return (
        tf.TensorSpec([None, len(NODE_FEATURES)], tf.float32),
        tf.TensorSpec([None, len(EDGE_FEATURES)], tf.float32),
        tf.TensorSpec([None], tf.int32),
        tf.TensorSpec([None], tf.int32),
    )


def _as_graph_list(graphs: Any, name: str = "graphs") -> list[Graph]:
    if isinstance(graphs, Graph):
        return [_check_graph(graphs, name)]
    if isinstance(graphs, str | bytes) or not isinstance(graphs, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a Graph or a sequence of Graphs, got {type(graphs)}")
    return [_check_graph(g, f"{name}[{i}]") for i, g in enumerate(graphs)]


class EdgeClassifier(Estimator):
    """Classify the edges of hit graphs with an Interaction Network.

    ``X`` is a sequence of :class:`~hepml_course.tracking.graph.Graph` (one per
    event, from :func:`~hepml_course.tracking.graph.build_graph`); the labels
    are per edge ("both hits come from one particle").  A graph is one row of
    the contract: ``sample_weight`` has one weight per graph.

    Parameters
    ----------
    hidden
        Width of every latent vector and MLP layer.
    iterations
        Rounds of message passing (weights shared between rounds).
    aggregation
        ``"mean"`` (default: each node averages its edges, robust to the
        density) or ``"sum"`` (the original Interaction Network).
    learning_rate
        Initial Adam learning rate.
    epochs
        Passes over the training graphs (one graph per optimiser step).
    decay_to
        The learning rate falls geometrically from ``learning_rate`` to
        ``decay_to × learning_rate`` over the epochs (1: constant).

    Attributes
    ----------
    model_ : keras.Model
        The trained :class:`InteractionNetwork`.
    pos_weight_ : float
        Loss weight of true edges, n_false / n_true over the training graphs.
    history_ : dict
        ``{"loss": [...]}``, the mean training loss of every epoch.
    train_s_ : float
        Wall time of the training loop, in seconds.
    """

    _fitted_attributes = ("model_", "pos_weight_", "history_")

    def __init__(
        self,
        *,
        hidden: int = 32,
        iterations: int = 4,
        aggregation: str = "mean",
        learning_rate: float = 2e-3,
        epochs: int = 10,
        decay_to: float = 1.0,
    ) -> None:
        self.hidden = hidden
        self.iterations = iterations
        self.aggregation = aggregation
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.decay_to = decay_to

    # --- training ----------------------------------------------------------
    def fit(
        self,
        X: Sequence[Graph],
        y: Sequence[Any] | None = None,
        *,
        sample_weight: Any = None,
        seed: int = 0,
        verbose: bool = False,
    ) -> EdgeClassifier:
        """Train on labelled graphs (one graph per step), with class weighting.

        True edges get the weight ``n_false / n_true`` (counted over all training
        graphs) so that both classes weigh the same in the loss.

        Parameters
        ----------
        X
            Sequence of graphs (or one graph).
        y
            ``None`` (default): the labels the graphs carry (``graph.y``, set by
            ``build_graph`` on hits with truth).  Otherwise one boolean array per
            graph, of length ``graph.n_edges``, replacing ``graph.y``.
        sample_weight
            One non-negative weight per graph (scales that graph's loss); default ones.
        seed
            Seeds the weight initialisation and the order of the graphs.
        verbose
            Print the loss of every epoch.

        Raises
        ------
        GraphError (a ValueError)
            No graphs, graphs without labels, labels of the wrong length, bad
            features, no edges at all, or only one class of edges.
        ValueError
            ``y`` or ``sample_weight`` of another length than ``X``.
        """
        graphs = _as_graph_list(X, "X")
        if not graphs:
            raise GraphError("fit needs at least one graph")
        weights = check_sample_weight(sample_weight, len(graphs))
        if y is None:
            labels = [g.y for g in graphs]
            if any(lab is None for lab in labels):
                raise GraphError(
                    "training graphs need truth labels (build them from hits with particle "
                    "indices) or pass y"
                )
        else:
            if isinstance(y, np.ndarray) and y.dtype != object:
                raise ValueError("y must be a list with one label array per graph (or None)")
            labels = list(y)
            if len(labels) != len(graphs):
                raise ValueError(
                    f"y must hold one label array per graph: {len(graphs)} graphs, "
                    f"{len(labels)} label arrays"
                )
        for i, (g, lab) in enumerate(zip(graphs, labels, strict=True)):
            lab = np.asarray(lab)
            if lab.shape != (g.n_edges,):
                raise GraphError(
                    f"graph {i} has {g.n_edges} edges but {lab.shape[0] if lab.ndim else 0} "
                    "labels: one label per edge is needed"
                )
            if lab.size and not np.isin(lab, (0, 1)).all():
                raise GraphError(f"labels of graph {i} must be booleans (or 0/1)")
        keep = [i for i, g in enumerate(graphs) if g.n_edges > 0]
        if not keep:
            raise GraphError("every training graph has zero edges: loosen the geometric cuts")
        graphs = [graphs[i] for i in keep]
        labels = [np.asarray(labels[i], np.float32) for i in keep]
        if weights[keep].sum() <= 0:
            raise ValueError("sample_weight is zero for every graph with edges")
        weights = weights[keep] / weights[keep].mean()
        n_true = sum(float(lab.sum()) for lab in labels)
        n_all = sum(g.n_edges for g in graphs)
        if n_true == 0 or n_true == n_all:
            raise GraphError("training graphs need both true and false edges")
        pos_weight = (n_all - n_true) / n_true

        keras = import_keras()
        tf = import_tensorflow()
        check_aggregation(self.aggregation)
        seed_everything(seed)
        model = build_network(self.hidden, self.iterations, self.aggregation)
        optimizer = keras.optimizers.Adam(self.learning_rate)
        optimizer.build(model.trainable_weights)
        pw = float(pos_weight)

        def step(nodes, edges, senders, receivers, target, weight):
            with tf.GradientTape() as tape:
                logits = model((nodes, edges, senders, receivers), training=True)
                per_edge = pw * target * keras.ops.softplus(-logits) + (
                    1.0 - target
                ) * keras.ops.softplus(logits)
                loss = weight * keras.ops.mean(per_edge) / (0.5 * (1.0 + pw))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
            return loss

        train_step = tf.function(
            step,
            input_signature=(
                *_signature(tf),
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([], tf.float32),
            ),
            reduce_retracing=True,
        )
        data = [
            (*_arrays(g), lab, np.float32(w))
            for g, lab, w in zip(graphs, labels, weights, strict=True)
        ]
        rng = np.random.default_rng(seed)
        history: list[float] = []
        start = time.perf_counter()
        for epoch in range(self.epochs):
            frac = epoch / (self.epochs - 1) if self.epochs > 1 else 0.0
            optimizer.learning_rate.assign(self.learning_rate * self.decay_to**frac)
            losses = [float(train_step(*data[i])) for i in rng.permutation(len(data))]
            history.append(float(np.mean(losses)))
            if verbose:
                print(f"epoch {epoch + 1}/{self.epochs}: loss {history[-1]:.4f}")
        self.train_s_ = time.perf_counter() - start
        self.pos_weight_ = pos_weight
        self.model_ = model
        self.history_ = {"loss": history}
        self.seed_ = seed
        self._infer = None
        return self

    # --- output --------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        """Number of parameters of the fitted network."""
        self._check_is_fitted()
        return count_parameters(self.model_)

    def _logits(self, graph: Graph) -> np.ndarray:
        if getattr(self, "_infer", None) is None:
            tf = import_tensorflow()
            model = self.model_

            def logits(nodes, edges, senders, receivers):
                return model((nodes, edges, senders, receivers), training=False)

            self._infer = tf.function(logits, input_signature=_signature(tf), reduce_retracing=True)
        return np.asarray(self._infer(*_arrays(graph)))

    def predict(self, X: Graph | Sequence[Graph]) -> np.ndarray | list[np.ndarray]:
        """Edge scores in [0, 1]: the probability that both hits of an edge belong to one particle.

        Parameters
        ----------
        X
            One graph, or a sequence of graphs.

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            (n_edges,) float32 scores for one graph (empty for a graph without
            edges); a list of them for a sequence of graphs.
        """
        self._check_is_fitted()
        single = isinstance(X, Graph)
        graphs = _as_graph_list(X, "X")
        out = []
        for g in graphs:
            if g.n_edges == 0:
                out.append(np.zeros(0, dtype=np.float32))
            else:
                z = self._logits(g).astype(np.float64)
                out.append((1.0 / (1.0 + np.exp(-z))).astype(np.float32))
        return out[0] if single else out

    # --- persistence -----------------------------------------------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("interaction_network", self.model_)
        return {
            "pos_weight": float(self.pos_weight_),
            "history": self.history_,
            "train_s": float(getattr(self, "train_s_", float("nan"))),
            "n_parameters": count_parameters(self.model_),
            "node_features": list(NODE_FEATURES),
            "edge_features": list(EDGE_FEATURES),
            "node_scales": [float(s) for s in NODE_SCALES],
            "edge_scales": [float(s) for s in EDGE_SCALES],
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        if list(state["node_features"]) != list(NODE_FEATURES) or list(
            state["edge_features"]
        ) != list(EDGE_FEATURES):
            raise GraphError(
                "the saved network was trained on other graph features "
                f"(nodes {state['node_features']}, edges {state['edge_features']}); "
                f"this version builds nodes {list(NODE_FEATURES)}, edges {list(EDGE_FEATURES)}"
            )
        if not (
            np.allclose(state["node_scales"], NODE_SCALES)
            and np.allclose(state["edge_scales"], EDGE_SCALES)
        ):
            raise GraphError("the saved network was trained with other feature scales")
        self.model_ = reader.keras_weights(
            "interaction_network", build_network(self.hidden, self.iterations, self.aggregation)
        )
        self.pos_weight_ = float(state["pos_weight"])
        self.history_ = state["history"]
        self.train_s_ = float(state["train_s"])
        self._infer = None


def _dummy_graph() -> Graph:
    return Graph(
        senders=np.zeros(1, dtype=np.int64),
        receivers=np.ones(1, dtype=np.int64),
        nodes=np.zeros((2, len(NODE_FEATURES)), dtype=np.float32),
        edges=np.zeros((1, len(EDGE_FEATURES)), dtype=np.float32),
        y=None,
    )
