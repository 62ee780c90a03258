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

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hepml_course.generative.base import ShowerGenerator
from hepml_course.generative.networks import ConditionalFlow


class FlowMatching(ShowerGenerator):
    """Energy-conditioned flow-matching generator with a midpoint ODE sampler.

    Parameters
    ----------
    hidden
        Velocity-network widths.
    n_freq
        Time-embedding frequencies.
    n_steps
        Midpoint steps of the sampler (may be changed after training).
    ema_decay
        Decay of the weight average used for sampling.
    layer_sizes, alpha_bins, epochs, batch_size, learning_rate, energy_hidden, energy_steps,
    energy_batch_size, hit_calibration_bins
        Shared by every generator: see :class:`~hepml_course.generative.base.ShowerGenerator`.

    Attributes
    ----------
    flow_ : ConditionalFlow
        The stage-2 model (its EMA velocity network is saved).
    """

    name: ClassVar[str] = "flow_matching"
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("preprocessor_", "energy_flow_", "flow_")

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (256, 256, 256),
        n_freq: int = 4,
        n_steps: int = 8,
        ema_decay: float = 0.999,
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
        self.hidden = tuple(hidden)
        self.n_freq = n_freq
        self.n_steps = n_steps
        self.ema_decay = ema_decay

    def _build(self, n_features: int, n_cond: int) -> None:
        self.flow_ = ConditionalFlow(
            n_features,
            n_cond,
            self.hidden,
            int(self.n_freq),
            float(self.ema_decay),
            float(self.learning_rate),
        )

    def _train_epoch(self, x, c, batch_size, rng) -> float:
        return self.flow_.train_epoch(x, c, batch_size, rng)

    def _sample(self, c, rng) -> np.ndarray:
        return self.flow_.sample(c, int(self.n_steps), rng)

    def sampling_network(self) -> Any:
        return self.flow_.ema
