"""The shipped ``calo`` dataset: schema, physics sanity and reproducibility of its shards."""

from __future__ import annotations

import numpy as np

from hepml_course import data
from hepml_course.data.datasets import calo


def test_shipped_calo_has_the_contracted_branches_and_physics():
    showers = data.load("calo", entry_stop=2000)
    voxels = np.asarray(showers.voxel_energy_gev)
    energy = np.asarray(showers.incident_energy_gev)
    assert voxels.shape == (2000, 368) and voxels.dtype == np.float32
    assert np.all(voxels >= 0)
    assert 1.0 <= energy.min() and energy.max() <= 250.0
    total = (
        np.asarray(showers.front_loss_gev)
        + np.asarray(showers.leakage_gev)
        + np.asarray(showers.deposited_gev)
    )
    np.testing.assert_allclose(total, energy, rtol=1e-4)
    ratio = voxels.sum(axis=1) / energy
    high = energy > 50
    assert 0.95 < np.median(ratio[high]) < 1.0


def test_a_shard_is_reproducible():
    shard = calo.plan(30, seed=5)[0]
    a = calo.run_shard(shard)["showers"]
    b = calo.run_shard(shard)["showers"]
    assert set(a) == {br.name for br in calo.SPEC.trees["showers"]}
    np.testing.assert_array_equal(a["voxel_energy_gev"], b["voxel_energy_gev"])
