"""Network building blocks of the generators: batching, traced calls, flow matching.

:class:`ConditionalFlow` is a bare conditional flow-matching model (any
number of features and conditions): the first stage of every generator (the
layer energies, :mod:`~hepml_course.generative.base`) and the whole of the
``flow_matching`` generator's second stage.  Flow matching (Lipman et al.
2023; Liu et al. 2023) trains a velocity network ``v(x_t, t, c)`` to transport
Gaussian noise ``x_0`` to data ``x_1`` along straight lines
``x_t = (1 − t) x_0 + t x_1`` (regression target ``x_1 − x_0``); sampling
integrates ``dx/dt = v`` from t = 0 to 1 with midpoint steps.  Sampling uses an
exponential moving average (EMA) of the training weights.

Every network is :func:`hepml_course.nn.mlp`; the custom training steps are
``tf.function`` s with fixed input signatures (any batch size, one trace each).
Nothing here imports TensorFlow at import time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from hepml_course.nn import import_keras, import_tensorflow, mlp


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Shuffled index batches covering ``range(n)`` once (the last one may be shorter)."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def sampling_call(model: Any, n_in: int) -> Any:
    """A traced ``model(x)`` for any batch size of (batch, ``n_in``) float32 inputs (one trace)."""
    tf = import_tensorflow()

    @tf.function(input_signature=[tf.TensorSpec([None, n_in], tf.float32)])
    def call(x):
        return model(x, training=False)

    return call


def time_embedding(t: Any, n_freq: int) -> Any:
    """Sinusoidal features of the time ``t`` (n, 1) → (n, 2 n_freq)."""
    keras = import_keras()
    ops = keras.ops
    freqs = ops.convert_to_tensor(np.pi * 2.0 ** np.arange(n_freq), dtype="float32")
    angles = t * freqs[None, :]
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=1)


def velocity_network(
    n_features: int,
    hidden: Sequence[int],
    n_freq: int,
    n_cond: int = 1,
    name: str = "fm_velocity",
) -> Any:
    """MLP ``[x_t, embed(t), c] → v`` with swish activations (:func:`~hepml_course.nn.mlp`)."""
    return mlp(n_features + 2 * n_freq + n_cond, hidden, n_features, activation="swish", name=name)


class ConditionalFlow:
    """A conditional flow-matching model: velocity network, EMA copy, trainer and ODE sampler.

    A building block of the generators (not a model of its own: it has no
    ``fit``); the networks are built in ``__init__``, so seed before creating it.

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
        Name of the velocity network (its EMA copy is ``name + "_ema"``).

    Attributes
    ----------
    net, ema : keras.Model
        The trained velocity network and its weight average (used for sampling).
    """

    def __init__(
        self,
        n_features: int,
        n_cond: int,
        hidden: Sequence[int],
        n_freq: int,
        ema_decay: float,
        learning_rate: float,
        name: str = "fm_velocity",
    ) -> None:
        keras = import_keras()
        tf = import_tensorflow()
        self.n_features, self.n_cond, self.n_freq = int(n_features), int(n_cond), int(n_freq)
        self.net = velocity_network(n_features, hidden, n_freq, n_cond, name=name)
        self.ema = velocity_network(n_features, hidden, n_freq, n_cond, name=f"{name}_ema")
        self.ema.set_weights(self.net.get_weights())
        self.optimizer = keras.optimizers.Adam(learning_rate)
        self.optimizer.build(self.net.trainable_variables)
        net, ema, optimizer = self.net, self.ema, self.optimizer
        max_decay = float(ema_decay)
        ema_step = tf.Variable(0.0, trainable=False)
        nf, nc = self.n_features, self.n_cond
        self._ema_step = ema_step

        def v(x, t, c):
            return ema(tf.concat([x, time_embedding(t, n_freq), c], axis=1), training=False)

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, nf], tf.float32),
                tf.TensorSpec([None, nc], tf.float32),
                tf.TensorSpec([None, nf], tf.float32),
                tf.TensorSpec([None, 1], tf.float32),
            ]
        )
        def step(x1, c, x0, t):
            xt = (1.0 - t) * x0 + t * x1
            with tf.GradientTape() as tape:
                pred = net(tf.concat([xt, time_embedding(t, n_freq), c], axis=1), training=True)
                loss = tf.reduce_mean(tf.square(pred - (x1 - x0)))
            grads = tape.gradient(loss, net.trainable_variables)
            optimizer.apply_gradients(zip(grads, net.trainable_variables, strict=True))
            k = ema_step.assign_add(1.0)
            decay = tf.minimum(max_decay, (1.0 + k) / (10.0 + k))
            for avg, w in zip(ema.weights, net.weights, strict=True):
                avg.assign(decay * avg + (1.0 - decay) * w)
            return loss

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, nf], tf.float32),
                tf.TensorSpec([None, nc], tf.float32),
                tf.TensorSpec([], tf.int32),
            ]
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
        x = np.asarray(x, dtype=np.float32)
        c = np.asarray(c, dtype=np.float32)
        losses = []
        for idx in batches(len(x), batch_size, rng):
            x0 = rng.standard_normal((len(idx), self.n_features)).astype(np.float32)
            t = rng.uniform(size=(len(idx), 1)).astype(np.float32)
            losses.append(float(self._step(x[idx], c[idx], x0, t)))
        return float(np.mean(losses))

    def sample(self, c: np.ndarray, n_steps: int, rng: np.random.Generator) -> np.ndarray:
        """Integrate noise to samples (n, n_features) for the conditions ``c`` (n, n_cond)."""
        x0 = rng.standard_normal((len(c), self.n_features)).astype(np.float32)
        return self.integrate(x0, c, n_steps)

    def integrate(self, x0: np.ndarray, c: np.ndarray, n_steps: int) -> np.ndarray:
        """The ODE's deterministic map: noise ``x0`` (n, n_features) → samples, given ``c``.

        Parameters
        ----------
        x0
            (n, n_features) starting points (standard normal noise).
        c
            (n, n_cond) conditions.
        n_steps
            Midpoint steps (two network calls each).
        """
        tf = import_tensorflow()
        x0 = np.asarray(x0, dtype=np.float32)
        c = np.asarray(c, dtype=np.float32)
        if x0.ndim != 2 or x0.shape[1] != self.n_features or len(x0) != len(c):
            raise ValueError(
                f"x0 must have shape ({len(c)}, {self.n_features}) to match c, got {x0.shape}"
            )
        return self._integrate(x0, c, tf.constant(int(n_steps), dtype=tf.int32)).numpy()

    def count_params(self) -> int:
        """Weights needed for sampling (the EMA network)."""
        return int(self.ema.count_params())
