"""The particle-transformer encoder: size, padding, symmetry."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import nn
from hepml_course.foundation import BackboneConfig, build_backbone, flops_per_jet


def test_default_backbone_is_below_one_million_parameters():
    nn.seed_everything(0)
    model = build_backbone()
    n = nn.count_parameters(model)
    assert 50_000 < n <= 1_000_000
    assert flops_per_jet(BackboneConfig()) > 2 * n  # every weight is used once per particle


def _inputs(seed: int = 0, n: int = 6, n_particles: int = 10):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_particles, 7)).astype(np.float32)
    counts = rng.integers(1, n_particles + 1, n)
    mask = (np.arange(n_particles)[None, :] < counts[:, None]).astype(np.float32)
    return x * mask[..., None], mask


def test_padding_is_ignored_and_zero():
    nn.seed_everything(1)
    model = build_backbone(n_particles=10, dim=16, heads=2, n_blocks=2)
    x, mask = _inputs()
    out = model.predict([x, mask], verbose=0)
    assert np.all(out[mask == 0] == 0)
    junk = x + (1 - mask)[..., None] * 5.0  # change only the padded slots
    out2 = model.predict([junk, mask], verbose=0)
    np.testing.assert_allclose(out2, out, atol=1e-5)


def test_permutation_equivariant():
    nn.seed_everything(2)
    model = build_backbone(n_particles=10, dim=16, heads=2, n_blocks=2)
    x, _ = _inputs(n=3)
    mask = np.ones((3, 10), np.float32)
    perm = np.random.default_rng(0).permutation(10)
    out = model.predict([x, mask], verbose=0)
    out_p = model.predict([x[:, perm], mask], verbose=0)
    np.testing.assert_allclose(out_p, out[:, perm], atol=1e-5)


def test_bad_config():
    with pytest.raises(ValueError, match="divisible"):
        BackboneConfig(dim=30, heads=4)
    with pytest.raises(ValueError, match="positive integer"):
        BackboneConfig(n_blocks=0)
