"""Contract example of the chapter's tagger (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.classification import HLF_FEATURES, JetInputs
from hepml_course.foundation.finetune import FoundationTagger
from hepml_course.nn.contract import ContractExample

_N_PARTICLES = 8


def toy_jets(
    n: int = 150, seed: int = 0, n_particles: int = _N_PARTICLES
) -> tuple[JetInputs, np.ndarray]:
    """Random jets of 5 classes: features, pT-ordered constituents (E ≥ pT), a
    class-dependent multiplicity and a class-dependent width (a little physics-like signal)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 5
    features = rng.normal(y[:, None] * 0.3, 1.0, (n, len(HLF_FEATURES))).astype(np.float32)
    features[:, HLF_FEATURES.index("j_multiplicity")] = 20 + 5 * y + rng.integers(0, 10, n)
    counts = rng.integers(2, n_particles + 1, n)
    mask = np.arange(n_particles)[None, :] < counts[:, None]
    pt = np.sort(rng.exponential(50.0, (n, n_particles)), axis=1)[:, ::-1]
    angles = rng.normal(0.0, 0.05 + 0.05 * y[:, None, None], (n, n_particles, 2))
    energy = pt * np.cosh(angles[..., 0])
    particles = np.concatenate([pt[..., None], angles, energy[..., None]], axis=-1)
    particles = np.where(mask[..., None], particles, 0.0).astype(np.float32)
    return JetInputs(features, particles, mask), y


EXAMPLES = {
    "FoundationTagger": lambda: ContractExample(
        FoundationTagger(
            n_particles=_N_PARTICLES, dim=8, heads=2, n_blocks=1, head=(8,), epochs=1, batch_size=64
        ),
        *toy_jets(),
        verb="predict_proba",
    ),
}
