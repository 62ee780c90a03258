"""The LEP-like detector: measured resolutions, acceptance, efficiency, selection, seeding."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.sim.ee_detector import (
    MIN_CHARGED_ENERGY_FRACTION,
    MIN_CHARGED_TRACKS,
    PION_MASS_GEV,
    SQRT_S_GEV,
    EEDetector,
    passes_hadronic_selection,
)

DETECTOR = EEDetector()


def _gun(pid: int, p_gev: float, n: int, cos_theta: float = 0.3, mass_gev: float = 0.0):
    """``n`` one-particle events of PDG id ``pid`` and momentum ``p_gev`` at polar cos θ."""
    rng = np.random.default_rng(0)
    phi = rng.uniform(0, 2 * np.pi, n)
    sin_theta = np.sqrt(1 - cos_theta**2)
    columns = {
        "px": p_gev * sin_theta * np.cos(phi),
        "py": p_gev * sin_theta * np.sin(phi),
        "pz": np.full(n, p_gev * cos_theta),
        "E": np.full(n, np.hypot(p_gev, mass_gev)),
        "id": np.full(n, pid),
    }
    return ak.zip({k: ak.unflatten(v, np.ones(n, dtype=int)) for k, v in columns.items()})


def _measured(pid, p_gev, n=100_000, seed=1, **kw):
    out = DETECTOR.apply(_gun(pid, p_gev, n, **kw), np.random.default_rng(seed))
    return ak.flatten(out)


@pytest.mark.parametrize("energy", [2.0, 10.0, 40.0])
def test_photon_energy_resolution_matches_the_parameters(energy):
    flat = _measured(22, energy)
    ratio = ak.to_numpy(flat.E) / energy - 1.0
    expected = np.hypot(0.18 / np.sqrt(energy), 0.009)
    assert abs(ratio.mean()) < 4 * expected / np.sqrt(len(ratio))  # unbiased
    assert ratio.std() == pytest.approx(expected, rel=0.02)
    assert np.all(~ak.to_numpy(flat.charged))


@pytest.mark.parametrize("pid", [2112, 130])
def test_neutral_hadron_energy_resolution_matches_the_parameters(pid):
    energy = 20.0
    flat = _measured(pid, energy)
    ratio = ak.to_numpy(flat.E) / energy - 1.0
    assert ratio.std() == pytest.approx(0.85 / np.sqrt(energy), rel=0.02)


@pytest.mark.parametrize("momentum", [1.0, 20.0, 45.0])
def test_track_momentum_resolution_matches_the_parameters(momentum):
    flat = _measured(211, momentum, mass_gev=PION_MASS_GEV)
    p_meas = np.linalg.norm([ak.to_numpy(flat[f]) for f in ("px", "py", "pz")], axis=0)
    # the curvature is Gaussian: p / p_meas − 1 has width σ_p/p exactly
    curvature = momentum / p_meas - 1.0
    expected = np.hypot(6e-4 * momentum, 0.005)
    assert curvature.std() == pytest.approx(expected, rel=0.02)
    assert abs(np.median(curvature)) < 4 * expected / np.sqrt(len(curvature))
    assert np.all(ak.to_numpy(flat.charged))
    np.testing.assert_allclose(ak.to_numpy(flat.E) ** 2 - p_meas**2, PION_MASS_GEV**2, rtol=1e-6)


def test_track_efficiency_and_threshold():
    n = 200_000
    kept = len(_measured(-321, 5.0, n=n))
    eff = kept / n
    assert eff == pytest.approx(0.98, abs=4 * np.sqrt(0.98 * 0.02 / n))
    assert len(_measured(211, 0.19, n=1000)) == 0  # below 0.2 GeV: no track
    # charged particles never become clusters, even when not tracked
    assert len(_measured(2212, 0.15, n=1000)) == 0


def test_cluster_thresholds_apply_to_the_measured_energy():
    photons = ak.to_numpy(_measured(22, 0.35).E)
    assert photons.min() > 0.3
    assert 0.05 < len(photons) / 100_000 < 0.95  # some fluctuate below the threshold
    hadrons = ak.to_numpy(_measured(2112, 0.6).E)
    assert hadrons.min() > 0.5


def test_acceptance_and_invisible_neutrinos():
    for pid in (22, 211, 2112):
        assert len(_measured(pid, 10.0, n=2000, cos_theta=0.96)) == 0
        assert len(_measured(pid, 10.0, n=2000, cos_theta=-0.96)) == 0
        assert len(_measured(pid, 10.0, n=2000, cos_theta=0.94)) > 1900
    for pid in (12, -14, 16):
        assert len(_measured(pid, 10.0, n=2000)) == 0


@pytest.mark.parametrize(("pid", "mass_gev"), [(22, 0.0), (2112, 0.9396), (211, PION_MASS_GEV)])
def test_directions_are_kept_and_clusters_are_massless(pid, mass_gev):
    gun = _gun(pid, 7.0, 2000, cos_theta=-0.7, mass_gev=mass_gev)
    out = ak.flatten(DETECTOR.apply(gun, 3))
    assert len(out) > 1900
    p = np.stack([ak.to_numpy(out[f]) for f in ("px", "py", "pz")], axis=1)
    p_abs = np.linalg.norm(p, axis=1)
    np.testing.assert_allclose(p[:, 2] / p_abs, -0.7, rtol=1e-12)
    mass_sq = ak.to_numpy(out.E) ** 2 - p_abs**2
    expected = PION_MASS_GEV**2 if pid == 211 else 0.0  # tracks: pion mass; clusters: massless
    np.testing.assert_allclose(mass_sq, expected, atol=1e-9)


def test_event_structure_and_seeded_determinism():
    rng = np.random.default_rng(9)
    counts = rng.integers(0, 30, 200)
    n = counts.sum()
    ids = rng.choice([211, -211, 321, 22, 22, 2112, 130, 12, 11, -13], n)
    columns = {
        "px": rng.normal(0, 3, n),
        "py": rng.normal(0, 3, n),
        "pz": rng.normal(0, 3, n),
        "id": ids,
    }
    columns["E"] = np.sqrt(columns["px"] ** 2 + columns["py"] ** 2 + columns["pz"] ** 2 + 0.02)
    particles = ak.zip({k: ak.unflatten(v, counts) for k, v in columns.items()})
    one = DETECTOR.apply(particles, np.random.default_rng(5))
    two = DETECTOR.apply(particles, 5)
    other = DETECTOR.apply(particles, 6)
    assert len(one) == len(particles)
    assert np.all(ak.to_numpy(ak.num(one)) <= counts)
    assert ak.to_list(one) == ak.to_list(two)
    assert ak.to_list(one) != ak.to_list(other)
    assert set(one.fields) == {"px", "py", "pz", "E", "charged"}


def test_hadronic_selection_thresholds():
    e_cut = MIN_CHARGED_ENERGY_FRACTION * SQRT_S_GEV

    def event(n_tracks, e_track, n_neutral=3):
        energies = [e_track] * n_tracks + [20.0] * n_neutral
        flags = [True] * n_tracks + [False] * n_neutral
        zeros = [0.0] * len(energies)
        return {"px": zeros, "py": zeros, "pz": zeros, "E": energies, "charged": flags}

    candidates = ak.Array(
        [
            event(MIN_CHARGED_TRACKS, 1.01 * e_cut / MIN_CHARGED_TRACKS),  # passes
            event(MIN_CHARGED_TRACKS - 1, e_cut),  # too few tracks
            event(MIN_CHARGED_TRACKS, 0.99 * e_cut / MIN_CHARGED_TRACKS),  # neutrals do not count
            event(0, 0.0),
        ]
    )
    assert passes_hadronic_selection(candidates).tolist() == [True, False, False, False]


def test_bad_input_and_parameters_are_refused():
    gun = _gun(22, 1.0, 3)
    with pytest.raises(ValueError, match=r"missing \['id'\]"):
        DETECTOR.apply(gun[["px", "py", "pz", "E"]], 1)
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator"):
        DETECTOR.apply(gun, "seed")
    with pytest.raises(TypeError, match="awkward"):
        DETECTOR.apply(np.zeros((3, 5)), 1)
    with pytest.raises(ValueError, match="track_efficiency"):
        EEDetector(track_efficiency=1.5)
    with pytest.raises(ValueError, match="photon_e_min_gev"):
        EEDetector(photon_e_min_gev=-1.0)
    with pytest.raises(ValueError, match="fields E and charged"):
        passes_hadronic_selection(gun)
