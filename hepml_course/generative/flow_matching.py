"""Conditional flow matching (Lipman et al. 2023; Liu et al. 2023) for showers.

A velocity network ``v(x_t, t, c)`` learns to transport Gaussian noise
``x_0`` to showers ``x_1`` along straight lines ``x_t = (1 − t) x_0 + t x_1``:
the regression target is simply ``x_1 − x_0``.  Training is a plain
mean-squared-error fit — no adversary, no likelihood bound — which is why
flow matching and its diffusion cousins now lead the CaloChallenge.
Sampling integrates the ODE ``dx/dt = v(x, t, c)`` from t = 0 to 1 with a
fixed number of midpoint steps (two network calls each): slower than a VAE
or a GAN, much faster than the reference simulator.

As is standard for diffusion and flow-matching models, sampling uses an
exponential moving average (EMA) of the weights seen during training, which
averages out the noise of the last optimisation steps.  The model itself is
:class:`~hepml_course.generative.networks.ConditionalFlow`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import tensorflow as tf

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import ConditionalFlow


class FlowMatching(ShowerGenerator):
    """Energy-conditioned flow-matching generator with a midpoint ODE sampler.

    Hyper-parameters: ``hidden`` (velocity-network widths), ``n_freq``
    (time-embedding frequencies), ``n_steps`` (midpoint steps of the sampler;
    can be changed after training), ``ema_decay`` (decay of the weight average
    used for sampling), plus the layer-energy stage's (see
    :class:`~hepml_course.generative.base.ShowerGenerator`).
    """

    name: ClassVar[str] = "flow_matching"
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "hidden": [256, 256, 256],
        "n_freq": 4,
        "n_steps": 8,
        "ema_decay": 0.999,
    }

    def _build(self, n_features: int, n_cond: int) -> None:
        self.flow = ConditionalFlow(
            n_features,
            n_cond,
            tuple(self.hparams["hidden"]),
            int(self.hparams["n_freq"]),
            float(self.hparams["ema_decay"]),
            self.learning_rate,
        )

    def _train_epoch(self, x, c, batch_size, rng) -> float:
        return self.flow.train_epoch(x, c, batch_size, rng)

    def _sample(self, c, rng) -> np.ndarray:
        return self.flow.sample(c, int(self.hparams["n_steps"]), rng)

    def sampling_network(self) -> tf.keras.Model:
        return self.flow.ema
