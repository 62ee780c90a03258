"""The classical baseline: a linear calibration with one weight per layer.

E_pred = Σ_l w_l E_l + b, fitted by weighted least squares with weights 1/E_true
(a stochastic-term-dominated variance σ² ∝ E), the way sampling calorimeters
are calibrated with test beams {Wigmans, "Calorimetry"; ATLAS presampler
weights, Eur. Phys. J. C 74 (2014) 3071}.  A layer weight above 1 compensates
energy lost nearby — the presampler's weight corrects the losses in the
material in front of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.regression._base import _Calibration
from hepml_course.sim.calorimeter import CaloGeometry


class LinearCalibration(_Calibration):
    """Per-layer weights plus an offset, fitted by weighted least squares.

    Parameters
    ----------
    geometry
        Calorimeter geometry of the voxels (``None``: the course's default).

    Attributes
    ----------
    weights_ : numpy.ndarray, shape (n_layers,)
        One dimensionless weight per layer.
    offset_gev_ : float
        Constant term b, GeV.
    """

    _fitted_attributes = ("weights_", "offset_gev_")

    def __init__(self, *, geometry: CaloGeometry | dict[str, Any] | None = None) -> None:
        self.geometry = geometry

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> LinearCalibration:
        """Fit the weights.

        Parameters
        ----------
        X
            Voxel energies (n_showers, n_voxels), GeV.
        y
            True energies (n_showers,), GeV, positive.
        sample_weight
            Optional (n_showers,) weights, multiplying the 1/E_true of each row.
        seed
            Unused (the fit is deterministic); recorded with the model.
        """
        voxels, e, w = self._check_fit_inputs(X, y, sample_weight)
        sums = self._geometry.layer_sums(voxels)
        design = np.concatenate([sums, np.ones((len(e), 1))], axis=1)
        row = np.sqrt(w / e)  # rows scaled by 1/σ with σ² ∝ E
        coef, *_ = np.linalg.lstsq(design * row[:, None], e * row, rcond=None)
        self.weights_, self.offset_gev_ = coef[:-1], float(coef[-1])
        self.seed_ = seed
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Calibrated energies (n_showers,), GeV, of voxel energies ``X`` (n_showers, n_voxels)."""
        self._check_is_fitted()
        sums = self._geometry.layer_sums(self._check_voxels(X))
        return sums @ self.weights_ + self.offset_gev_

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        return {"weights": self.weights_.tolist(), "offset_gev": self.offset_gev_}

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.weights_ = np.asarray(state["weights"], dtype=np.float64)
        self.offset_gev_ = float(state["offset_gev"])
