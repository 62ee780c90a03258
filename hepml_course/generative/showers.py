"""The reference showers: the ``calo`` dataset as NumPy arrays, split into train and test.

The split is a fixed permutation (independent of any training seed), so every
generator, the benchmark and the chapter see the same held-out test showers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import awkward as ak
import numpy as np

#: Seed of the fixed train/test permutation of the ``calo`` dataset.
SPLIT_SEED = 20221
#: Fraction of the showers held out for evaluation.
TEST_FRACTION = 0.25


@dataclass(frozen=True)
class Showers:
    """A batch of showers.

    Attributes
    ----------
    voxels_gev
        (n, n_voxels) voxel energies, GeV.
    e_inc_gev
        (n,) incident energies, GeV.
    """

    voxels_gev: np.ndarray
    e_inc_gev: np.ndarray

    def __len__(self) -> int:
        return len(self.e_inc_gev)

    def subset(self, n: int | None) -> Showers:
        """The first ``n`` showers (all if ``n`` is None)."""
        return self if n is None else Showers(self.voxels_gev[:n], self.e_inc_gev[:n])


def load_calo(path: str | Path | None = None) -> Showers:
    """All showers of the ``calo`` dataset (tree ``showers``), checksum verified.

    Parameters
    ----------
    path
        Another file made by ``hepml-course data generate calo --out PATH``.
    """
    from hepml_course import data

    arrays = data.load(
        "calo",
        tree="showers",
        branches=["incident_energy_gev", "voxel_energy_gev"],
        path=path,
    )
    voxels = np.asarray(ak.to_numpy(arrays["voxel_energy_gev"]), dtype=np.float64)
    e_inc = np.asarray(ak.to_numpy(arrays["incident_energy_gev"]), dtype=np.float64)
    return Showers(voxels, e_inc)


def split(showers: Showers, test_fraction: float = TEST_FRACTION) -> tuple[Showers, Showers]:
    """Fixed (seeded) split into (train, test)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    order = np.random.default_rng(SPLIT_SEED).permutation(len(showers))
    n_test = round(test_fraction * len(showers))
    test, train = order[:n_test], order[n_test:]
    return (
        Showers(showers.voxels_gev[train], showers.e_inc_gev[train]),
        Showers(showers.voxels_gev[test], showers.e_inc_gev[test]),
    )


def calo_split(path: str | Path | None = None) -> tuple[Showers, Showers]:
    """(train, test) showers of the ``calo`` dataset."""
    return split(load_calo(path))
