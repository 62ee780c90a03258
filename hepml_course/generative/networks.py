"""Network building blocks of the generators: dense networks, batching, flow matching.

:class:`ConditionalFlow` is a bare conditional flow-matching model (any
number of features and conditions): the first stage of every generator (the
layer energies, :mod:`~hepml_course.generative.base`) and the whole of the
``flow_matching`` generator's second stage.  Flow matching (Lipman et al.
2023; Liu et al. 2023) trains a velocity network ``v(x_t, t, c)`` to transport
Gaussian noise ``x_0`` to data ``x_1`` along straight lines
``x_t = (1 − t) x_0 + t x_1`` (regression target ``x_1 − x_0``); sampling
integrates ``dx/dt = v`` from t = 0 to 1 with midpoint steps.  Sampling uses an
exponential moving average (EMA) of the training weights.
"""

from __future__ import annotations

import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import logging

import tensorflow as tf


class _OneTracePerModel(logging.Filter):
    """Drop TensorFlow's "excessive retracing" warning for these models.

    Every :class:`ConditionalFlow` (one per generator, two in a flow-matching
    generator) traces its own sampler once; TensorFlow's heuristic counts
    those first traces of different models as retracing and warns.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("triggered tf.function retracing" in message and "ConditionalFlow" in message)


tf.get_logger().addFilter(_OneTracePerModel())


def mlp(
    n_in: int,
    n_out: int,
    hidden: tuple[int, ...],
    activation: str = "relu",
    out_activation: str | None = None,
    name: str = "mlp",
) -> tf.keras.Model:
    """A dense network with explicit input width (a small building block)."""
    inp = tf.keras.Input(shape=(n_in,), name=f"{name}_in")
    h = inp
    for i, width in enumerate(hidden):
        h = tf.keras.layers.Dense(width, activation=activation, name=f"{name}_dense{i}")(h)
    out = tf.keras.layers.Dense(n_out, activation=out_activation, name=f"{name}_out")(h)
    return tf.keras.Model(inp, out, name=name)


def batches(n: int, batch_size: int, rng: np.random.Generator):
    """Shuffled index batches covering ``range(n)`` once (the last one may be shorter)."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def sampling_call(model: tf.keras.Model, n_in: int):
    """A traced ``model(x)`` for any batch size (avoids re-tracing in loops)."""

    @tf.function(input_signature=[tf.TensorSpec([None, n_in], tf.float32)], reduce_retracing=True)
    def call(x):
        return model(x, training=False)

    return call


def time_embedding(t: tf.Tensor, n_freq: int) -> tf.Tensor:
    """Sinusoidal features of the time ``t`` (n, 1) → (n, 2 n_freq)."""
    freqs = tf.constant(np.pi * 2.0 ** np.arange(n_freq), dtype=tf.float32)
    angles = t * freqs[None, :]
    return tf.concat([tf.sin(angles), tf.cos(angles)], axis=1)


def velocity_network(
    n_features: int,
    hidden: tuple[int, ...],
    n_freq: int,
    n_cond: int = 1,
    name: str = "fm_velocity",
) -> tf.keras.Model:
    """MLP ``[x_t, embed(t), c] → v`` with SiLU activations and explicit input width."""
    inp = tf.keras.Input(shape=(n_features + 2 * n_freq + n_cond,), name=f"{name}_in")
    h = inp
    for i, width in enumerate(hidden):
        h = tf.keras.layers.Dense(width, activation="swish", name=f"{name}_dense{i}")(h)
    out = tf.keras.layers.Dense(n_features, name=f"{name}_out")(h)
    return tf.keras.Model(inp, out, name=name)


class ConditionalFlow:
    """A conditional flow-matching model: velocity network, EMA copy, trainer and ODE sampler.

    Parameters
    ----------
    n_features, n_cond
        Widths of the modelled vector and of the condition.
    hidden, n_freq
        Velocity-network widths and time-embedding frequencies.
    ema_decay
        Decay of the weight average used for sampling, warmed up as
        ``min(decay, (1 + k) / (10 + k))`` at step k.
    learning_rate
        Adam learning rate.
    name
        Prefix of the Keras layer names.
    """

    def __init__(
        self,
        n_features: int,
        n_cond: int,
        hidden: tuple[int, ...],
        n_freq: int,
        ema_decay: float,
        learning_rate: float,
        name: str = "fm_velocity",
    ) -> None:
        self.n_features, self.n_cond, self.n_freq = n_features, n_cond, n_freq
        self.net = velocity_network(n_features, hidden, n_freq, n_cond, name=name)
        self.ema = velocity_network(n_features, hidden, n_freq, n_cond, name=f"{name}_ema")
        self.ema.set_weights(self.net.get_weights())
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        net, ema = self.net, self.ema
        max_decay = float(ema_decay)
        ema_step = tf.Variable(0.0, trainable=False)

        def v(x, t, c):
            return ema(tf.concat([x, time_embedding(t, n_freq), c], axis=1), training=False)

        @tf.function(reduce_retracing=True)
        def step(x1, c, x0, t):
            xt = (1.0 - t) * x0 + t * x1
            with tf.GradientTape() as tape:
                pred = net(tf.concat([xt, time_embedding(t, n_freq), c], axis=1), training=True)
                loss = tf.reduce_mean(tf.square(pred - (x1 - x0)))
            grads = tape.gradient(loss, net.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, net.trainable_variables, strict=True))
            k = ema_step.assign_add(1.0)
            decay = tf.minimum(max_decay, (1.0 + k) / (10.0 + k))
            for avg, w in zip(ema.weights, net.weights, strict=True):
                avg.assign(decay * avg + (1.0 - decay) * w)
            return loss

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, n_features], tf.float32),
                tf.TensorSpec([None, n_cond], tf.float32),
                tf.TensorSpec([], tf.int32),
            ],
            reduce_retracing=True,
        )
        def integrate(x, c, n_steps):
            dt = 1.0 / tf.cast(n_steps, tf.float32)
            ones = tf.ones_like(c[:, :1])
            for i in tf.range(n_steps):
                t = tf.cast(i, tf.float32) * dt * ones
                x_mid = x + 0.5 * dt * v(x, t, c)
                x = x + dt * v(x_mid, t + 0.5 * dt, c)
            return x

        self._step, self._integrate = step, integrate

    def train_epoch(
        self, x: np.ndarray, c: np.ndarray, batch_size: int, rng: np.random.Generator
    ) -> float:
        """One pass over ``x`` (n, n_features) with conditions ``c`` (n, n_cond); mean loss."""
        losses = []
        for idx in batches(len(x), batch_size, rng):
            x0 = rng.standard_normal((len(idx), self.n_features)).astype(np.float32)
            t = rng.uniform(size=(len(idx), 1)).astype(np.float32)
            losses.append(float(self._step(x[idx], c[idx], x0, t)))
        return float(np.mean(losses))

    def sample(self, c: np.ndarray, n_steps: int, rng: np.random.Generator) -> np.ndarray:
        """Integrate noise to samples for the conditions ``c`` (n, n_cond)."""
        x0 = rng.standard_normal((len(c), self.n_features)).astype(np.float32)
        c = np.asarray(c, dtype=np.float32)
        return self._integrate(x0, c, tf.constant(int(n_steps))).numpy()
