"""A simple muon-system response: acceptance, efficiency and momentum resolution.

The parameters are typical of a general-purpose LHC detector (CMS-like
tracker + muon system, 3.8 T); they are documented here and in the ``dimuon``
datacard.  The momentum is smeared in curvature (1/pT), as a tracker measures
it: σ(1/pT) · pT = a ⊕ b · pT, with a multiple-scattering term ``a`` and a
hit-resolution term ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np


@dataclass(frozen=True)
class MuonResponse:
    """Parameters of the muon response.

    Parameters
    ----------
    eta_max
        Acceptance |η| < eta_max (muon chambers), dimensionless.
    pt_min_gev
        Reconstruction threshold on the true pT, GeV.
    efficiency_barrel, efficiency_endcap
        Identification × reconstruction efficiency for |η| < ``eta_barrel`` and
        beyond.
    eta_barrel
        Barrel/endcap boundary in |η|.
    ms_term_barrel, ms_term_endcap
        Multiple-scattering term ``a`` of σ(pT)/pT (fraction, e.g. 0.01 = 1 %).
    curvature_term_per_gev
        Hit-resolution term ``b`` of σ(pT)/pT = a ⊕ b·pT, in 1/GeV.
    angle_resolution
        Gaussian smearing of η and φ (dimensionless / rad).
    """

    eta_max: float = 2.4
    pt_min_gev: float = 3.0
    efficiency_barrel: float = 0.96
    efficiency_endcap: float = 0.93
    eta_barrel: float = 1.2
    ms_term_barrel: float = 0.010
    ms_term_endcap: float = 0.018
    curvature_term_per_gev: float = 1.0e-4
    angle_resolution: float = 1.0e-3

    def relative_resolution(self, pt_gev: np.ndarray, abs_eta: np.ndarray) -> np.ndarray:
        """σ(pT)/pT for muons of transverse momentum ``pt_gev`` (GeV) at |η| ``abs_eta``."""
        a = np.where(abs_eta < self.eta_barrel, self.ms_term_barrel, self.ms_term_endcap)
        return np.hypot(a, self.curvature_term_per_gev * pt_gev)

    def apply(
        self,
        pt_gev: ak.Array,
        eta: ak.Array,
        phi: ak.Array,
        charge: ak.Array,
        rng: np.random.Generator,
    ) -> dict[str, ak.Array]:
        """Reconstruct true muons: select, then smear.

        Parameters
        ----------
        pt_gev, eta, phi, charge
            Jagged arrays (events × true muons); pT in GeV, φ in rad.
        rng
            Random generator (seeded by the caller).

        Returns
        -------
        dict
            Jagged ``pt`` (GeV), ``eta``, ``phi`` (rad), ``charge`` of the
            reconstructed muons.  A curvature flip through zero flips the charge,
            as in a real tracker.
        """
        counts = ak.num(pt_gev)
        flat_pt = ak.to_numpy(ak.flatten(pt_gev))
        flat_eta = ak.to_numpy(ak.flatten(eta))
        flat_phi = ak.to_numpy(ak.flatten(phi))
        flat_q = ak.to_numpy(ak.flatten(charge))
        abs_eta = np.abs(flat_eta)
        efficiency = np.where(
            abs_eta < self.eta_barrel, self.efficiency_barrel, self.efficiency_endcap
        )
        # draw every random number for every muon, so the stream does not depend on the cuts
        u_eff = rng.random(flat_pt.size)
        g_curv = rng.standard_normal(flat_pt.size)
        g_eta = rng.standard_normal(flat_pt.size)
        g_phi = rng.standard_normal(flat_pt.size)
        keep = (abs_eta < self.eta_max) & (flat_pt > self.pt_min_gev) & (u_eff < efficiency)
        curvature = flat_q / flat_pt  # signed 1/pT, 1/GeV
        sigma_curv = np.abs(curvature) * self.relative_resolution(flat_pt, abs_eta)
        curvature_reco = curvature + sigma_curv * g_curv
        reco = {
            "pt": 1.0 / np.abs(curvature_reco),
            "eta": flat_eta + self.angle_resolution * g_eta,
            "phi": np.mod(flat_phi + self.angle_resolution * g_phi + np.pi, 2 * np.pi) - np.pi,
            "charge": np.sign(curvature_reco).astype(np.int8),
        }
        keep_jagged = ak.unflatten(keep, counts)
        return {k: ak.unflatten(v, counts)[keep_jagged] for k, v in reco.items()}
