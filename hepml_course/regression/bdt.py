"""Gradient-boosted calibration (scikit-learn).

Predicts the correction E_true / E_raw from :func:`~.features.shower_features`
with :class:`sklearn.ensemble.HistGradientBoostingRegressor`, as the CMS ECAL
energy regression does with boosted trees {CMS, JINST 10 (2015) P08010}.
"""

from __future__ import annotations

import numpy as np

from hepml_course.regression.features import raw_energy, shower_features
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


def _hgbr(seed: int, max_iter: int, learning_rate: float):
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        max_iter=max_iter,
        learning_rate=learning_rate,
        max_leaf_nodes=31,
        min_samples_leaf=40,
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=15,
        random_state=seed,
    )


class GradientBoostedCalibration:
    """Boosted-tree regression of the correction E_true / E_raw (squared-error loss).

    Parameters
    ----------
    max_iter, learning_rate
        Boosting iterations (upper bound; early stopping on 15 % of the data)
        and shrinkage.
    seed
        Random seed of the validation split.
    """

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        seed: int = 0,
        geometry: CaloGeometry = DEFAULT_GEOMETRY,
    ) -> None:
        self.geometry = geometry
        self.model = _hgbr(seed, max_iter, learning_rate)

    def fit(self, voxels: np.ndarray, e_true_gev: np.ndarray) -> GradientBoostedCalibration:
        """Fit on voxel energies (n, n_voxels) and true energies (n,), GeV."""
        x, self.feature_names_ = shower_features(voxels, self.geometry)
        self.model.fit(x, np.asarray(e_true_gev) / raw_energy(voxels, self.geometry))
        return self

    def predict(self, voxels: np.ndarray) -> np.ndarray:
        """Calibrated energies, GeV."""
        x, _ = shower_features(voxels, self.geometry)
        return raw_energy(voxels, self.geometry) * self.model.predict(x)
