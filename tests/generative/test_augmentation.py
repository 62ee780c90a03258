"""Rotations and reflections in α: valid permutations, symmetric results, dead cells kept dead."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.generative.augmentation import AlphaSymmetry
from tests.generative.toy import GEOMETRY, toy_showers

SIZES = (4, 12)
ALPHA = (1, 4)


def test_every_transformation_is_a_permutation_within_layers():
    sym = AlphaSymmetry(SIZES, ALPHA)
    assert sym.n_transforms == 8  # 4 rotations × (mirrored or not)
    layer_of = np.repeat([0, 1], SIZES)
    for perm in sym._table:
        assert sorted(perm) == list(range(16))
        assert np.array_equal(layer_of[perm], layer_of)  # voxels never change layer
        assert np.array_equal(perm[:4], np.arange(4))  # the unsegmented layer is untouched
    assert len({tuple(p) for p in sym._table}) == 8


def test_rotation_keeps_radii_and_layer_energies():
    voxels, _ = toy_showers(300, seed=1)
    out = AlphaSymmetry(SIZES, ALPHA).augment(voxels, np.random.default_rng(0))
    r_mm = np.concatenate([GEOMETRY.voxel_centres(k)[0] for k in range(2)])
    for radius in np.unique(r_mm):
        ring = r_mm == radius
        assert np.allclose(out[:, ring].sum(axis=1), voxels[:, ring].sum(axis=1))
    assert not np.array_equal(out, voxels)


def test_augmented_showers_are_symmetric_in_alpha():
    shower = np.zeros((4000, 16))
    shower[:, 4] = 1.0  # all energy in α bin 0 of layer 1
    out = AlphaSymmetry(SIZES, ALPHA).augment(shower, np.random.default_rng(2))
    per_alpha = out[:, 4:].reshape(-1, 4, 3).sum(axis=2).mean(axis=0)
    assert np.allclose(per_alpha, 0.25, atol=0.03)


def test_dead_cells_stay_dead_and_are_imputed_from_a_neighbour():
    voxels, _ = toy_showers(500, seed=3)
    dead = [5]  # layer 1, α bin 0, r bin 1
    voxels[:, dead] = 0.0
    out = AlphaSymmetry(SIZES, ALPHA).augment(voxels, np.random.default_rng(4), dead)
    assert np.all(out[:, 5] == 0)
    # no hole elsewhere: every α position of that ring is hit about as often
    ring = out[:, [5 + 3 * a for a in range(1, 4)]]
    hit_rate = (voxels[:, 8] > 0).mean()
    assert np.allclose((ring > 0).mean(axis=0), hit_rate, atol=0.08)


def test_clear_errors():
    with pytest.raises(ValueError, match="one α-bin count per layer"):
        AlphaSymmetry(SIZES, (1,))
    with pytest.raises(ValueError, match="cannot have 5 α bins"):
        AlphaSymmetry(SIZES, (1, 5))
    with pytest.raises(ValueError, match="expected showers of shape"):
        AlphaSymmetry(SIZES, ALPHA).augment(np.ones((3, 10)), np.random.default_rng(0))
