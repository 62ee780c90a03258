"""The ``calo_material`` dataset: the angle-dependent material, reproducibility, branches."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import data
from hepml_course.data import registry
from hepml_course.data.datasets import calo, calo_material
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY


def test_registered_with_the_calo_branches_and_units():
    assert "calo_material" in registry.names()
    spec = registry.get("calo_material")
    assert spec.filename == "calo_material.root"
    mine = [(b.name, b.dtype, b.unit, b.shape) for b in spec.trees["showers"]]
    theirs = [(b.name, b.dtype, b.unit, b.shape) for b in calo.SPEC.trees["showers"]]
    assert mine == theirs
    assert ("theta_rad", "float32", "rad", ()) in [(n, d, u, s or ()) for n, d, u, s in mine]


def test_material_law_is_two_plus_eight_theta_squared():
    g = calo_material.GEOMETRY
    np.testing.assert_allclose(g.front_material_at(np.array([0.0, 0.3, 0.6])), [2.0, 2.72, 4.88])
    # the rest of the geometry is the calo dataset's
    assert g.depth_edges_x0 == DEFAULT_GEOMETRY.depth_edges_x0
    assert DEFAULT_GEOMETRY.front_material_rise_x0 == 0.0


def test_a_shard_is_reproducible_by_seed():
    shard = calo_material.plan(40, seed=5)[0]
    a = calo_material.run_shard(shard)["showers"]
    b = calo_material.run_shard(shard)["showers"]
    assert set(a) == {br.name for br in calo_material.SPEC.trees["showers"]}
    for key in ("voxel_energy_gev", "theta_rad", "front_loss_gev"):
        np.testing.assert_array_equal(a[key], b[key])
    other = calo_material.run_shard(calo_material.plan(40, seed=6)[0])["showers"]
    assert not np.array_equal(a["voxel_energy_gev"], other["voxel_energy_gev"])
    e = a["incident_energy_gev"]
    assert np.all((e >= calo_material.E_MIN_GEV) & (e <= calo_material.E_MAX_GEV))
    assert a["voxel_energy_gev"].shape == (40, DEFAULT_GEOMETRY.n_voxels)


def _front_loss_by_theta(simulator, n=1500):
    showers = simulator.simulate(np.full(n, 2.0), seed=11)
    frac = showers.front_loss_gev / showers.incident_energy_gev
    small, large = showers.theta_rad < 0.2, showers.theta_rad > 0.45
    return float(frac[small].mean()), float(frac[large].mean())


def test_mean_front_loss_rises_with_theta_unlike_calo():
    small, large = _front_loss_by_theta(calo_material.SIMULATOR)
    # 2.1 X0 vs 4.5-5.9 X0 along the path: the loss of 2 GeV photons grows several-fold
    assert 0.01 < small < 0.06
    assert large > 4 * small
    # the calo dataset's uniform 3 X0 only grows as 1/cos θ (3.0 -> 3.3-3.6 X0)
    calo_small, calo_large = _front_loss_by_theta(calo.SIMULATOR)
    assert calo_large < 2 * calo_small


def test_shipped_file_physics():
    path = registry.shipped_path("calo_material")
    if not path.exists():
        pytest.fail(f"{path} is missing: run `hepml-course data generate calo_material`")
    showers = data.load("calo_material")
    e = np.asarray(showers.incident_energy_gev)
    theta = np.asarray(showers.theta_rad)
    assert len(e) == calo_material.SPEC.default_events
    assert 1.0 <= e.min() and e.max() <= 20.0
    assert 0.0 <= theta.min() and theta.max() <= 0.6
    total = (
        np.asarray(showers.front_loss_gev)
        + np.asarray(showers.leakage_gev)
        + np.asarray(showers.deposited_gev)
    )
    np.testing.assert_allclose(total, e, rtol=1e-4)
    raw = np.asarray(showers.voxel_energy_gev).sum(axis=1) / e
    low = e < 2
    assert np.median(raw[low & (theta > 0.45)]) < np.median(raw[low & (theta < 0.15)]) - 0.1
