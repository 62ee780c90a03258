"""Lateral shower profile: GFLASH core + tail, evolving with depth.

The radial energy density at depth τ = t / T (t the depth from the shower
start, T the shower maximum) is a mixture of two terms {Grindhammer & Peters,
hep-ex/0001020}, in units of the Molière radius R_M:

    f(r) = p · 2 r R_C² / (r² + R_C²)² + (1 − p) · 2 r R_T² / (r² + R_T²)²

with a narrow *core* (R_C, from the high-energy electrons and positrons) and a
wide *tail* (R_T, from low-energy photons travelling far), parametrised as
(E in GeV, Z the atomic number):

    R_C = z1 + z2 τ,  z1 = 0.0251 + 0.00319 ln E,  z2 = 0.1162 − 0.000381 Z
    R_T = k1 [exp(k3 (τ − k2)) + exp(k4 (τ − k2))],
          k1 = 0.659 − 0.00309 Z, k2 = 0.645, k3 = −2.59, k4 = 0.3585 + 0.0421 ln E
    p   = p1 exp[(p2 − τ)/p3 − exp((p2 − τ)/p3)],
          p1 = 2.632 − 0.00094 Z, p2 = 0.401 + 0.00187 Z, p3 = 1.313 − 0.0686 ln E.

Each term has the cumulative F(r) = r² / (r² + R²), so radii are sampled by
inversion: r = R √(u / (1 − u)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GflashLateral:
    """GFLASH lateral parameters.

    Parameters
    ----------
    z_eff
        Effective atomic number of the medium.
    max_u
        Upper clip of the uniform variate in the inversion (keeps radii finite:
        r ≤ 100 R).
    """

    z_eff: float = 50.0
    max_u: float = 1.0 - 1.0e-4

    def radii(self, tau: np.ndarray, energy_gev: np.ndarray) -> dict[str, np.ndarray]:
        """Core radius, tail radius (R_M units) and core probability at depth τ = t/T."""
        z = self.z_eff
        ln_e = np.log(energy_gev)
        r_core = (0.0251 + 0.00319 * ln_e) + (0.1162 - 0.000381 * z) * tau
        k1 = 0.659 - 0.00309 * z
        k4 = 0.3585 + 0.0421 * ln_e
        r_tail = k1 * (np.exp(-2.59 * (tau - 0.645)) + np.exp(k4 * (tau - 0.645)))
        p1 = 2.632 - 0.00094 * z
        p2 = 0.401 + 0.00187 * z
        p3 = 1.313 - 0.0686 * ln_e
        x = (p2 - tau) / p3
        p_core = np.clip(p1 * np.exp(x - np.exp(x)), 0.0, 1.0)
        return {"r_core": r_core, "r_tail": r_tail, "p_core": p_core}

    def sample_radius(
        self, tau: np.ndarray, energy_gev: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Radial distance of each spot from the shower axis, in Molière radii.

        ``tau`` and ``energy_gev`` are given per spot.
        """
        par = self.radii(tau, energy_gev)
        core = rng.random(len(tau)) < par["p_core"]
        radius = np.where(core, par["r_core"], par["r_tail"])
        u = np.minimum(rng.random(len(tau)), self.max_u)
        return radius * np.sqrt(u / (1.0 - u))
