"""Interaction Network edge classifier (Keras / TensorFlow).

The network (Battaglia et al. 2016, as used by Exa.TrkX) keeps a latent vector
per hit (node) and per segment (edge).  Each of ``iterations`` rounds of
message passing

1. updates every edge from itself and its two end nodes (``tf.gather``),
2. sums the updated edges into their receiver and sender nodes
   (``tf.math.unsorted_segment_sum``) and updates every node from itself and
   these two sums,

and a final MLP turns each edge's latent vector and its two nodes into a
logit: the score that both hits belong to one particle.  The same weights are
shared between rounds, so the network stays small (≈ 20 k parameters) and its
cost is linear in the numbers of nodes and edges.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hepml_course.tracking.graph import EDGE_FEATURES, NODE_FEATURES, Graph

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf


class GraphError(ValueError):
    """A graph that the network cannot process (wrong shapes, NaNs, bad indices)."""


def _mlp(hidden: int, n_layers: int, name: str, out: int | None = None) -> tf.keras.Sequential:
    layers = [tf.keras.layers.Dense(hidden, activation="relu") for _ in range(n_layers)]
    if out is not None:
        layers.append(tf.keras.layers.Dense(out))
    return tf.keras.Sequential(layers, name=name)


class InteractionNetwork(tf.keras.Model):
    """Edge-classifying Interaction Network.

    Call it with ``(nodes, edges, senders, receivers)``: float32 arrays of shape
    (n_nodes, 3) and (n_edges, 5) and int32 index arrays of shape (n_edges,).
    Returns logits of shape (n_edges,).

    Parameters
    ----------
    hidden
        Width of every latent vector and MLP layer.
    iterations
        Rounds of message passing (weights shared between rounds).
    """

    def __init__(self, hidden: int = 32, iterations: int = 4) -> None:
        super().__init__(name="interaction_network")
        self.hidden = hidden
        self.iterations = iterations
        self.node_encoder = _mlp(hidden, 2, "node_encoder")
        self.edge_encoder = _mlp(hidden, 2, "edge_encoder")
        self.edge_update = _mlp(hidden, 2, "edge_update")
        self.node_update = _mlp(hidden, 2, "node_update")
        self.classifier = _mlp(hidden, 2, "edge_classifier", out=1)

    def call(self, inputs, training=False):
        nodes, edges, senders, receivers = inputs
        n_nodes = tf.shape(nodes)[0]
        h = self.node_encoder(nodes)
        e = self.edge_encoder(edges)
        for _ in range(self.iterations):
            hs, hr = tf.gather(h, senders), tf.gather(h, receivers)
            e = e + self.edge_update(tf.concat([e, hs, hr], axis=1))
            into = tf.math.unsorted_segment_sum(e, receivers, n_nodes)
            out = tf.math.unsorted_segment_sum(e, senders, n_nodes)
            h = h + self.node_update(tf.concat([h, into, out], axis=1))
        hs, hr = tf.gather(h, senders), tf.gather(h, receivers)
        return tf.squeeze(self.classifier(tf.concat([e, hs, hr], axis=1)), axis=1)


def _check_graph(graph: Graph) -> None:
    n, e = graph.nodes, graph.edges
    if n.ndim != 2 or n.shape[1] != len(NODE_FEATURES):
        raise GraphError(
            f"node features must have shape (n_hits, {len(NODE_FEATURES)}), got {n.shape}"
        )
    if e.ndim != 2 or e.shape[1] != len(EDGE_FEATURES):
        raise GraphError(
            f"edge features must have shape (n_edges, {len(EDGE_FEATURES)}), got {e.shape}"
        )
    if len(graph.senders) != len(e) or len(graph.receivers) != len(e):
        raise GraphError("senders, receivers and edge features must have one entry per edge")
    if not (np.isfinite(n).all() and np.isfinite(e).all()):
        raise GraphError("graph features contain NaN or infinite values")
    if len(e) and (
        min(graph.senders.min(), graph.receivers.min()) < 0
        or max(graph.senders.max(), graph.receivers.max()) >= len(n)
    ):
        raise GraphError(f"edge indices must lie in [0, {len(n)}) (the number of hits)")


def _tensors(graph: Graph) -> tuple:
    return (
        tf.constant(graph.nodes, tf.float32),
        tf.constant(graph.edges, tf.float32),
        tf.constant(graph.senders, tf.int32),
        tf.constant(graph.receivers, tf.int32),
    )


_SIGNATURE = (
    tf.TensorSpec([None, len(NODE_FEATURES)], tf.float32),
    tf.TensorSpec([None, len(EDGE_FEATURES)], tf.float32),
    tf.TensorSpec([None], tf.int32),
    tf.TensorSpec([None], tf.int32),
)


class EdgeClassifier:
    """Train and apply an :class:`InteractionNetwork` on hit graphs.

    Parameters
    ----------
    hidden, iterations
        Network size (see :class:`InteractionNetwork`).
    learning_rate
        Adam learning rate.
    seed
        Seed of the weight initialisation and of the order of training graphs.
    """

    def __init__(
        self, hidden: int = 32, iterations: int = 4, learning_rate: float = 2e-3, seed: int = 0
    ) -> None:
        self.hidden = hidden
        self.iterations = iterations
        self.learning_rate = learning_rate
        self.seed = seed
        tf.keras.utils.set_random_seed(seed)
        self.model = InteractionNetwork(hidden, iterations)
        self.model(_tensors(_dummy_graph()))  # create the weights
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        self.pos_weight = 1.0
        self.history: list[float] = []
        self._infer = tf.function(self._logits, input_signature=_SIGNATURE, reduce_retracing=True)
        self._train = tf.function(
            self._step,
            input_signature=(
                *_SIGNATURE,
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([], tf.float32),
            ),
            reduce_retracing=True,
        )

    @property
    def n_parameters(self) -> int:
        """Number of trainable parameters."""
        return int(sum(np.prod(w.shape) for w in self.model.trainable_weights))

    def _logits(self, nodes, edges, senders, receivers):
        return self.model((nodes, edges, senders, receivers), training=False)

    def _step(self, nodes, edges, senders, receivers, y, pos_weight):
        with tf.GradientTape() as tape:
            logits = self.model((nodes, edges, senders, receivers), training=True)
            loss = tf.reduce_mean(
                tf.nn.weighted_cross_entropy_with_logits(y, logits, pos_weight)
            ) / (0.5 * (1.0 + pos_weight))
        grads = tape.gradient(loss, self.model.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_weights, strict=False))
        return loss

    def fit(
        self,
        graphs: Sequence[Graph],
        epochs: int = 10,
        verbose: bool = False,
        decay_to: float = 1.0,
    ) -> EdgeClassifier:
        """Train on labelled graphs (one graph per step), with class weighting.

        True edges get the weight ``n_false / n_true`` (counted over all training
        graphs) so that both classes weigh the same in the loss.  The learning
        rate falls geometrically from ``learning_rate`` to
        ``decay_to × learning_rate`` over the epochs.

        Raises
        ------
        GraphError
            If a graph has no labels, no edges, or bad features.
        """
        graphs = [g for g in graphs]
        if not graphs:
            raise GraphError("fit needs at least one graph")
        for g in graphs:
            _check_graph(g)
            if g.y is None:
                raise GraphError("training graphs need truth labels (hits with particle indices)")
        graphs = [g for g in graphs if g.n_edges > 0]
        if not graphs:
            raise GraphError("every training graph has zero edges: loosen the geometric cuts")
        n_true = sum(int(g.y.sum()) for g in graphs)
        n_all = sum(g.n_edges for g in graphs)
        if n_true == 0 or n_true == n_all:
            raise GraphError("training graphs need both true and false edges")
        self.pos_weight = (n_all - n_true) / n_true
        tensors = [(*_tensors(g), tf.constant(g.y, tf.float32)) for g in graphs]
        rng = np.random.default_rng(self.seed)
        pw = tf.constant(self.pos_weight, tf.float32)
        for epoch in range(epochs):
            frac = epoch / (epochs - 1) if epochs > 1 else 0.0
            self.optimizer.learning_rate.assign(self.learning_rate * decay_to**frac)
            losses = [float(self._train(*tensors[i], pw)) for i in rng.permutation(len(tensors))]
            self.history.append(float(np.mean(losses)))
            if verbose:
                print(f"epoch {epoch + 1}/{epochs}: loss {self.history[-1]:.4f}")
        return self

    def predict(self, graph: Graph) -> np.ndarray:
        """Edge scores in [0, 1] (an empty array for a graph with no edges)."""
        _check_graph(graph)
        if graph.n_edges == 0:
            return np.zeros(0, dtype=np.float32)
        return tf.sigmoid(self._infer(*_tensors(graph))).numpy()

    def save(self, path: str | Path) -> Path:
        """Write the weights and settings to a ``.npz`` file."""
        path = Path(path)
        arrays = {f"w{i}": w for i, w in enumerate(self.model.get_weights())}
        np.savez(
            path,
            hidden=self.hidden,
            iterations=self.iterations,
            pos_weight=self.pos_weight,
            **arrays,
        )
        return path

    @classmethod
    def load(cls, path: str | Path, learning_rate: float = 2e-3, seed: int = 0) -> EdgeClassifier:
        """Rebuild a classifier from :meth:`save`'s file."""
        with np.load(Path(path)) as f:
            clf = cls(int(f["hidden"]), int(f["iterations"]), learning_rate, seed)
            weights = [f[f"w{i}"] for i in range(len(clf.model.get_weights()))]
            clf.pos_weight = float(f["pos_weight"])
        clf.model.set_weights(weights)
        return clf


def _dummy_graph() -> Graph:
    return Graph(
        senders=np.zeros(1, dtype=np.int64),
        receivers=np.ones(1, dtype=np.int64),
        nodes=np.zeros((2, len(NODE_FEATURES)), dtype=np.float32),
        edges=np.zeros((1, len(EDGE_FEATURES)), dtype=np.float32),
        y=None,
    )
