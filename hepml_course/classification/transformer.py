"""Generation 3b: a small Particle Transformer (ParT-style) with pairwise interaction features.

Self-attention between constituents, with the attention logits of each pair
biased by an embedding of physics pair features — ln ΔR, ln kT, ln z and
ln m² (Qu, Li, Qian 2022) — then a class-token attention block that pools the
particles into one jet vector.  Padded particles are masked out of every
attention.  Sized (dim 32, 2 blocks) to train in seconds on a laptop CPU.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from hepml_course import nn
from hepml_course.classification._particle import ParticleTagger

#: Pairwise features fed to the attention bias.
PAIR_FEATURES: tuple[str, ...] = ("ln_delta", "ln_kt", "ln_z", "ln_m2")

_EPS = 1e-8


def pair_features_numpy(particles: np.ndarray) -> np.ndarray:
    """Reference implementation of the pair features, ``(n, N, N, 4)`` (for tests/teaching).

    For massless constituents a, b: Δ = √(Δη² + Δφ²), kT = min(pT) Δ,
    z = min(pT)/(pT_a + pT_b), m² = 2 pT_a pT_b (cosh Δη − cos Δφ) (GeV², Δφ
    wrapped).  Logarithms are taken of each quantity plus 1e-8.
    """
    pt, eta, phi = particles[..., 0], particles[..., 1], particles[..., 2]
    deta = eta[:, :, None] - eta[:, None, :]
    dphi = np.mod(phi[:, :, None] - phi[:, None, :] + np.pi, 2 * np.pi) - np.pi
    delta = np.sqrt(deta**2 + dphi**2)
    ptmin = np.minimum(pt[:, :, None], pt[:, None, :])
    ptsum = pt[:, :, None] + pt[:, None, :]
    m2 = 2 * pt[:, :, None] * pt[:, None, :] * (np.cosh(deta) - np.cos(dphi))
    return np.log(
        np.stack([delta, ptmin * delta, ptmin / np.maximum(ptsum, _EPS), np.maximum(m2, 0)], -1)
        + _EPS
    )


@functools.cache
def _layers() -> tuple[type, type, type]:
    """The custom Keras layers ``(PairFeatures, MaskedAttention, ClassToken)``.

    Defined on first use (Keras is imported then, never at module import);
    written with ``keras.ops`` only, so they are backend-agnostic.
    """
    keras = nn.import_keras()
    ops = keras.ops

    class PairFeatures(keras.layers.Layer):
        """(B, N, 4) raw (pT, Δη, Δφ, E) → (B, N, N, 4) pair features (see module doc)."""

        def call(self, raw: Any) -> Any:
            pt, eta, phi = raw[..., 0], raw[..., 1], raw[..., 2]
            deta = ops.expand_dims(eta, 2) - ops.expand_dims(eta, 1)
            dphi = ops.expand_dims(phi, 2) - ops.expand_dims(phi, 1)
            dphi = ops.mod(dphi + np.pi, 2 * np.pi) - np.pi
            delta = ops.sqrt(deta * deta + dphi * dphi + _EPS)
            pa, pb = ops.expand_dims(pt, 2), ops.expand_dims(pt, 1)
            ptmin = ops.minimum(pa, pb)
            m2 = ops.relu(2.0 * pa * pb * (ops.cosh(deta) - ops.cos(dphi)))
            feats = [delta, ptmin * delta, ptmin / (pa + pb + _EPS), m2]
            return ops.log(ops.stack(feats, axis=-1) + _EPS)

    class MaskedAttention(keras.layers.Layer):
        """Multi-head attention with an optional additive bias (B, H, Nq, Nk) and key mask."""

        def __init__(self, dim: int, heads: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.dim, self.heads, self.head_dim = dim, heads, dim // heads
            self.q = keras.layers.Dense(dim, name="q")
            self.k = keras.layers.Dense(dim, name="k")
            self.v = keras.layers.Dense(dim, name="v")
            self.o = keras.layers.Dense(dim, name="o")

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "dim": self.dim, "heads": self.heads}

        def _split(self, t: Any) -> Any:
            b, n = ops.shape(t)[0], ops.shape(t)[1]
            return ops.transpose(ops.reshape(t, (b, n, self.heads, self.head_dim)), (0, 2, 1, 3))

        def call(self, query: Any, keys: Any, key_mask: Any, bias: Any = None) -> Any:
            q = self._split(self.q(query))
            k = self._split(self.k(keys))
            v = self._split(self.v(keys))
            logits = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / np.sqrt(self.head_dim)
            if bias is not None:
                logits = logits + bias
            pad = (1.0 - ops.cast(key_mask, logits.dtype))[:, None, None, :]
            logits = logits + pad * -1e9
            out = ops.matmul(ops.softmax(logits, axis=-1), v)
            b, nq = ops.shape(out)[0], ops.shape(out)[2]
            out = ops.reshape(ops.transpose(out, (0, 2, 1, 3)), (b, nq, self.dim))
            return self.o(out)

    class ClassToken(keras.layers.Layer):
        """A learned (1, dim) token, repeated over the batch."""

        def build(self, input_shape: Any) -> None:
            self.token = self.add_weight(
                name="token", shape=(1, 1, int(input_shape[-1])), initializer="glorot_uniform"
            )

        def call(self, h: Any) -> Any:
            # broadcast, not tile: TF's Tile gradient on a partial batch logs a oneDNN notice
            return ops.broadcast_to(self.token, (ops.shape(h)[0], 1, ops.shape(self.token)[2]))

    return PairFeatures, MaskedAttention, ClassToken


def build_particle_transformer(
    n_particles: int,
    n_inputs: int = 7,
    dim: int = 32,
    heads: int = 4,
    n_blocks: int = 2,
    n_classes: int = 5,
    n_global: int = 0,
) -> Any:
    """Keras ParT-style model.

    Inputs: ``particles`` ``(N, n_inputs)`` standardised features, ``mask``
    ``(N,)``, ``raw`` ``(N, 4)`` = (pT, Δη, Δφ, E) for the pair features and,
    if ``n_global`` > 0, jet-level inputs ``jet`` ``(n_global,)`` joined to the
    class token before the output layer.  Every feed-forward part is a
    :func:`hepml_course.nn.dense_block` followed by a linear projection.
    """
    keras = nn.import_keras()
    L = keras.layers
    PairFeatures, MaskedAttention, ClassToken = _layers()
    x_in = keras.Input(shape=(n_particles, n_inputs), name="particles")
    m_in = keras.Input(shape=(n_particles,), name="mask")
    r_in = keras.Input(shape=(n_particles, 4), name="raw")
    mask3 = L.Reshape((n_particles, 1))(m_in)

    pair = PairFeatures(name="pair_features")(r_in)
    pair = L.BatchNormalization(name="pair_norm")(pair)
    pair = nn.dense_block(pair, [16], activation="gelu", name="pair_embed")
    pair = L.Dense(heads, name="pair_embed_out")(pair)
    bias = L.Permute((3, 1, 2), name="pair_bias")(pair)  # (B, H, N, N)

    h = nn.dense_block(x_in, [2 * dim], activation="gelu", name="embed")
    h = L.Dense(dim, name="embed_out")(h)
    for i in range(n_blocks):
        a = L.LayerNormalization(name=f"ln_attn{i}")(h)
        h = h + MaskedAttention(dim, heads, name=f"attn{i}")(a, a, m_in, bias)
        f = L.LayerNormalization(name=f"ln_ffn{i}")(h)
        f = nn.dense_block(f, [2 * dim], activation="gelu", name=f"ffn{i}_")
        h = h + L.Dense(dim, name=f"ffn{i}_out")(f)
        h = L.Multiply(name=f"mask{i}")([h, mask3])

    cls = ClassToken(name="class_token")(h)
    kv = L.LayerNormalization(name="ln_cls_kv")(h)
    cls = cls + MaskedAttention(dim, heads, name="cls_attn")(cls, kv, m_in)
    f = L.LayerNormalization(name="ln_cls_ffn")(cls)
    f = nn.dense_block(f, [2 * dim], activation="gelu", name="cls_ffn")
    cls = cls + L.Dense(dim, name="cls_ffn_out")(f)
    cls = L.Flatten()(L.LayerNormalization(name="ln_out")(cls))
    inputs = [x_in, m_in, r_in]
    if n_global:
        g_in = keras.Input(shape=(n_global,), name="jet")
        cls = L.Concatenate(name="join_jet")([cls, g_in])
        cls = nn.dense_block(cls, [dim], activation="gelu", name="head")
        inputs.append(g_in)
    out = L.Dense(n_classes, activation="softmax", name="output")(cls)
    return keras.Model(inputs, out, name="particle_transformer")


class ParticleTransformerTagger(ParticleTagger):
    """ParT-style tagger (see :func:`build_particle_transformer`).

    ``X`` is a :class:`~hepml_course.classification.jets.JetInputs` with
    constituents; see the base class ``ParticleTagger`` in ``_particle.py`` for
    the inputs, the training and the learned attributes (``model_``,
    ``scaler_``, ``multiplicity_scaler_``, ``history_``, ``train_s_``).  The
    cost per jet grows as ``n_particles``².

    Parameters
    ----------
    n_particles
        Constituents per jet the network reads (the hardest ones).
    dim, heads, n_blocks
        Width of the particle embedding, attention heads, particle-attention blocks.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule (Adam, early stopping on the validation loss).
    n_classes
        Number of classes.
    use_multiplicity
        Join the standardised log of the jet's total constituent count to the class token.
    """

    def __init__(
        self,
        *,
        n_particles: int = 30,
        dim: int = 32,
        heads: int = 4,
        n_blocks: int = 2,
        epochs: int = 10,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
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
        self.dim = dim
        self.heads = heads
        self.n_blocks = n_blocks

    def _build(self) -> Any:
        return build_particle_transformer(
            self.n_particles,
            self.n_inputs,
            self.dim,
            self.heads,
            self.n_blocks,
            self.n_classes,
            self.n_global,
        )

    def _extra_inputs(self, particles: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """The raw constituents (padding = zeros) for the pair features."""
        return [np.where(mask[..., None], particles, 0.0).astype(np.float32)]
