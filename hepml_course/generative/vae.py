"""Conditional variational autoencoder (Kingma & Welling 2014) for showers.

The encoder maps a preprocessed shower and its condition to a Gaussian in a
small latent space; the decoder maps a latent point and the condition back
to a shower.  Training maximises the evidence lower bound: a reconstruction
term (squared error in the standardised space, i.e. a Gaussian decoder) plus
``beta`` × the Kullback–Leibler divergence to the unit Gaussian prior.
Sampling draws ``z ~ N(0, 1)`` and decodes it: one network call per shower.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import batches, sampling_call
from hepml_course.nn import import_keras, import_tensorflow, mlp


class ConditionalVAE(ShowerGenerator):
    """Energy-conditioned variational autoencoder of calorimeter showers.

    Parameters
    ----------
    latent_dim
        Width of the latent space.
    hidden
        Encoder widths (the decoder mirrors them).
    beta
        Weight of the KL term per latent dimension relative to the
        per-feature reconstruction error.
    layer_sizes, alpha_bins, epochs, batch_size, learning_rate, energy_hidden, energy_steps,
    energy_batch_size, hit_calibration_bins
        Shared by every generator: see :class:`~hepml_course.generative.base.ShowerGenerator`.

    Attributes
    ----------
    encoder_, decoder_ : keras.Model
        The two networks (only the decoder is saved: it is all sampling needs).
    """

    name: ClassVar[str] = "vae"
    _fitted_attributes: ClassVar[tuple[str, ...]] = (
        "preprocessor_",
        "energy_flow_",
        "decoder_",
    )

    def __init__(
        self,
        *,
        latent_dim: int = 32,
        hidden: Sequence[int] = (256, 256),
        beta: float = 0.05,
        layer_sizes: Sequence[int] | None = None,
        alpha_bins: Sequence[int] | None = None,
        epochs: int = 10,
        batch_size: int = 128,
        learning_rate: float = 1e-3,
        energy_hidden: Sequence[int] = (64, 64, 64),
        energy_steps: int = 8,
        energy_batch_size: int = 64,
        hit_calibration_bins: int = 10,
    ) -> None:
        super().__init__(
            layer_sizes=layer_sizes,
            alpha_bins=alpha_bins,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            energy_hidden=energy_hidden,
            energy_steps=energy_steps,
            energy_batch_size=energy_batch_size,
            hit_calibration_bins=hit_calibration_bins,
        )
        self.latent_dim = latent_dim
        self.hidden = tuple(hidden)
        self.beta = beta

    def _build(self, n_features: int, n_cond: int) -> None:
        keras = import_keras()
        tf = import_tensorflow()
        latent = int(self.latent_dim)
        self.encoder_ = mlp(n_features + n_cond, self.hidden, 2 * latent, name="vae_encoder")
        self.decoder_ = mlp(latent + n_cond, self.hidden[::-1], n_features, name="vae_decoder")
        encoder, decoder = self.encoder_, self.decoder_
        variables = encoder.trainable_variables + decoder.trainable_variables
        optimizer = keras.optimizers.Adam(self.learning_rate)
        optimizer.build(variables)
        self._decode = sampling_call(decoder, latent + n_cond)
        beta = float(self.beta)

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, n_features], tf.float32),
                tf.TensorSpec([None, n_cond], tf.float32),
                tf.TensorSpec([None, latent], tf.float32),
            ]
        )
        def step(x, c, eps):
            with tf.GradientTape() as tape:
                stats = encoder(tf.concat([x, c], axis=1), training=True)
                mu, logvar = tf.split(stats, 2, axis=1)
                logvar = tf.clip_by_value(logvar, -10.0, 10.0)
                z = mu + tf.exp(0.5 * logvar) * eps
                x_hat = decoder(tf.concat([z, c], axis=1), training=True)
                recon = tf.reduce_mean(tf.reduce_sum(tf.square(x - x_hat), axis=1))
                kl = tf.reduce_mean(
                    0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mu) - 1.0 - logvar, axis=1)
                )
                loss = recon / n_features + beta * kl / latent
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return loss

        self._step = step

    def _train_epoch(self, x, c, batch_size, rng) -> float:
        x = np.asarray(x, dtype=np.float32)
        c = np.asarray(c, dtype=np.float32)
        losses = []
        for idx in batches(len(x), batch_size, rng):
            eps = rng.standard_normal((len(idx), int(self.latent_dim))).astype(np.float32)
            losses.append(float(self._step(x[idx], c[idx], eps)))
        return float(np.mean(losses))

    def _sample(self, c, rng) -> np.ndarray:
        z = rng.standard_normal((len(c), int(self.latent_dim))).astype(np.float32)
        return self._decode(np.concatenate([z, c], axis=1).astype(np.float32)).numpy()

    def sampling_network(self) -> Any:
        return self.decoder_
