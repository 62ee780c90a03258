"""Contract examples of the generators (see :mod:`hepml_course.nn.contract`).

Tiny toy showers (two layers, 16 voxels), one epoch, small networks; ``generate``
with a fixed seed must give identical showers after ``save``/``load``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hepml_course.generative.distilled import DistilledFlow
from hepml_course.generative.flow_matching import FlowMatching
from hepml_course.generative.gan import WassersteinGAN
from hepml_course.generative.vae import ConditionalVAE
from hepml_course.nn.contract import ContractExample

_SMALL = {"energy_hidden": (16,), "epochs": 1, "batch_size": 64, "layer_sizes": (4, 12)}


def _toy_showers(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(voxels (n, 16) GeV, incident energies (n,) GeV): exponential profiles with noise."""
    rng = np.random.default_rng(seed)
    e_inc = rng.uniform(10.0, 100.0, n)
    profile = np.exp(-0.4 * np.arange(16.0))
    voxels = e_inc[:, None] * profile[None, :] * rng.lognormal(-1.0, 0.3, (n, 16))
    voxels[voxels < 0.05] = 0.0
    return voxels, e_inc


def _example(model: ConditionalVAE | WassersteinGAN | FlowMatching) -> ContractExample:
    voxels, e_inc = _toy_showers()
    return ContractExample(
        model=model,
        X=voxels,
        y=e_inc,
        verb="generate",
        verb_args=(e_inc[:20],),
        verb_kwargs={"seed": 7},
    )


def _distilled() -> ContractExample:
    """A student of a tiny toy teacher (saved to a temporary folder, removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="hepml-contract-teacher-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    voxels, e_inc = _toy_showers()
    FlowMatching(hidden=(32,), n_steps=4, **_SMALL).fit(voxels, e_inc, seed=0).save(
        folder / "flow_matching"
    )
    return _example(
        DistilledFlow(
            teacher=str(folder / "flow_matching"),
            n_pairs=400,
            hidden=(32,),
            epochs=1,
            batch_size=64,
            layer_sizes=(4, 12),
        )
    )


EXAMPLES: dict[str, Callable[[], ContractExample]] = {
    "ConditionalVAE": lambda: _example(ConditionalVAE(latent_dim=4, hidden=(32,), **_SMALL)),
    "WassersteinGAN": lambda: _example(
        WassersteinGAN(noise_dim=8, hidden=(32,), critic_hidden=(32,), **_SMALL)
    ),
    "FlowMatching": lambda: _example(FlowMatching(hidden=(32,), n_steps=4, **_SMALL)),
    "DistilledFlow": _distilled,
}
