"""Conditional variational autoencoder (Kingma & Welling 2014) for showers.

The encoder maps a preprocessed shower and its condition to a Gaussian in a
small latent space; the decoder maps a latent point and the condition back
to a shower.  Training maximises the evidence lower bound: a reconstruction
term (squared error in the standardised space, i.e. a Gaussian decoder) plus
``beta`` × the Kullback–Leibler divergence to the unit Gaussian prior.
Sampling draws ``z ~ N(0, 1)`` and decodes it: one network call per shower.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import tensorflow as tf

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import batches, mlp, sampling_call


class ConditionalVAE(ShowerGenerator):
    """Energy-conditioned VAE.

    Hyper-parameters: ``latent_dim``, ``hidden`` (encoder widths; the decoder
    mirrors them), ``beta`` (weight of the KL term per latent dimension
    relative to the per-feature reconstruction error).
    """

    name: ClassVar[str] = "vae"
    DEFAULTS: ClassVar[dict[str, Any]] = {"latent_dim": 32, "hidden": [256, 256], "beta": 0.05}

    def _build(self, n_features: int, n_cond: int) -> None:
        hidden = tuple(self.hparams["hidden"])
        latent = int(self.hparams["latent_dim"])
        self.n_features = n_features
        self.encoder = mlp(n_features + n_cond, 2 * latent, hidden, name="vae_encoder")
        self.decoder = mlp(latent + n_cond, n_features, hidden[::-1], name="vae_decoder")
        self.optimizer = tf.keras.optimizers.Adam(self.learning_rate)
        self._decode = sampling_call(self.decoder, latent + n_cond)
        beta = float(self.hparams["beta"])

        @tf.function(reduce_retracing=True)
        def step(x, c, eps):
            with tf.GradientTape() as tape:
                stats = self.encoder(tf.concat([x, c], axis=1), training=True)
                mu, logvar = tf.split(stats, 2, axis=1)
                logvar = tf.clip_by_value(logvar, -10.0, 10.0)
                z = mu + tf.exp(0.5 * logvar) * eps
                x_hat = self.decoder(tf.concat([z, c], axis=1), training=True)
                recon = tf.reduce_mean(tf.reduce_sum(tf.square(x - x_hat), axis=1))
                kl = tf.reduce_mean(
                    0.5 * tf.reduce_sum(tf.exp(logvar) + tf.square(mu) - 1.0 - logvar, axis=1)
                )
                loss = recon / n_features + beta * kl / latent
            variables = self.encoder.trainable_variables + self.decoder.trainable_variables
            self.optimizer.apply_gradients(
                zip(tape.gradient(loss, variables), variables, strict=True)
            )
            return loss

        self._step = step

    def _train_epoch(self, x, c, batch_size, rng) -> float:
        latent = int(self.hparams["latent_dim"])
        losses = []
        for idx in batches(len(x), batch_size, rng):
            eps = rng.standard_normal((len(idx), latent)).astype(np.float32)
            losses.append(float(self._step(x[idx], c[idx], eps)))
        return float(np.mean(losses))

    def _sample(self, c, rng) -> np.ndarray:
        z = rng.standard_normal((len(c), int(self.hparams["latent_dim"]))).astype(np.float32)
        return self._decode(np.concatenate([z, c], axis=1)).numpy()

    def sampling_network(self) -> tf.keras.Model:
        return self.decoder
