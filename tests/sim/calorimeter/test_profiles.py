"""GFLASH longitudinal and lateral profiles."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.sim.calorimeter import GflashLateral, GflashLongitudinal


def test_average_shower_maximum_grows_with_log_energy():
    lon = GflashLongitudinal()
    e = np.array([1.0, 10.0, 100.0])
    t = lon.average_shower_max_x0(e)
    np.testing.assert_allclose(np.diff(t), np.log(10.0), rtol=1e-12)
    # ln(y) − 0.858 with E_c = 11 MeV: ≈ 3.65 X0 at 1 GeV
    assert t[0] == pytest.approx(np.log(1000 / 11) - 0.858)


def test_sampled_parameters_fluctuate_with_positive_correlation():
    lon = GflashLongitudinal()
    rng = np.random.default_rng(1)
    energy = np.full(20_000, 50.0)
    t_max, alpha = lon.sample_params(energy, rng)
    p = lon.mean_log_params(np.array([50.0]))
    assert np.mean(np.log(t_max)) == pytest.approx(p["mean_ln_t"][0], abs=0.01)
    assert np.std(np.log(t_max)) == pytest.approx(p["sigma_ln_t"][0], rel=0.05)
    rho = np.corrcoef(np.log(t_max), np.log(alpha))[0, 1]
    assert rho == pytest.approx(p["rho"][0], abs=0.05)
    # gamma profile of depths: mode (α−1)/β = T
    depths = lon.sample_depths(np.full(200_000, 8.0), np.full(200_000, 4.0), rng)
    hist, edges = np.histogram(depths, bins=60, range=(0, 30))
    mode = 0.5 * (edges[:-1] + edges[1:])[np.argmax(hist)]
    assert mode == pytest.approx(8.0, abs=1.0)


def test_gflash_rejects_energies_near_the_critical_energy():
    with pytest.raises(ValueError, match="E >> E_c"):
        GflashLongitudinal().mean_log_params(np.array([0.05]))


def test_lateral_profile_core_widens_with_depth_and_contains_90_percent_in_rm():
    lat = GflashLateral()
    tau = np.array([0.2, 1.0, 2.0])
    par = lat.radii(tau, np.full(3, 50.0))
    assert np.all(np.diff(par["r_core"]) > 0)
    assert np.all((par["p_core"] >= 0) & (par["p_core"] <= 1))
    rng = np.random.default_rng(2)
    # energy-weighted over a typical profile: τ from the gamma distribution of a 50 GeV shower
    tau_spots = rng.gamma(4.0, 1.0 / 3.0, 200_000)
    r = lat.sample_radius(tau_spots, np.full(len(tau_spots), 50.0), rng)
    contained = np.mean(r < 1.0)
    # textbook: ≈ 90 % of an EM shower's energy lies within one Molière radius
    assert 0.82 < contained < 0.96
