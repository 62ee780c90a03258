"""Gradient-boosted calibration (scikit-learn).

Predicts the correction E_true / E_raw from :func:`~.features.shower_features`
with :class:`sklearn.ensemble.HistGradientBoostingRegressor`, as the CMS ECAL
energy regression does with boosted trees {CMS, JINST 10 (2015) P08010}.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.regression._base import _Calibration
from hepml_course.regression.features import raw_energy, shower_features
from hepml_course.sim.calorimeter import CaloGeometry


class GradientBoostedCalibration(_Calibration):
    """Boosted-tree regression of the correction E_true / E_raw (squared-error loss).

    Parameters
    ----------
    max_iter, learning_rate
        Boosting iterations (upper bound, see early stopping) and shrinkage.
    max_leaf_nodes, min_samples_leaf
        Size of each tree.
    validation_fraction, n_iter_no_change
        Early stopping: fraction of the showers held out, and iterations
        without improvement before stopping.
    geometry
        Calorimeter geometry of the voxels (``None``: the course's default).

    Attributes
    ----------
    model_ : sklearn.ensemble.HistGradientBoostingRegressor
        The fitted trees (input: :func:`~.features.shower_features`).
    feature_names_ : list of str
        Names of the input features.

    Notes
    -----
    :meth:`save` pickles ``model_`` to ``model.pkl``; :meth:`load` unpickles it
    only after the sha256 of the record and of every file were verified.  The
    checksums detect damaged or edited files, not a forged model folder: load
    only saved models from a source you trust, as for any pickle.
    """

    _fitted_attributes = ("model_", "feature_names_")

    def __init__(
        self,
        *,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        validation_fraction: float = 0.15,
        n_iter_no_change: int = 15,
        geometry: CaloGeometry | dict[str, Any] | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.geometry = geometry

    def fit(
        self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0
    ) -> GradientBoostedCalibration:
        """Fit the trees.

        Parameters
        ----------
        X
            Voxel energies (n_showers, n_voxels), GeV.
        y
            True energies (n_showers,), GeV, positive.
        sample_weight
            Optional (n_showers,) weights.
        seed
            Seed of the early-stopping split.
        """
        from sklearn.ensemble import HistGradientBoostingRegressor

        voxels, e, w = self._check_fit_inputs(X, y, sample_weight)
        x, names = shower_features(voxels, self._geometry)
        model = HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            early_stopping=True,
            validation_fraction=self.validation_fraction,
            n_iter_no_change=self.n_iter_no_change,
            random_state=seed,
        )
        target = e / raw_energy(voxels, self._geometry)
        model.fit(x, target, sample_weight=None if sample_weight is None else w)
        self.model_, self.feature_names_, self.seed_ = model, names, seed
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Calibrated energies (n_showers,), GeV, of voxel energies ``X`` (n_showers, n_voxels)."""
        self._check_is_fitted()
        voxels = self._check_voxels(X)
        x, _ = shower_features(voxels, self._geometry)
        return raw_energy(voxels, self._geometry) * self.model_.predict(x)

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        with open(writer.path("model.pkl"), "wb") as handle:
            pickle.dump(self.model_, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return {"feature_names": list(self.feature_names_)}

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        # read_artifact() has verified the sha256 of model.pkl before this runs
        with open(reader.path("model.pkl"), "rb") as handle:
            self.model_ = pickle.load(handle)
        self.feature_names_ = list(state["feature_names"])
