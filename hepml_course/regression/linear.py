"""The classical baseline: a linear calibration with one weight per layer.

E_pred = Σ_l w_l E_l + b, fitted by weighted least squares with weights 1/E_true
(a stochastic-term-dominated variance σ² ∝ E), the way sampling calorimeters
are calibrated with test beams {Wigmans, "Calorimetry"; ATLAS presampler
weights, Eur. Phys. J. C 74 (2014) 3071}.  A layer weight above 1 compensates
energy lost nearby — the presampler's weight corrects the losses in the
material in front of it.
"""

from __future__ import annotations

import numpy as np

from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


class LinearCalibration:
    """Per-layer weights plus an offset.

    Attributes (after :meth:`fit`)
    ------------------------------
    weights_
        One dimensionless weight per layer.
    offset_gev_
        Constant term b, GeV.
    """

    def __init__(self, geometry: CaloGeometry = DEFAULT_GEOMETRY) -> None:
        self.geometry = geometry
        self.weights_: np.ndarray | None = None
        self.offset_gev_: float | None = None

    def fit(self, voxels: np.ndarray, e_true_gev: np.ndarray) -> LinearCalibration:
        """Fit the weights on voxel energies (n, n_voxels) and true energies (n,), GeV."""
        from hepml_course.regression.features import check_voxels

        sums = self.geometry.layer_sums(check_voxels(voxels, self.geometry))
        e = np.asarray(e_true_gev, dtype=np.float64)
        if e.shape != (len(sums),) or np.any(e <= 0):
            raise ValueError(f"e_true_gev must be {len(sums)} positive energies, got {e.shape}")
        design = np.concatenate([sums, np.ones((len(e), 1))], axis=1)
        w = 1.0 / np.sqrt(e)  # rows scaled by 1/σ with σ² ∝ E
        coef, *_ = np.linalg.lstsq(design * w[:, None], e * w, rcond=None)
        self.weights_, self.offset_gev_ = coef[:-1], float(coef[-1])
        return self

    def predict(self, voxels: np.ndarray) -> np.ndarray:
        """Calibrated energies, GeV."""
        from hepml_course.regression.features import check_voxels

        if self.weights_ is None:
            raise RuntimeError("call fit() before predict()")
        sums = self.geometry.layer_sums(check_voxels(voxels, self.geometry))
        return sums @ self.weights_ + self.offset_gev_
