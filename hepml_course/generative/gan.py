"""Conditional Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).

A generator maps noise and the condition to a shower; a critic scores
(shower, condition) pairs.  The critic estimates the Wasserstein-1 distance
between reference and generated showers (it is trained ``n_critic`` times per
generator step), and a penalty ``λ (‖∇ critic‖ − 1)²`` on points between
real and fake showers keeps it 1-Lipschitz — the stabilisation that makes
GAN training usable.  Sampling is one generator call per shower.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import batches, sampling_call
from hepml_course.nn import import_keras, import_tensorflow, mlp


class WassersteinGAN(ShowerGenerator):
    """Energy-conditioned Wasserstein GAN with gradient penalty (WGAN-GP).

    Parameters
    ----------
    noise_dim
        Width of the generator's noise input.
    hidden, critic_hidden
        Generator and critic widths.
    n_critic
        Critic steps per generator step.
    gp_weight
        Weight λ of the gradient penalty.
    learning_rate
        Adam learning rate of both networks (β₁ = 0.5, β₂ = 0.9); default 2e-4.
    layer_sizes, alpha_bins, epochs, batch_size, energy_hidden, energy_steps,
    energy_batch_size, hit_calibration_bins
        Shared by every generator: see :class:`~hepml_course.generative.base.ShowerGenerator`.

    Attributes
    ----------
    generator_, critic_ : keras.Model
        The two networks (only the generator is saved: it is all sampling needs).
    """

    name: ClassVar[str] = "gan"
    _fitted_attributes: ClassVar[tuple[str, ...]] = (
        "preprocessor_",
        "energy_flow_",
        "generator_",
    )

    def __init__(
        self,
        *,
        noise_dim: int = 64,
        hidden: Sequence[int] = (256, 256),
        critic_hidden: Sequence[int] = (256, 256),
        n_critic: int = 4,
        gp_weight: float = 10.0,
        layer_sizes: Sequence[int] | None = None,
        alpha_bins: Sequence[int] | None = None,
        epochs: int = 10,
        batch_size: int = 128,
        learning_rate: float = 2e-4,
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
        self.noise_dim = noise_dim
        self.hidden = tuple(hidden)
        self.critic_hidden = tuple(critic_hidden)
        self.n_critic = n_critic
        self.gp_weight = gp_weight

    def _build(self, n_features: int, n_cond: int) -> None:
        keras = import_keras()
        tf = import_tensorflow()
        noise = int(self.noise_dim)
        self.generator_ = mlp(noise + n_cond, self.hidden, n_features, name="gan_generator")
        self.critic_ = mlp(n_features + n_cond, self.critic_hidden, 1, name="gan_critic")
        generator, critic = self.generator_, self.critic_
        g_opt = keras.optimizers.Adam(self.learning_rate, beta_1=0.5, beta_2=0.9)
        c_opt = keras.optimizers.Adam(self.learning_rate, beta_1=0.5, beta_2=0.9)
        g_opt.build(generator.trainable_variables)
        c_opt.build(critic.trainable_variables)
        self._generate = sampling_call(generator, noise + n_cond)
        gp_weight = float(self.gp_weight)
        x_spec = tf.TensorSpec([None, n_features], tf.float32)
        c_spec = tf.TensorSpec([None, n_cond], tf.float32)
        z_spec = tf.TensorSpec([None, noise], tf.float32)

        @tf.function(input_signature=[x_spec, c_spec, z_spec, tf.TensorSpec([None, 1], tf.float32)])
        def critic_step(x, c, z, a):
            fake = generator(tf.concat([z, c], axis=1), training=True)
            with tf.GradientTape() as tape:
                real_score = critic(tf.concat([x, c], axis=1), training=True)
                fake_score = critic(tf.concat([fake, c], axis=1), training=True)
                mix = a * x + (1.0 - a) * fake
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(mix)
                    mix_score = critic(tf.concat([mix, c], axis=1), training=True)
                grad = gp_tape.gradient(mix_score, mix)
                norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=1) + 1e-12)
                penalty = tf.reduce_mean(tf.square(norm - 1.0))
                w_dist = tf.reduce_mean(real_score) - tf.reduce_mean(fake_score)
                loss = -w_dist + gp_weight * penalty
            variables = critic.trainable_variables
            c_opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return w_dist

        @tf.function(input_signature=[c_spec, z_spec])
        def generator_step(c, z):
            with tf.GradientTape() as tape:
                fake = generator(tf.concat([z, c], axis=1), training=True)
                loss = -tf.reduce_mean(critic(tf.concat([fake, c], axis=1), training=True))
            variables = generator.trainable_variables
            g_opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return loss

        self._critic_step, self._generator_step = critic_step, generator_step

    def _train_epoch(self, x, c, batch_size, rng) -> float:
        x = np.asarray(x, dtype=np.float32)
        c = np.asarray(c, dtype=np.float32)
        noise, n_critic = int(self.noise_dim), int(self.n_critic)
        w_dists = []
        for i, idx in enumerate(batches(len(x), batch_size, rng)):
            z = rng.standard_normal((len(idx), noise)).astype(np.float32)
            a = rng.uniform(size=(len(idx), 1)).astype(np.float32)
            w_dists.append(float(self._critic_step(x[idx], c[idx], z, a)))
            if (i + 1) % n_critic == 0:
                z = rng.standard_normal((len(idx), noise)).astype(np.float32)
                self._generator_step(c[idx], z)
        # the loss reported is the critic's Wasserstein estimate (→ 0 as the GAN converges)
        return float(np.mean(w_dists))

    def _sample(self, c, rng) -> np.ndarray:
        z = rng.standard_normal((len(c), int(self.noise_dim))).astype(np.float32)
        return self._generate(np.concatenate([z, c], axis=1).astype(np.float32)).numpy()

    def sampling_network(self) -> Any:
        return self.generator_
