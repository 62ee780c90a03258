"""Generation 3c: ParticleNet-style dynamic-graph EdgeConv tagger (Qu & Gouskos 2019).

A jet is a point cloud.  Each EdgeConv block links every real constituent i to
its k nearest *real* neighbours j, feeds each edge ``[x_i, x_j − x_i]`` through
a shared MLP, averages the k edge messages and adds a linear shortcut of
``x_i``.  The first graph is built from the (Δη, Δφ) coordinates; later
blocks rebuild it from the previous block's features (a dynamic graph, as in
DGCNN).  A masked global average over the real constituents pools the jet, and
a small dense head classifies it.

Padding never matters: padded slots are never neighbours of real particles and
are left out of the pooling.  A particle with fewer than k real neighbours
averages over the ones it has (a lone particle uses itself as its neighbour).
The cost per jet grows as ``n_particles`` × k (edges) plus ``n_particles``²
(the distances for the graph).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course import nn
from hepml_course.classification._particle import ParticleTagger

#: Raw coordinates of the first kNN graph: (Δη, Δφ) in rad, as in ``JetInputs.particles``.
GRAPH_COORDINATES: tuple[str, ...] = ("deta", "dphi")

# Added to the ranking distance: a particle itself (it is only a neighbour of last resort)
# and padded slots (never neighbours).  Both far above any squared distance of the inputs.
_SELF_PENALTY = 1e18
_PAD_PENALTY = 1e30


@functools.cache
def _layers() -> tuple[type, type, type, type]:
    """The custom Keras layers ``(KNearest, EdgeFeatures, NeighbourMean, MaskedMean)``.

    Defined on first use (Keras is imported then, never at module import);
    written with ``keras.ops`` only, so they are backend-agnostic.  They hold no
    weights: the edge MLP and the shortcut are ordinary ``Dense`` layers.
    """
    keras = nn.import_keras()
    ops = keras.ops

    class KNearest(keras.layers.Layer):
        """k nearest real neighbours of each particle.

        ``coords`` ``(B, N, C)``, ``mask`` ``(B, N)`` (1 = real) → ``index``
        ``(B, N, k')`` int32 neighbour positions and ``weight`` ``(B, N, k')``
        (1 for a real neighbour, 0 for an unused slot), with ``k' = min(k, N)``.
        Squared Euclidean distance in ``coords``; a particle is not its own
        neighbour unless it has no other real particle, unused slots point to
        the particle itself.
        """

        def __init__(self, k: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.k = int(k)

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "k": self.k}

        def call(self, coords: Any, mask: Any) -> tuple[Any, Any]:
            n = coords.shape[1]
            k = min(self.k, n)
            mask = ops.cast(mask, coords.dtype)
            sq = ops.sum(coords * coords, axis=-1)
            gram = ops.matmul(coords, ops.transpose(coords, (0, 2, 1)))
            dist = ops.relu(ops.expand_dims(sq, 2) + ops.expand_dims(sq, 1) - 2.0 * gram)
            eye = ops.eye(n, dtype=coords.dtype)[None]
            padded = (1.0 - mask)[:, None, :]
            key = dist + _SELF_PENALTY * eye + _PAD_PENALTY * padded
            neg, index = ops.top_k(-key, k=k, sorted=True)
            real_other = ops.cast(neg > -0.5 * _SELF_PENALTY, coords.dtype)  # (B, N, k)
            lonely = ops.cast(ops.sum(real_other, axis=-1, keepdims=True) < 0.5, coords.dtype)
            first = ops.cast(ops.arange(k) == 0, coords.dtype)[None, None, :]
            weight = real_other + lonely * first
            own = ops.reshape(ops.arange(n, dtype="int32"), (1, n, 1))
            index = ops.where(real_other > 0.5, ops.cast(index, "int32"), own)
            return index, weight

    class EdgeFeatures(keras.layers.Layer):
        """``x`` ``(B, N, F)``, ``index`` ``(B, N, k)`` → edge features ``[x_i, x_j − x_i]``
        ``(B, N, k, 2F)``."""

        def call(self, x: Any, index: Any) -> Any:
            shape = ops.shape(x)
            b, n, f = shape[0], x.shape[1], x.shape[2]
            offset = ops.reshape(ops.arange(b, dtype="int32") * n, (-1, 1, 1))
            flat = ops.reshape(x, (-1, f))
            xj = ops.take(flat, ops.cast(index, "int32") + offset, axis=0)  # (B, N, k, F)
            xi = ops.broadcast_to(ops.expand_dims(x, 2), ops.shape(xj))
            return ops.concatenate([xi, xj - xi], axis=-1)

    class NeighbourMean(keras.layers.Layer):
        """Edge messages ``(B, N, k, C)``, weights ``(B, N, k)`` → weighted mean ``(B, N, C)``."""

        def call(self, h: Any, weight: Any) -> Any:
            w = ops.cast(weight, h.dtype)
            total = ops.sum(h * ops.expand_dims(w, -1), axis=2)
            return total / ops.maximum(ops.sum(w, axis=2, keepdims=True), 1.0)

    class MaskedMean(keras.layers.Layer):
        """``(B, N, D)``, mask ``(B, N)`` → ``(B, D)`` mean over the real particles."""

        def call(self, x: Any, mask: Any) -> Any:
            m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
            return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    return KNearest, EdgeFeatures, NeighbourMean, MaskedMean


def _check_hyper_parameters(k: Any, channels: Any, head: Any) -> tuple[tuple[int, ...], ...]:
    """Validated ``channels`` as tuples of ints; a clear ``ValueError`` otherwise."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k (neighbours per particle) must be an integer >= 1, got {k!r}")
    blocks = tuple(tuple(block) for block in channels)
    if not blocks or any(len(block) == 0 for block in blocks):
        raise ValueError(
            "channels must list at least one EdgeConv block, each with at least one width, "
            f"e.g. ((32, 32), (48, 48)); got {channels!r}"
        )
    widths = [w for block in blocks for w in block] + list(head)
    if any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1 for w in widths):
        raise ValueError(
            f"channel and head widths must be integers >= 1; got channels={channels!r}, "
            f"head={head!r}"
        )
    return tuple(tuple(int(w) for w in block) for block in blocks)


def build_particlenet(
    n_particles: int,
    n_inputs: int = 7,
    *,
    k: int = 8,
    channels: Sequence[Sequence[int]] = ((32, 32), (48, 48)),
    head: Sequence[int] = (64,),
    n_classes: int = 5,
    n_global: int = 0,
) -> Any:
    """Keras ParticleNet-style model (uncompiled).

    Inputs: ``particles`` ``(N, n_inputs)`` standardised features, ``mask``
    ``(N,)`` (1 = real, 0 = padding), ``coords`` ``(N, 2)`` raw (Δη, Δφ) in rad
    for the first graph and, if ``n_global`` > 0, jet-level inputs ``jet``
    ``(n_global,)`` joined to the pooled vector.  Output: ``(n_classes,)``
    softmax probabilities.

    Parameters
    ----------
    n_particles
        Padding length N.
    n_inputs
        Features per particle.
    k
        Neighbours per particle (at most N are used).
    channels
        One entry per EdgeConv block: the widths of its shared edge MLP
        (Dense + ReLU, layers ``edge{b}_1`` …); the block's output width is the
        last one.  Block 0's graph uses ``coords``, block b > 0 the output of
        block b − 1.
    head
        Widths of the dense layers after the pooling (``head1`` …).
    n_classes
        Number of classes.
    n_global
        Number of jet-level inputs (0 = none).

    Raises
    ------
    ValueError
        If ``k`` < 1, ``channels`` is empty or has an empty block, or a width is < 1.
    """
    blocks = _check_hyper_parameters(k, channels, head)
    keras = nn.import_keras()
    L = keras.layers
    KNearest, EdgeFeatures, NeighbourMean, MaskedMean = _layers()
    x_in = keras.Input(shape=(n_particles, n_inputs), name="particles")
    m_in = keras.Input(shape=(n_particles,), name="mask")
    c_in = keras.Input(shape=(n_particles, len(GRAPH_COORDINATES)), name="coords")
    mask3 = L.Reshape((n_particles, 1), name="mask3")(m_in)

    x, coords = x_in, c_in
    for b, widths in enumerate(blocks):
        index, weight = KNearest(k, name=f"knn{b}")(coords, m_in)
        edges = EdgeFeatures(name=f"edges{b}")(x, index)
        h = nn.dense_block(edges, widths, name=f"edge{b}_")
        h = NeighbourMean(name=f"mean{b}")(h, weight)
        shortcut = L.Dense(widths[-1], name=f"shortcut{b}")(x)
        x = L.Activation("relu", name=f"relu{b}")(L.Add(name=f"add{b}")([h, shortcut]))
        x = L.Multiply(name=f"mask{b}")([x, mask3])
        coords = x

    pooled = MaskedMean(name="pool")(x, m_in)
    inputs = [x_in, m_in, c_in]
    if n_global:
        g_in = keras.Input(shape=(n_global,), name="jet")
        pooled = L.Concatenate(name="join_jet")([pooled, g_in])
        inputs.append(g_in)
    h = nn.dense_block(pooled, head, name="head")
    out = L.Dense(n_classes, activation="softmax", name="output")(h)
    return keras.Model(inputs, out, name="particlenet")


class ParticleNetTagger(ParticleTagger):
    """ParticleNet-style EdgeConv tagger (see :func:`build_particlenet`).

    ``X`` is a :class:`~hepml_course.classification.jets.JetInputs` with
    constituents; see the base class ``ParticleTagger`` in ``_particle.py`` for
    the inputs, the training and the learned attributes (``model_``,
    ``scaler_``, ``multiplicity_scaler_``, ``history_``, ``train_s_``).

    Parameters
    ----------
    n_particles
        Constituents per jet the network reads (the hardest ones).
    k
        Neighbours per particle in every EdgeConv graph.
    channels
        Edge-MLP widths of each EdgeConv block (one tuple per block).
    head
        Dense widths after the masked average pooling.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule (Adam, early stopping on the validation loss).  The
        default rate (4e-3, twice the other taggers') trained faster within the
        chapter's few epochs.
    n_classes
        Number of classes.
    use_multiplicity
        Join the standardised log of the jet's total constituent count to the pooled vector.

    Notes
    -----
    Bad ``k``, ``channels`` or ``head`` raise ``ValueError`` at :meth:`fit`.
    """

    #: The edge tensors are ``k`` × the particle tensors: 4 096 jets at once take ~1 GB.
    _predict_batch_size: ClassVar[int] = 256

    def __init__(
        self,
        *,
        n_particles: int = 30,
        k: int = 8,
        channels: Sequence[Sequence[int]] = ((32, 32), (48, 48)),
        head: Sequence[int] = (64,),
        epochs: int = 10,
        batch_size: int = 256,
        learning_rate: float = 4e-3,
        validation_fraction: float = 0.1,
        patience: int = 5,
        n_classes: int = 5,
        use_multiplicity: bool = True,
    ) -> None:
        super().__init__(
            n_particles=n_particles,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            validation_fraction=validation_fraction,
            patience=patience,
            n_classes=n_classes,
            use_multiplicity=use_multiplicity,
        )
        self.k = k
        self.channels = channels
        self.head = head

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters (JSON-able: ``channels`` as a list of lists)."""
        out = super().get_params()
        out["channels"] = [list(block) for block in self.channels]
        return out

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> ParticleNetTagger:
        """Check the hyper-parameters, then fit as :meth:`ParticleTagger.fit`."""
        _check_hyper_parameters(self.k, self.channels, self.head)
        return super().fit(X, y, sample_weight=sample_weight, seed=seed)

    def _build(self) -> Any:
        return build_particlenet(
            self.n_particles,
            self.n_inputs,
            k=self.k,
            channels=self.channels,
            head=self.head,
            n_classes=self.n_classes,
            n_global=self.n_global,
        )

    def _extra_inputs(self, particles: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """The raw (Δη, Δφ) of each constituent in rad, ``(n, N, 2)`` (padding = zeros)."""
        return [np.where(mask[..., None], particles[..., 1:3], 0.0).astype(np.float32)]
