"""A simple particle-flow detector model for jets: tracker + calorimeters.

Turns stable generator-level particles into detector-level "particle-flow
candidates", which are then clustered into detector-level jets:

* charged particles (|η| < ``track_eta_max``) are reconstructed as tracks with a
  pT-dependent efficiency and a curvature resolution σ(pT)/pT = a ⊕ b·pT;
  charged particles beyond the tracker are measured by the hadron calorimeter;
* photons are measured in the electromagnetic calorimeter, σ(E)/E = s/√E ⊕ c,
  above an energy threshold, with a small angular smearing (cell size);
* neutral hadrons (n, K⁰_L ...) are measured in the hadron calorimeter with a
  much worse resolution, a higher threshold and a coarser angular smearing.

Muons and neutrinos are never jet inputs (the caller removes them).  The
parameters are typical of an LHC general-purpose detector with particle flow
(CMS-like); they are documented in ``data/unfolding.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np

#: PDG ids (absolute values) of the long-lived charged particles that reach a tracker.
CHARGED_IDS = np.array([11, 13, 211, 321, 2212, 3112, 3222, 3312, 3334])
PHOTON_ID = 22


@dataclass(frozen=True)
class JetResponse:
    """Parameters of the detector model (all energies and momenta in GeV).

    Parameters
    ----------
    track_eta_max
        Tracker acceptance |η|.
    track_pt_min_gev
        Track reconstruction threshold on the true pT.
    track_efficiency_low, track_efficiency_high
        Track efficiency below / above ``track_pt_turn_gev``.
    track_pt_turn_gev
        pT where the efficiency reaches its plateau.
    track_res_const, track_res_slope_per_gev
        σ(pT)/pT = const ⊕ slope·pT (fraction, 1/GeV).
    calo_eta_max
        Calorimeter acceptance |η|.
    photon_stochastic, photon_constant
        ECAL resolution σ(E)/E = s/√(E/GeV) ⊕ c.
    photon_e_min_gev
        ECAL cluster threshold on the measured energy.
    photon_angle_smear
        Gaussian smearing of η and φ (rad) of ECAL clusters.
    hadron_stochastic, hadron_constant
        HCAL resolution σ(E)/E = s/√(E/GeV) ⊕ c (neutral hadrons and charged
        particles outside the tracker).
    hadron_e_min_gev
        HCAL cluster threshold on the measured energy.
    hadron_angle_smear
        Gaussian smearing of η and φ (rad) of HCAL clusters.
    """

    track_eta_max: float = 2.5
    track_pt_min_gev: float = 0.4
    track_efficiency_low: float = 0.80
    track_efficiency_high: float = 0.95
    track_pt_turn_gev: float = 1.5
    track_res_const: float = 0.01
    track_res_slope_per_gev: float = 2.0e-4
    calo_eta_max: float = 4.0
    photon_stochastic: float = 0.10
    photon_constant: float = 0.01
    photon_e_min_gev: float = 1.0
    photon_angle_smear: float = 0.01
    hadron_stochastic: float = 1.0
    hadron_constant: float = 0.05
    hadron_e_min_gev: float = 3.0
    hadron_angle_smear: float = 0.04

    def track_efficiency(self, pt_gev: np.ndarray) -> np.ndarray:
        """Probability to reconstruct a charged particle of true pT ``pt_gev`` (GeV)."""
        eff = np.where(
            pt_gev < self.track_pt_turn_gev, self.track_efficiency_low, self.track_efficiency_high
        )
        return np.where(pt_gev < self.track_pt_min_gev, 0.0, eff)

    def apply(self, particles: ak.Array, rng: np.random.Generator) -> ak.Array:
        """Detector-level candidates from generator-level particles.

        Parameters
        ----------
        particles
            Jagged records (events × particles) with fields ``px``, ``py``,
            ``pz``, ``E`` (GeV) and ``id`` (PDG id).  Muons and neutrinos must
            already be removed.
        rng
            Random generator (seeded by the caller).

        Returns
        -------
        awkward.Array
            Jagged records with ``px``, ``py``, ``pz``, ``E`` (GeV) of the
            reconstructed candidates (massless for calorimeter clusters, pion
            mass for tracks).

        Raises
        ------
        ValueError
            If a field is missing.
        """
        missing = {"px", "py", "pz", "E", "id"} - set(particles.fields)
        if missing:
            raise ValueError(
                f"JetResponse.apply needs particle fields px, py, pz, E, id; missing {missing}"
            )
        counts = ak.to_numpy(ak.num(particles))
        flat = ak.flatten(particles)
        px, py, pz, e = (ak.to_numpy(flat[f]).astype(np.float64) for f in ("px", "py", "pz", "E"))
        pid = np.abs(ak.to_numpy(flat["id"]))
        pt = np.hypot(px, py)
        eta = np.arcsinh(np.divide(pz, pt, out=np.full_like(pz, 1e6), where=pt > 0))
        phi = np.arctan2(py, px)
        abs_eta = np.abs(eta)
        n = len(pt)

        charged = np.isin(pid, CHARGED_IDS)
        photon = pid == PHOTON_ID
        in_tracker = charged & (abs_eta < self.track_eta_max)
        hadronic = ~photon & ~in_tracker  # neutral hadrons + charged beyond the tracker

        # tracks: efficiency, curvature smearing (angles are measured precisely)
        u = rng.random(n)
        track_ok = in_tracker & (u < self.track_efficiency(pt))
        rel = np.hypot(self.track_res_const, self.track_res_slope_per_gev * pt)
        inv_pt = (1.0 / np.maximum(pt, 1e-9)) * (1.0 + rel * rng.standard_normal(n))
        pt_track = 1.0 / np.maximum(np.abs(inv_pt), 1e-9)

        # calorimeter clusters: energy smearing, thresholds, angular smearing
        root_e = np.sqrt(np.maximum(e, 1e-9))
        sig_gam = np.hypot(self.photon_stochastic / root_e, self.photon_constant)
        sig_had = np.hypot(self.hadron_stochastic / root_e, self.hadron_constant)
        sigma = np.where(photon, sig_gam, sig_had)
        e_meas = e * np.maximum(1.0 + sigma * rng.standard_normal(n), 0.0)
        threshold = np.where(photon, self.photon_e_min_gev, self.hadron_e_min_gev)
        calo = (photon | hadronic) & (abs_eta < self.calo_eta_max) & (e_meas > threshold)
        angle = np.where(photon, self.photon_angle_smear, self.hadron_angle_smear)
        eta_c = eta + angle * rng.standard_normal(n)
        phi_c = phi + angle * rng.standard_normal(n)
        pt_calo = e_meas / np.cosh(eta_c)

        keep = track_ok | calo
        out_pt = np.where(track_ok, pt_track, pt_calo)
        out_eta = np.where(track_ok, eta, eta_c)
        out_phi = np.where(track_ok, phi, phi_c)
        mass = np.where(track_ok, 0.13957, 0.0)
        out_px = out_pt * np.cos(out_phi)
        out_py = out_pt * np.sin(out_phi)
        out_pz = out_pt * np.sinh(out_eta)
        out_e = np.sqrt(out_px**2 + out_py**2 + out_pz**2 + mass**2)

        event = np.repeat(np.arange(len(counts)), counts)
        new_counts = np.bincount(event[keep], minlength=len(counts))
        return ak.zip(
            {
                name: ak.unflatten(values[keep], new_counts)
                for name, values in (("px", out_px), ("py", out_py), ("pz", out_pz), ("E", out_e))
            }
        )
