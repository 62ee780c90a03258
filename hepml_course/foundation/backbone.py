"""The foundation backbone: a small particle-transformer encoder (Keras 3, ``keras.ops`` only).

Each jet's constituents, standardised by
:class:`~hepml_course.classification.ConstituentPreprocessor` (7 inputs per
particle), are embedded by a small MLP and passed through ``n_blocks``
pre-LayerNorm transformer blocks (multi-head self-attention with the padded
particles masked out as keys, then a feed-forward MLP, each with a residual
connection).  The output is one ``dim``-vector per particle, zero at padded
slots.  The same encoder is pre-trained (:mod:`~hepml_course.foundation.pretrain`,
where hidden particles get a learned mask vector, plus an embedding of
their pT rank, instead of their embedding)
and fine-tuned (:mod:`~hepml_course.foundation.finetune`).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from hepml_course import nn

#: Name of the encoder layer inside every model of the package (weights are copied by it).
ENCODER_NAME = "particle_encoder"


@dataclass(frozen=True)
class BackboneConfig:
    """Architecture of the encoder.

    Attributes
    ----------
    n_particles
        Constituents per jet (padding length).
    n_inputs
        Per-particle inputs (7: :data:`~hepml_course.classification.CONSTITUENT_INPUTS`).
    dim
        Width of the particle vectors.
    heads
        Attention heads (``dim`` must be divisible by it).
    n_blocks
        Transformer blocks.
    ffn_mult
        Feed-forward hidden width = ``ffn_mult * dim``.
    """

    n_particles: int = 30
    n_inputs: int = 7
    dim: int = 64
    heads: int = 4
    n_blocks: int = 4
    ffn_mult: int = 2

    def __post_init__(self) -> None:
        for name in ("n_particles", "n_inputs", "dim", "heads", "n_blocks", "ffn_mult"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"backbone {name} must be a positive integer, got {value!r}")
        if self.dim % self.heads:
            raise ValueError(f"backbone dim ({self.dim}) must be divisible by heads ({self.heads})")

    def to_dict(self) -> dict[str, int]:
        """JSON-able form."""
        return {k: int(v) for k, v in asdict(self).items()}


def flops_per_jet(config: BackboneConfig) -> int:
    """Rough multiply-adds × 2 of one forward pass of the encoder on one full jet.

    Counts the dense layers (2 FLOPs per weight per particle) and the two
    attention matrix products (2·N²·dim each per block); ignores normalisation,
    softmax and activations.
    """
    n, d, f = config.n_particles, config.dim, config.ffn_mult * config.dim
    embed = config.n_inputs * 2 * d + 2 * d * d
    block = 4 * d * d + 2 * d * f
    dense = 2 * n * (embed + config.n_blocks * block)
    attention = config.n_blocks * 2 * 2 * n * n * d
    return int(dense + attention)


@functools.cache
def encoder_layer() -> type:
    """The Keras layer ``ParticleEncoder`` (defined on first use, after Keras is imported)."""
    keras = nn.import_keras()
    ops = keras.ops
    L = keras.layers

    class ParticleEncoder(keras.layers.Layer):
        """``(B, N, n_inputs)`` standardised particles, ``(B, N)`` mask (1 = real) and an
        optional ``(B, N)`` ``hide`` (1 = replace the particle's embedding by the learned
        mask vector plus a learned embedding of its slot, i.e. its pT rank) → ``(B, N, dim)``,
        zero at padded slots.  Without ``hide`` the encoder is permutation-equivariant."""

        def __init__(
            self, dim: int, heads: int, n_blocks: int, ffn_mult: int, **kwargs: Any
        ) -> None:
            super().__init__(**kwargs)
            self.dim, self.heads, self.n_blocks, self.ffn_mult = dim, heads, n_blocks, ffn_mult
            self.head_dim = dim // heads
            self.embed_in = L.Dense(2 * dim, activation="gelu", name="embed_in")
            self.embed_out = L.Dense(dim, name="embed_out")
            self.ln_attn = [L.LayerNormalization(name=f"ln_attn{i}") for i in range(n_blocks)]
            self.qkv = [L.Dense(3 * dim, name=f"qkv{i}") for i in range(n_blocks)]
            self.proj = [L.Dense(dim, name=f"proj{i}") for i in range(n_blocks)]
            self.ln_ffn = [L.LayerNormalization(name=f"ln_ffn{i}") for i in range(n_blocks)]
            self.ffn_in = [
                L.Dense(ffn_mult * dim, activation="gelu", name=f"ffn_in{i}")
                for i in range(n_blocks)
            ]
            self.ffn_out = [L.Dense(dim, name=f"ffn_out{i}") for i in range(n_blocks)]
            self.ln_out = L.LayerNormalization(name="ln_out")

        def build(self, input_shape: Any) -> None:
            self.mask_token = self.add_weight(
                name="mask_token", shape=(self.dim,), initializer="zeros"
            )
            # which pT rank a hidden particle had: without it all hidden particles of a jet
            # would look alike to a permutation-equivariant encoder
            self.rank_embedding = self.add_weight(
                name="rank_embedding",
                shape=(int(input_shape[1]), self.dim),
                initializer=keras.initializers.RandomNormal(stddev=0.02),
            )

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "dim": self.dim,
                "heads": self.heads,
                "n_blocks": self.n_blocks,
                "ffn_mult": self.ffn_mult,
            }

        def _attention(self, i: int, x: Any, key_bias: Any) -> Any:
            b, n = ops.shape(x)[0], ops.shape(x)[1]
            qkv = ops.reshape(self.qkv[i](x), (b, n, 3, self.heads, self.head_dim))
            qkv = ops.transpose(qkv, (2, 0, 3, 1, 4))  # (3, B, H, N, hd)
            q, k, v = qkv[0], qkv[1], qkv[2]
            logits = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / np.sqrt(self.head_dim)
            weights = ops.softmax(logits + key_bias, axis=-1)
            out = ops.transpose(ops.matmul(weights, v), (0, 2, 1, 3))
            return self.proj[i](ops.reshape(out, (b, n, self.dim)))

        def call(self, features: Any, mask: Any, hide: Any = None) -> Any:
            real = ops.expand_dims(ops.cast(mask, features.dtype), -1)  # (B, N, 1)
            h = self.embed_out(self.embed_in(features))
            if hide is not None:
                hidden = ops.expand_dims(ops.cast(hide, h.dtype), -1)
                h = h * (1.0 - hidden) + hidden * (self.mask_token + self.rank_embedding)
            key_bias = (1.0 - ops.cast(mask, h.dtype))[:, None, None, :] * -1e9
            for i in range(self.n_blocks):
                h = h + self._attention(i, self.ln_attn[i](h), key_bias)
                h = h + self.ffn_out[i](self.ffn_in[i](self.ln_ffn[i](h)))
            return self.ln_out(h) * real

    return ParticleEncoder


def make_encoder(config: BackboneConfig) -> Any:
    """A fresh (unbuilt) ``ParticleEncoder`` layer named :data:`ENCODER_NAME`."""
    return encoder_layer()(
        config.dim, config.heads, config.n_blocks, config.ffn_mult, name=ENCODER_NAME
    )


def build_backbone(
    *,
    n_particles: int = 30,
    n_inputs: int = 7,
    dim: int = 64,
    heads: int = 4,
    n_blocks: int = 4,
    ffn_mult: int = 2,
) -> Any:
    """The backbone as a Keras model.

    Inputs ``features`` ``(B, N, n_inputs)`` (standardised constituents) and
    ``mask`` ``(B, N)`` (1 = real particle); output ``(B, N, dim)`` particle
    vectors, zero at padded slots.  Initial weights come from Keras' global
    seed (call :func:`hepml_course.nn.seed_everything` first).  With the
    defaults the encoder has about 0.15 M parameters.
    """
    config = BackboneConfig(n_particles, n_inputs, dim, heads, n_blocks, ffn_mult)
    return backbone_model(config)


def backbone_model(config: BackboneConfig, encoder: Any = None) -> Any:
    """Keras model ``[features, mask] → (B, N, dim)`` around ``encoder`` (default: a new one)."""
    keras = nn.import_keras()
    x_in = keras.Input(shape=(config.n_particles, config.n_inputs), name="features")
    m_in = keras.Input(shape=(config.n_particles,), name="mask")
    encoder = make_encoder(config) if encoder is None else encoder
    return keras.Model([x_in, m_in], encoder(x_in, m_in), name="foundation_backbone")
