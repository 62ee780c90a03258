"""Generation 3a: Deep Sets / Particle Flow Network — a permutation-invariant sum over particles.

f(jet) = F( Σ_i Φ(p_i) ): the same small network Φ acts on every constituent,
the masked sum forgets their order, and F classifies the summed latent vector
(Zaheer et al. 2017; Komiske, Metodiev, Thaler 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hepml_course import nn
from hepml_course.classification._particle import ParticleTagger, masked_sum_layer


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
    joined to the summed latent vector.  Φ (layers ``phi1`` …) and F (``F1`` …)
    are :func:`hepml_course.nn.dense_block` stacks.
    """
    keras = nn.import_keras()
    x_in = keras.Input(shape=(n_particles, n_inputs), name="particles")
    m_in = keras.Input(shape=(n_particles,), name="mask")
    x = nn.dense_block(x_in, phi, name="phi")
    x = masked_sum_layer()(name="sum_over_particles")(x, m_in)
    inputs = [x_in, m_in]
    if n_global:
        g_in = keras.Input(shape=(n_global,), name="jet")
        x = keras.layers.Concatenate(name="join_jet")([x, g_in])
        inputs.append(g_in)
    x = nn.dense_block(x, f, name="F")
    out = keras.layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, out, name="deepsets")


class DeepSetsTagger(ParticleTagger):
    """Particle Flow Network tagger (see :func:`build_deepsets`).

    ``X`` is a :class:`~hepml_course.classification.jets.JetInputs` with
    constituents; see the base class ``ParticleTagger`` in ``_particle.py`` for
    the inputs, the training and the learned attributes (``model_``,
    ``scaler_``, ``multiplicity_scaler_``, ``history_``, ``train_s_``).

    Parameters
    ----------
    n_particles
        Constituents per jet the network reads (the hardest ones).
    phi, f
        Hidden widths of the per-particle network Φ and of the jet network F.
    epochs, batch_size, learning_rate, validation_fraction, patience
        Training schedule (Adam, early stopping on the validation loss).
    n_classes
        Number of classes.
    use_multiplicity
        Join the standardised log of the jet's total constituent count to the sum.
    """

    def __init__(
        self,
        *,
        n_particles: int = 30,
        phi: Sequence[int] = (64, 64, 64),
        f: Sequence[int] = (64, 64),
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
        self.phi = phi
        self.f = f

    def _build(self) -> Any:
        return build_deepsets(
            self.n_particles, self.n_inputs, self.phi, self.f, self.n_classes, self.n_global
        )
