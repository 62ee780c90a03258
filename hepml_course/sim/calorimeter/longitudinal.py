"""Longitudinal shower profile: the GFLASH parametrisation with correlated fluctuations.

The energy deposited at depth t (in X0) by an electromagnetic shower of energy E
follows a gamma distribution {Longo & Sestili 1975; Grindhammer, Rudowicz &
Peters, NIM A290 (1990) 469; Grindhammer & Peters, hep-ex/0001020}:

    dE/dt = E · (β t)^(α−1) β e^(−β t) / Γ(α),   β = (α − 1) / T,

with T the depth of the shower maximum.  Each shower draws its own (ln T, ln α)
from a correlated two-dimensional Gaussian whose means, widths and correlation
depend on y = E / E_c (E_c the critical energy) and the atomic number Z of the
medium (Grindhammer & Peters, eqs. for homogeneous media):

    ⟨ln T⟩ = ln(ln y − 0.812),                σ(ln T) = (−1.4 + 1.26 ln y)^−1
    ⟨ln α⟩ = ln(0.81 + (0.458 + 2.26/Z) ln y), σ(ln α) = (−0.58 + 0.86 ln y)^−1
    ρ(ln T, ln α) = 0.705 − 0.023 ln y.

The average profile then peaks at T ≈ ln y − 0.858, i.e. the shower maximum
grows logarithmically with energy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GflashLongitudinal:
    """GFLASH longitudinal parameters of the effective calorimeter medium.

    Parameters
    ----------
    z_eff
        Effective atomic number (Pb/LAr accordion ≈ 50 by energy-loss weighting;
        lead Z = 82, argon Z = 18).
    critical_energy_mev
        Effective critical energy E_c, MeV (lead 7.4 MeV, argon 32 MeV, PDG;
        the mixture ≈ 11 MeV).  R_M = X0 · 21.2 MeV / E_c.
    min_alpha
        Lower clip of the sampled shape α (> 1 so that β > 0).
    """

    z_eff: float = 50.0
    critical_energy_mev: float = 11.0
    min_alpha: float = 1.1

    def _ln_y(self, energy_gev: np.ndarray) -> np.ndarray:
        y = np.asarray(energy_gev, dtype=np.float64) * 1000.0 / self.critical_energy_mev
        if np.any(y <= 20.0):
            raise ValueError(
                "GFLASH needs E >> E_c: energies must exceed "
                f"{20 * self.critical_energy_mev / 1000:.2f} GeV, got min {np.min(energy_gev)} GeV"
            )
        return np.log(y)

    def mean_log_params(self, energy_gev: np.ndarray) -> dict[str, np.ndarray]:
        """Means, widths and correlation of (ln T, ln α) at each energy (GeV)."""
        ln_y = self._ln_y(energy_gev)
        return {
            "mean_ln_t": np.log(ln_y - 0.812),
            "sigma_ln_t": 1.0 / (-1.4 + 1.26 * ln_y),
            "mean_ln_alpha": np.log(0.81 + (0.458 + 2.26 / self.z_eff) * ln_y),
            "sigma_ln_alpha": 1.0 / (-0.58 + 0.86 * ln_y),
            "rho": 0.705 - 0.023 * ln_y,
        }

    def average_shower_max_x0(self, energy_gev: np.ndarray) -> np.ndarray:
        """Depth of the maximum of the *average* profile, T = ln y − 0.858, X0."""
        return self._ln_y(energy_gev) - 0.858

    def sample_params(
        self, energy_gev: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw one (T, α) per shower with the correlated GFLASH fluctuations.

        Parameters
        ----------
        energy_gev
            Shower energies, GeV, shape (n,).
        rng
            Random generator.

        Returns
        -------
        t_max_x0, alpha
            Depth of the maximum (X0) and shape parameter of each shower.
        """
        p = self.mean_log_params(energy_gev)
        z1 = rng.standard_normal(len(p["rho"]))
        z2 = rng.standard_normal(len(p["rho"]))
        ln_t = p["mean_ln_t"] + p["sigma_ln_t"] * z1
        ln_a = p["mean_ln_alpha"] + p["sigma_ln_alpha"] * (
            p["rho"] * z1 + np.sqrt(1.0 - p["rho"] ** 2) * z2
        )
        return np.exp(ln_t), np.maximum(np.exp(ln_a), self.min_alpha)

    @staticmethod
    def sample_depths(
        t_max_x0: np.ndarray, alpha: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Depths (X0 from the shower start) of spots drawn from gamma profiles.

        ``t_max_x0`` and ``alpha`` are given per spot (repeat the shower values).
        """
        beta = (alpha - 1.0) / t_max_x0
        return rng.gamma(alpha, 1.0 / beta)
