"""Contract examples of the chapter's taggers (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.classification.bdt import BDTTagger
from hepml_course.classification.deepsets import DeepSetsTagger
from hepml_course.classification.dnn import DNNTagger
from hepml_course.classification.jets import HLF_FEATURES, JetInputs
from hepml_course.classification.particlenet import ParticleNetTagger
from hepml_course.classification.transformer import ParticleTransformerTagger
from hepml_course.nn.contract import ContractExample

_N_PARTICLES = 8


def _toy_jets(n: int = 150, seed: int = 0) -> tuple[JetInputs, np.ndarray]:
    """Random jets of 5 classes: features, 8 pT-ordered constituents, a class-dependent
    multiplicity (the features and constituents carry no physics)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 5
    features = rng.normal(y[:, None] * 0.3, 1.0, (n, len(HLF_FEATURES))).astype(np.float32)
    features[:, HLF_FEATURES.index("j_multiplicity")] = 20 + 5 * y + rng.integers(0, 10, n)
    counts = rng.integers(2, _N_PARTICLES + 1, n)
    mask = np.arange(_N_PARTICLES)[None, :] < counts[:, None]
    pt = np.sort(rng.exponential(50.0, (n, _N_PARTICLES)), axis=1)[:, ::-1]
    angles = rng.normal(0.0, 0.2, (n, _N_PARTICLES, 2))
    particles = np.concatenate([pt[..., None], angles, 1.2 * pt[..., None]], axis=-1)
    particles = np.where(mask[..., None], particles, 0.0).astype(np.float32)
    return JetInputs(features, particles, mask), y


def _example(model: object) -> ContractExample:
    x, y = _toy_jets()
    return ContractExample(model, x, y, verb="predict_proba")


EXAMPLES = {
    "BDTTagger": lambda: _example(BDTTagger(max_iter=5)),
    "DNNTagger": lambda: _example(DNNTagger(hidden=(8,), epochs=1, batch_size=64)),
    "DeepSetsTagger": lambda: _example(
        DeepSetsTagger(n_particles=_N_PARTICLES, phi=(8,), f=(8,), epochs=1, batch_size=64)
    ),
    "ParticleTransformerTagger": lambda: _example(
        ParticleTransformerTagger(
            n_particles=_N_PARTICLES, dim=8, heads=2, n_blocks=1, epochs=1, batch_size=64
        )
    ),
    "ParticleNetTagger": lambda: _example(
        ParticleNetTagger(
            n_particles=_N_PARTICLES, k=3, channels=((8,), (8,)), head=(8,), epochs=1, batch_size=64
        )
    ),
}
