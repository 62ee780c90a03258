"""A tiny calorimeter and toy showers for fast unit tests (no simulator needed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ToyGeometry:
    """Two layers: 4 radial bins × 1 angle, then 3 radial bins × 4 angles (16 voxels)."""

    r_edges_mm: tuple = (np.array([0.0, 5, 10, 20, 40]), np.array([0.0, 5, 15, 40]))
    n_alpha: tuple = (1, 4)

    @property
    def n_layers(self) -> int:
        return 2

    @property
    def n_voxels(self) -> int:
        return 16

    @property
    def layer_slices(self) -> tuple[slice, ...]:
        return (slice(0, 4), slice(4, 16))

    def voxel_centres(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        edges = self.r_edges_mm[layer]
        r_c = 0.5 * (edges[1:] + edges[:-1])
        n_a = self.n_alpha[layer]
        a_c = (np.arange(n_a) + 0.5) * (2 * np.pi / n_a)
        return np.tile(r_c, n_a), np.repeat(a_c, len(r_c))


GEOMETRY = ToyGeometry()
THRESHOLD_GEV = 0.01


def toy_showers(
    n: int, seed: int, width_scale: float = 1.0, e_inc_gev: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Toy showers: (voxels (n, 16) GeV, incident energies (n,) GeV).

    Energy log-uniform in 1–100 GeV; about 95 % deposited with a 1/√E
    fluctuation; a first-layer share falling with energy; exponential radial
    profiles (scale ``width_scale`` × 8 mm) with a random direction in layer 1;
    noise and a 10 MeV threshold.
    """
    rng = np.random.default_rng(seed)
    e_inc = np.exp(rng.uniform(0, np.log(100), n)) if e_inc_gev is None else e_inc_gev
    e_dep = e_inc * np.clip(0.95 + 0.1 / np.sqrt(e_inc) * rng.standard_normal(n), 0.3, 1.2)
    share0 = np.clip(0.35 - 0.05 * np.log10(e_inc) + 0.05 * rng.standard_normal(n), 0.02, 0.9)
    voxels = np.zeros((n, 16))
    for layer, share in ((0, share0), (1, 1 - share0)):
        r_c, alpha = GEOMETRY.voxel_centres(layer)
        width = 8.0 * width_scale * np.exp(0.2 * rng.standard_normal(n))
        profile = np.exp(-r_c[None, :] / width[:, None])
        if layer == 1:
            direction = rng.uniform(0, 2 * np.pi, n)
            profile = profile * (1 + 0.5 * np.cos(alpha[None, :] - direction[:, None]))
        profile /= profile.sum(axis=1, keepdims=True)
        voxels[:, GEOMETRY.layer_slices[layer]] = (share * e_dep)[:, None] * profile
    voxels += 0.005 * rng.standard_normal(voxels.shape)
    voxels[voxels < THRESHOLD_GEV] = 0.0
    return voxels, e_inc
