"""Data augmentation with the calorimeter's symmetry: rotations and reflections in α.

A photon shower has no preferred direction around its axis: rotating it by
one angular bin, or mirroring it (α → −α), gives an equally likely shower.
Training on randomly rotated and mirrored copies of the training showers
(a fresh choice for every shower in every epoch) shows a generator up to
``2 × n_alpha`` times as many distinct showers, and teaches it the symmetry
instead of leaving it to chance.

Dead cells break the symmetry: they read zero wherever the shower is.  Before
moving a shower, each dead cell of a segmented layer is filled with the
energy of its angular neighbour at the same radius (a plain imputation); after
moving it, the dead cells are zeroed again.  So every augmented shower has
its zeros exactly where the detector has them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


class AlphaSymmetry:
    """Random rotations (by multiples of 2π/g) and reflections of α-major voxel showers.

    Parameters
    ----------
    layer_sizes
        Voxels per layer, in voxel order.
    alpha_bins
        Angular bins per layer (1 = no angular segmentation).  Voxel order
        inside a layer is α-major: ``index = alpha_bin · n_r + r_bin``.
    reflect
        Also mirror showers (α → −α) at random.

    Notes
    -----
    Layers are rotated together, by the same angle: the rotation step is
    2π/g with g the greatest common divisor of the segmented layers' bin counts.
    """

    def __init__(
        self, layer_sizes: Sequence[int], alpha_bins: Sequence[int], reflect: bool = True
    ) -> None:
        if len(layer_sizes) != len(alpha_bins):
            raise ValueError(
                f"one α-bin count per layer: {len(layer_sizes)} layers, {len(alpha_bins)} counts"
            )
        for size, n_a in zip(layer_sizes, alpha_bins, strict=True):
            if n_a < 1 or size % n_a:
                raise ValueError(
                    f"a layer of {size} voxels cannot have {n_a} α bins (need a divisor)"
                )
        self.layer_sizes = tuple(int(s) for s in layer_sizes)
        self.alpha_bins = tuple(int(a) for a in alpha_bins)
        segmented = [a for a in self.alpha_bins if a > 1]
        self.n_rotations = math.gcd(*segmented) if segmented else 1
        self.reflect = bool(reflect)
        self.n_voxels = sum(self.layer_sizes)
        self._table = np.array(
            [
                self._permutation(k, mirror)
                for mirror in ((False, True) if self.reflect else (False,))
                for k in range(self.n_rotations)
            ]
        )

    @property
    def n_transforms(self) -> int:
        """Number of distinct transformations (the identity included)."""
        return len(self._table)

    def _permutation(self, k: int, mirror: bool) -> np.ndarray:
        """Source index of every voxel after rotating by k steps (then mirroring)."""
        out, offset = [], 0
        for size, n_a in zip(self.layer_sizes, self.alpha_bins, strict=True):
            n_r = size // n_a
            a = np.arange(n_a)
            if mirror:
                a = n_a - 1 - a
            source_alpha = (a - k * n_a // self.n_rotations) % n_a
            out.append(offset + (source_alpha[:, None] * n_r + np.arange(n_r)[None, :]).ravel())
            offset += size
        return np.concatenate(out)

    def _impute_dead(self, voxels: np.ndarray, dead: np.ndarray) -> np.ndarray:
        """Fill dead cells of segmented layers with the angular neighbour's energy."""
        filled = voxels.copy()
        offset = 0
        dead_set = set(int(d) for d in dead)
        for size, n_a in zip(self.layer_sizes, self.alpha_bins, strict=True):
            n_r = size // n_a
            for d in [d for d in dead_set if offset <= d < offset + size and n_a > 1]:
                a, r = divmod(d - offset, n_r)
                for step in (1, -1, 2, -2):
                    source = offset + ((a + step) % n_a) * n_r + r
                    if source not in dead_set:
                        filled[:, d] = voxels[:, source]
                        break
            offset += size
        return filled

    def augment(
        self,
        voxels_gev: np.ndarray,
        rng: np.random.Generator,
        dead_voxels: Sequence[int] = (),
    ) -> np.ndarray:
        """A randomly rotated (and mirrored) copy of every shower.

        Parameters
        ----------
        voxels_gev
            (n, n_voxels) voxel energies, GeV.
        rng
            Source of the random transformations (one per shower).
        dead_voxels
            Indices of dead cells (zero in every shower; they stay zero).

        Returns
        -------
        numpy.ndarray
            (n, n_voxels) augmented voxel energies, GeV.
        """
        voxels = np.asarray(voxels_gev, dtype=np.float64)
        if voxels.ndim != 2 or voxels.shape[1] != self.n_voxels:
            raise ValueError(f"expected showers of shape (n, {self.n_voxels}), got {voxels.shape}")
        dead = np.asarray(dead_voxels, dtype=int)
        if len(dead):
            voxels = self._impute_dead(voxels, dead)
        choice = rng.integers(0, self.n_transforms, size=len(voxels))
        out = np.take_along_axis(voxels, self._table[choice], axis=1)
        if len(dead):
            out[:, dead] = 0.0
        return out
