"""Generation 3a: Deep Sets / Particle Flow Network — a permutation-invariant sum over particles.

f(jet) = F( Σ_i Φ(p_i) ): the same small network Φ acts on every constituent,
the masked sum forgets their order, and F classifies the summed latent vector
(Zaheer et al. 2017; Komiske, Metodiev, Thaler 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hepml_course.classification import _keras
from hepml_course.classification._particle import ParticleTagger


def build_deepsets(
    n_particles: int,
    n_inputs: int = 7,
    phi: Sequence[int] = (64, 64, 64),
    f: Sequence[int] = (64, 64),
    n_classes: int = 5,
    n_global: int = 0,
) -> Any:
    """Keras Particle Flow Network: per-particle MLP Φ, masked sum, MLP F, softmax.

    Inputs: ``particles`` ``(N, n_inputs)``, ``mask`` ``(N,)`` (1 = real, 0 =
    padding) and, if ``n_global`` > 0, jet-level inputs ``jet`` ``(n_global,)``
    joined to the summed latent vector.
    """
    tf = _keras.tf()
    layers = tf.keras.layers
    x_in = tf.keras.Input(shape=(n_particles, n_inputs), name="particles")
    m_in = tf.keras.Input(shape=(n_particles,), name="mask")
    x = x_in
    for i, width in enumerate(phi):
        x = layers.Dense(width, activation="relu", name=f"phi{i + 1}")(x)
    mask = layers.Reshape((n_particles, 1))(m_in)
    x = layers.Multiply(name="mask_latent")([x, mask])
    x = layers.Lambda(lambda t: tf.reduce_sum(t, axis=1), name="sum_over_particles")(x)
    inputs = [x_in, m_in]
    if n_global:
        g_in = tf.keras.Input(shape=(n_global,), name="jet")
        x = layers.Concatenate(name="join_jet")([x, g_in])
        inputs.append(g_in)
    for i, width in enumerate(f):
        x = layers.Dense(width, activation="relu", name=f"F{i + 1}")(x)
    out = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return tf.keras.Model(inputs, out, name="deepsets")


class DeepSetsTagger(ParticleTagger):
    """Particle Flow Network tagger (see :func:`build_deepsets`)."""

    name = "deepsets"

    def __init__(
        self,
        n_particles: int = 30,
        phi: Sequence[int] = (64, 64, 64),
        f: Sequence[int] = (64, 64),
        **kwargs: Any,
    ) -> None:
        super().__init__(n_particles, **kwargs)
        self.phi, self.f = tuple(phi), tuple(f)

    def build(self) -> Any:
        return build_deepsets(
            self.n_particles, self.n_inputs, self.phi, self.f, self.n_classes, self.n_global
        )
