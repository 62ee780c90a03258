"""The calorimeter simulator: reproducibility, energy bookkeeping and the physics it must show."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hepml_course.sim.calorimeter import (
    DEFAULT_GEOMETRY,
    CalorimeterSimulator,
    ReadoutResponse,
    sample_energies,
)

SIM = CalorimeterSimulator()


def test_same_seed_same_showers_and_different_seed_different():
    energy = sample_energies(50, seed=3)
    a = SIM.simulate(energy, seed=11)
    b = SIM.simulate(energy, seed=11)
    c = SIM.simulate(energy, seed=12)
    np.testing.assert_array_equal(a.voxel_energy_gev, b.voxel_energy_gev)
    np.testing.assert_array_equal(a.front_loss_gev, b.front_loss_gev)
    assert not np.array_equal(a.voxel_energy_gev, c.voxel_energy_gev)


def test_chunking_does_not_change_the_result():
    energy = sample_energies(40, seed=4, e_max_gev=20.0)
    small = dataclasses.replace(SIM, max_spots_per_chunk=500)
    one = SIM.simulate(energy, seed=5)
    many = small.simulate(energy, seed=5)
    # chunks draw from one generator in a different order: compare statistics, not values
    assert len(many) == len(one) == 40
    assert many.voxel_energy_gev.shape == (40, 368)
    assert np.all(many.front_loss_gev + many.leakage_gev + many.deposited_gev > 0)


def test_output_types_bookkeeping_and_readout():
    energy = sample_energies(200, seed=6)
    s = SIM.simulate(energy, seed=7)
    assert s.voxel_energy_gev.dtype == np.float32
    assert s.voxel_energy_gev.shape == (200, DEFAULT_GEOMETRY.n_voxels)
    assert np.all(s.voxel_energy_gev >= 0)  # zero suppression
    np.testing.assert_allclose(
        s.front_loss_gev + s.leakage_gev + s.deposited_gev, energy, rtol=1e-5
    )
    assert np.all(s.voxel_energy_gev[:, list(SIM.response.dead_voxels)] == 0)
    # digitised in 1 MeV steps
    mev = s.voxel_energy_gev.astype(np.float64) * 1000
    np.testing.assert_allclose(mev, np.round(mev), atol=1e-3)
    # cost grows with energy: spots ∝ E
    ratio = s.n_spots / energy
    assert np.median(ratio) == pytest.approx(SIM.response.spots_per_gev, rel=0.05)
    assert set(np.unique(s.pdg)) == {22}


def test_measured_shower_depth_grows_linearly_with_log_energy():
    geo = DEFAULT_GEOMETRY
    centres = 0.5 * (np.asarray(geo.depth_edges_x0[:-1]) + np.asarray(geo.depth_edges_x0[1:]))
    energies = np.array([2.0, 8.0, 32.0, 128.0])
    depth = []
    for i, e in enumerate(energies):
        s = SIM.simulate(np.full(150, e), seed=20 + i)
        layers = geo.layer_sums(s.voxel_energy_gev).sum(axis=0)
        depth.append(np.sum(layers * centres) / layers.sum())
    slope, intercept = np.polyfit(np.log(energies), depth, 1)
    residual = np.asarray(depth) - (slope * np.log(energies) + intercept)
    assert slope > 0.4  # X0 per e-fold (the coarse layers dilute the ln E slope of 1)
    assert np.max(np.abs(residual)) < 0.25


def test_mean_visible_fraction_is_stable_with_energy():
    fractions = []
    for i, e in enumerate([2.0, 20.0, 200.0]):
        s = SIM.simulate(np.full(100 if e < 100 else 30, e), seed=30 + i)
        fractions.append(np.mean(s.visible_gev / s.deposited_gev))
    fractions = np.asarray(fractions)
    assert np.all(np.abs(fractions / fractions[0] - 1) < 0.02)
    assert fractions[0] == pytest.approx(0.20, rel=0.03)


def test_raw_sum_resolution_follows_the_configured_stochastic_and_constant_terms():
    """No noise/front material: σ/E of the raw sum = a/√E ⊕ c with the configured a, c."""
    response = ReadoutResponse(noise_mev=(0.0,) * 5, threshold_sigma=0.0, dead_voxels=())
    geometry = dataclasses.replace(DEFAULT_GEOMETRY, front_material_x0=0.0)
    sim = CalorimeterSimulator(geometry=geometry, response=response, particle="electron")
    energies = np.array([2.0, 5.0, 10.0, 25.0, 60.0])
    rel = []
    for i, e in enumerate(energies):
        s = sim.simulate(np.full(400, e), seed=40 + i)
        raw = s.voxel_energy_gev.sum(axis=1)
        rel.append(np.std(raw) / np.mean(raw))
    rel = np.asarray(rel)
    # least squares of (σ/E)² = a²/E + c²
    design = np.stack([1.0 / energies, np.ones_like(energies)], axis=1)
    (a2, c2), *_ = np.linalg.lstsq(design, rel**2, rcond=None)
    a, c = np.sqrt(a2), np.sqrt(max(c2, 0.0))
    assert a == pytest.approx(response.sampling_term, rel=0.25)
    assert c < 0.015  # configured 0.7 % plus leakage fluctuations


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="NaN"):
        SIM.simulate(np.array([10.0, np.nan]), seed=1)
    with pytest.raises(ValueError, match="1-D"):
        SIM.simulate(np.ones((2, 2)) * 10, seed=1)
    with pytest.raises(ValueError, match="particle"):
        CalorimeterSimulator(particle="muon")
    with pytest.raises(ValueError, match="one value per layer"):
        CalorimeterSimulator(response=ReadoutResponse(noise_mev=(1.0,)))
    with pytest.raises(ValueError, match="mode"):
        sample_energies(3, seed=1, mode="flat")


def test_discrete_energies_are_powers_of_two_mev():
    e = sample_energies(500, seed=2, mode="discrete", e_min_gev=1.0, e_max_gev=256.0)
    k = np.log2(e * 1000)
    np.testing.assert_allclose(k, np.round(k))
    assert set(np.round(k).astype(int)) == set(range(10, 18))  # 1.024 … 131 GeV


def test_front_losses_grow_with_the_material_in_front():
    geometry = dataclasses.replace(
        DEFAULT_GEOMETRY, front_material_x0=2.0, front_material_rise_x0=8.0
    )
    assert geometry.front_material_at(np.array([0.0, 0.5])).tolist() == [2.0, 4.0]
    s = CalorimeterSimulator(geometry=geometry).simulate(np.full(600, 2.0), seed=9)
    small, large = s.theta_rad < 0.2, s.theta_rad > 0.4
    assert np.mean(s.front_loss_gev[large]) > 2 * np.mean(s.front_loss_gev[small])
