"""Readout of the sampling calorimeter: sampling fraction and fluctuations, noise, dead cells.

Only a fraction of the shower energy — the energy lost in the active medium
(liquid argon) — is seen; the *sampling fraction* f_s relates it to the
deposited energy, and the cell energies are calibrated back to the
electromagnetic (EM) scale by dividing by f_s.  The number of charged tracks
crossing the active gaps fluctuates, which gives the *sampling term* of the
energy resolution, σ/E = a/√E {Fabjan & Gianotti, Rev. Mod. Phys. 75 (2003)
1243; Wigmans, "Calorimetry", OUP 2017}; ATLAS LAr: a ≈ 10 %/√GeV.

The simulator deposits energy as discrete *spots* (GFLASH's energy spots),
``spots_per_gev`` per GeV of incident energy, each carrying an equal share of
the true energy.  The visible energy of a spot fluctuates as a gamma variate of
mean 1 and shape k = 1 / (spots_per_gev · a²), so that the sum over N = E ·
spots_per_gev spots has relative variance a² / E: the sampling term.

Electronic noise is Gaussian, independent per cell, with a width per layer;
the readout keeps a cell only if its energy exceeds ``threshold_sigma`` times
the noise (zero suppression, as in the ATLAS/CMS cluster algorithms), so the
stored voxel energies are non-negative; energies are digitised in steps of
``lsb_mev``.  A *constant term* c (response
non-uniformity: mechanics, gain and temperature variations, averaged over
impact points) multiplies each shower's energies by 1 + c·N(0, 1).  A few
*dead cells* read zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hepml_course.sim.calorimeter.geometry import DEFAULT_GEOMETRY, CaloGeometry


@dataclass(frozen=True)
class ReadoutResponse:
    """Response parameters of the readout (one value per layer where a tuple).

    Parameters
    ----------
    sampling_fraction
        Visible / deposited energy per layer (ATLAS accordion ≈ 0.17–0.25;
        a scintillator-tile hadronic section ≈ 0.03).
    sampling_term
        a of σ/E = a/√E from sampling fluctuations in the layers with the
        largest sampling fraction, √GeV (0.10 = 10 %/√E).  A layer with a
        smaller sampling fraction f fluctuates more: a ∝ 1/√f (Wigmans).
    constant_term
        c of σ/E, fraction (0.007 = 0.7 %, the ATLAS LAr design value).
    noise_mev
        Electronic noise per cell at the EM scale, MeV, per layer.
    threshold_sigma
        Zero-suppression threshold in units of each cell's noise.
    lsb_mev
        Digitisation step (ADC least significant bit) of the cell energies at
        the EM scale, MeV; well below the noise.
    spots_per_gev
        Energy spots per GeV of incident energy (the cost per shower grows
        linearly with energy, as in a full simulation).
    dead_voxels
        Flat indices of dead cells (read zero).
    """

    sampling_fraction: tuple[float, ...] = (0.20, 0.20, 0.20, 0.20, 0.04)
    sampling_term: float = 0.10
    constant_term: float = 0.007
    noise_mev: tuple[float, ...] = (20.0, 5.0, 10.0, 10.0, 30.0)
    threshold_sigma: float = 2.0
    lsb_mev: float = 1.0
    spots_per_gev: float = 50.0
    dead_voxels: tuple[int, ...] = (23, 97, 214, 251, 306)

    def check(self, geometry: CaloGeometry) -> None:
        """Raise ValueError if the parameters do not fit ``geometry``."""
        n = geometry.n_layers
        if len(self.sampling_fraction) != n or len(self.noise_mev) != n:
            raise ValueError(
                f"sampling_fraction and noise_mev need one value per layer ({n}); got "
                f"{len(self.sampling_fraction)} and {len(self.noise_mev)}"
            )
        if not all(0 < f <= 1 for f in self.sampling_fraction):
            raise ValueError(f"sampling fractions must be in (0, 1], got {self.sampling_fraction}")
        if any(v < 0 or v >= geometry.n_voxels for v in self.dead_voxels):
            raise ValueError(
                f"dead_voxels must be in [0, {geometry.n_voxels}), got {self.dead_voxels}"
            )
        if self.spots_per_gev <= 0 or self.sampling_term <= 0:
            raise ValueError("spots_per_gev and sampling_term must be positive")

    def spot_gamma_shape(self) -> np.ndarray:
        """Shape k of the per-spot visible-energy fluctuation in each layer.

        k = f / (f_max · spots_per_gev · a²): N spots of shape k sum to a relative
        variance a² f_max / (f E).
        """
        f = np.asarray(self.sampling_fraction)
        return f / (f.max() * self.spots_per_gev * self.sampling_term**2)

    def noise_per_voxel_gev(self, geometry: CaloGeometry = DEFAULT_GEOMETRY) -> np.ndarray:
        """Noise σ of every voxel, GeV, shape (n_voxels,)."""
        return np.asarray(self.noise_mev)[geometry.layer_of_voxel()] / 1000.0
