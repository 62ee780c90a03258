"""Generation 3b: a small Particle Transformer (ParT-style) with pairwise interaction features.

Self-attention between constituents, with the attention logits of each pair
biased by an embedding of physics pair features — ln ΔR, ln kT, ln z and
ln m² (Qu, Li, Qian 2022) — then a class-token attention block that pools the
particles into one jet vector.  Padded particles are masked out of every
attention.  Sized (dim 32, 2 blocks) to train in seconds on a laptop CPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.classification import _keras
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


def _layers() -> Any:
    """Define the custom Keras layers (after TensorFlow is imported)."""
    tf = _keras.tf()

    class PairFeatures(tf.keras.layers.Layer):
        """(B, N, 4) raw (pT, Δη, Δφ, E) → (B, N, N, 4) pair features (see module doc)."""

        def call(self, raw: Any) -> Any:
            pt, eta, phi = raw[..., 0], raw[..., 1], raw[..., 2]
            deta = eta[:, :, None] - eta[:, None, :]
            dphi = phi[:, :, None] - phi[:, None, :]
            dphi = tf.math.floormod(dphi + np.pi, 2 * np.pi) - np.pi
            delta = tf.sqrt(deta * deta + dphi * dphi + _EPS)
            pa, pb = pt[:, :, None], pt[:, None, :]
            ptmin = tf.minimum(pa, pb)
            m2 = tf.nn.relu(2.0 * pa * pb * (tf.cosh(deta) - tf.cos(dphi)))
            feats = [delta, ptmin * delta, ptmin / (pa + pb + _EPS), m2]
            return tf.math.log(tf.stack(feats, axis=-1) + _EPS)

    class MaskedAttention(tf.keras.layers.Layer):
        """Multi-head attention with an optional additive bias (B, H, Nq, Nk) and key mask."""

        def __init__(self, dim: int, heads: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.dim, self.heads, self.head_dim = dim, heads, dim // heads
            self.q = tf.keras.layers.Dense(dim)
            self.k = tf.keras.layers.Dense(dim)
            self.v = tf.keras.layers.Dense(dim)
            self.o = tf.keras.layers.Dense(dim)

        def _split(self, t: Any) -> Any:
            b, n = tf.shape(t)[0], tf.shape(t)[1]
            return tf.transpose(tf.reshape(t, (b, n, self.heads, self.head_dim)), (0, 2, 1, 3))

        def call(self, query: Any, keys: Any, key_mask: Any, bias: Any = None) -> Any:
            q, k, v = (
                self._split(self.q(query)),
                self._split(self.k(keys)),
                self._split(self.v(keys)),
            )
            logits = tf.matmul(q, k, transpose_b=True) / np.sqrt(self.head_dim)
            if bias is not None:
                logits += bias
            logits += (1.0 - key_mask[:, None, None, :]) * -1e9
            out = tf.matmul(tf.nn.softmax(logits, axis=-1), v)
            b, nq = tf.shape(out)[0], tf.shape(out)[2]
            out = tf.reshape(tf.transpose(out, (0, 2, 1, 3)), (b, nq, self.dim))
            return self.o(out)

    class ClassToken(tf.keras.layers.Layer):
        """A learned (1, dim) token, repeated over the batch."""

        def build(self, input_shape: Any) -> None:
            self.token = self.add_weight(
                name="token", shape=(1, 1, int(input_shape[-1])), initializer="glorot_uniform"
            )

        def call(self, h: Any) -> Any:
            return tf.tile(self.token, (tf.shape(h)[0], 1, 1))

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
    class token before the output layer.
    """
    tf = _keras.tf()
    L = tf.keras.layers
    PairFeatures, MaskedAttention, ClassToken = _layers()
    x_in = tf.keras.Input(shape=(n_particles, n_inputs), name="particles")
    m_in = tf.keras.Input(shape=(n_particles,), name="mask")
    r_in = tf.keras.Input(shape=(n_particles, 4), name="raw")
    mask3 = L.Reshape((n_particles, 1))(m_in)

    pair = PairFeatures(name="pair_features")(r_in)
    pair = L.BatchNormalization(name="pair_norm")(pair)
    pair = L.Dense(16, activation="gelu", name="pair_embed1")(pair)
    pair = L.Dense(heads, name="pair_embed2")(pair)
    bias = L.Permute((3, 1, 2), name="pair_bias")(pair)  # (B, H, N, N)

    h = L.Dense(2 * dim, activation="gelu", name="embed1")(x_in)
    h = L.Dense(dim, name="embed2")(h)
    for i in range(n_blocks):
        a = L.LayerNormalization(name=f"ln_attn{i}")(h)
        h = h + MaskedAttention(dim, heads, name=f"attn{i}")(a, a, m_in, bias)
        f = L.LayerNormalization(name=f"ln_ffn{i}")(h)
        f = L.Dense(2 * dim, activation="gelu", name=f"ffn{i}a")(f)
        h = h + L.Dense(dim, name=f"ffn{i}b")(f)
        h = L.Multiply(name=f"mask{i}")([h, mask3])

    cls = ClassToken(name="class_token")(h)
    kv = L.LayerNormalization(name="ln_cls_kv")(h)
    cls = cls + MaskedAttention(dim, heads, name="cls_attn")(cls, kv, m_in)
    f = L.LayerNormalization(name="ln_cls_ffn")(cls)
    f = L.Dense(2 * dim, activation="gelu", name="cls_ffn_a")(f)
    cls = cls + L.Dense(dim, name="cls_ffn_b")(f)
    cls = L.Flatten()(L.LayerNormalization(name="ln_out")(cls))
    inputs = [x_in, m_in, r_in]
    if n_global:
        g_in = tf.keras.Input(shape=(n_global,), name="jet")
        cls = L.Concatenate(name="join_jet")([cls, g_in])
        cls = L.Dense(dim, activation="gelu", name="head")(cls)
        inputs.append(g_in)
    out = L.Dense(n_classes, activation="softmax", name="output")(cls)
    return tf.keras.Model(inputs, out, name="particle_transformer")


class ParticleTransformerTagger(ParticleTagger):
    """ParT-style tagger (see :func:`build_particle_transformer`)."""

    name = "part"

    def __init__(
        self, n_particles: int = 30, dim: int = 32, heads: int = 4, n_blocks: int = 2, **kw: Any
    ) -> None:
        super().__init__(n_particles, **kw)
        self.dim, self.heads, self.n_blocks = dim, heads, n_blocks

    def build(self) -> Any:
        return build_particle_transformer(
            self.n_particles,
            self.n_inputs,
            self.dim,
            self.heads,
            self.n_blocks,
            self.n_classes,
            self.n_global,
        )

    def inputs(
        self, particles: np.ndarray, mask: np.ndarray, multiplicity: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """Standardised features, float mask, raw constituents (padding = zeros)[, jet inputs]."""
        feats, m, *jet = super().inputs(particles, mask, multiplicity)
        raw = np.where(np.asarray(mask, bool)[..., None], particles, 0.0).astype(np.float32)
        return [feats, m, raw, *jet]
