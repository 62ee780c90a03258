"""Keras DNNs that predict the energy with its per-shower uncertainty.

:class:`GaussianNLLCalibration` outputs, for each shower, the mean μ and width σ
of a Gaussian for the correction and is trained by minimising the Gaussian
negative log-likelihood

    −ln L = Σ_i [ (z_i − μ_i)² / (2 σ_i²) + ln σ_i ]   (+ const),

so σ_i learns how well *this* shower can be measured (heteroscedastic
regression; Nix & Weigend 1994; Kendall & Gal, NeurIPS 2017).  If σ is
calibrated, the pulls (E_pred − E_true) / σ_E have unit width.

:class:`QuantileCalibration` outputs the 25 %, 50 % and 75 % quantiles with
the pinball loss (quantile regression, as in the CMS ECAL energy regression
studies); the interquartile range gives a per-shower σ ≈ IQR / 1.349.

The target is a *standardised correction*: with E_raw the raw voxel sum and
t = E_true / E_raw, the network learns z = (t − 1) / σ_ref(E_raw), where
σ_ref(E) = √(a_ref²/E + c_ref²) is the rough resolution of the raw sum.  Without
it the likelihood would weight the precise high-energy showers ~100× more than
the 1 GeV ones, and the low-energy calibration would be neglected.

Both networks are :func:`hepml_course.nn.mlp` trained by :func:`hepml_course.nn.train`
(Adam, early stopping on a seeded validation split, best weights restored);
TensorFlow is imported when a network is first built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np

from hepml_course.nn import (
    Standardiser,
    import_keras,
    mlp,
    predict,
    seed_everything,
    train,
)
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.regression._base import _Calibration
from hepml_course.regression.features import raw_energy, shower_features, voxel_inputs
from hepml_course.sim.calorimeter import CaloGeometry

#: Smallest predicted σ in units of the standardised target (numerical safety).
MIN_SIGMA = 1e-3
#: Reference resolution of the raw sum used to standardise the target: a (√GeV), c.
A_REF, C_REF = 0.15, 0.01
#: Interquartile range of a unit Gaussian.
IQR_PER_SIGMA = 1.3489795
#: Scale of the log of the layer energies in the network inputs, GeV.
LAYER_LOG_SCALE_GEV = 0.01


def reference_resolution(raw_gev: np.ndarray) -> np.ndarray:
    """σ_ref(E_raw) = √(a_ref²/E + c_ref²), relative; ``raw_gev`` in GeV."""
    return np.sqrt(A_REF**2 / raw_gev + C_REF**2)


def gaussian_nll(y_true: Any, y_pred: Any) -> Any:
    """Gaussian NLL per example (a Keras loss, ``keras.ops``).

    ``y_true``: (batch,) or (batch, 1) targets; ``y_pred[:, 0]`` = μ and
    ``y_pred[:, 1]`` = σ before the softplus.  Returns shape (batch,).
    """
    ops = import_keras().ops
    mu = y_pred[:, 0]
    sigma = ops.softplus(y_pred[:, 1]) + MIN_SIGMA
    y = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))
    return 0.5 * ops.square((y - mu) / sigma) + ops.log(sigma)


def pinball_loss(quantiles: Sequence[float]) -> Any:
    """Pinball (quantile) loss summed over ``quantiles``; one output column per quantile."""
    levels = [float(q) for q in quantiles]

    def loss(y_true: Any, y_pred: Any) -> Any:
        ops = import_keras().ops
        q = ops.convert_to_tensor(levels, dtype=y_pred.dtype)
        err = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1)) - y_pred
        return ops.sum(ops.maximum(q * err, (q - 1.0) * err), axis=-1)

    return loss


class _NetworkCalibration(_Calibration):
    """Shared inputs, training and persistence of the two networks."""

    _fitted_attributes = ("model_", "scaler_")

    def __init__(
        self,
        *,
        inputs: str = "features",
        hidden: Sequence[int] = (64, 64),
        epochs: int = 60,
        batch_size: int = 512,
        learning_rate: float = 2e-3,
        patience: int = 8,
        validation_fraction: float = 0.2,
        geometry: CaloGeometry | dict[str, Any] | None = None,
    ) -> None:
        self.inputs = inputs
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.geometry = geometry

    # --- hooks of the subclasses ------------------------------------------
    def _n_outputs(self) -> int:
        raise NotImplementedError

    def _loss(self) -> Any:
        raise NotImplementedError

    def _check_params(self) -> None:
        if self.inputs not in ("features", "voxels"):
            raise ValueError(f"inputs must be 'features' or 'voxels', got {self.inputs!r}")

    # --- shared -----------------------------------------------------------
    def _voxels_of(self, x: np.ndarray) -> np.ndarray:
        """The voxel columns (n, n_voxels) of checked inputs (subclasses may add columns)."""
        return x

    def _raw_inputs(self, x: np.ndarray) -> np.ndarray:
        """Unstandardised network inputs from checked inputs ``x`` (see :meth:`_voxels_of`)."""
        geometry = self._geometry
        voxels = self._voxels_of(x)
        x, _ = shower_features(voxels, geometry)
        n = geometry.n_layers
        # layer sums → log
        x[:, 1 : 1 + n] = np.log1p(np.maximum(x[:, 1 : 1 + n], 0.0) / LAYER_LOG_SCALE_GEV)
        if self.inputs == "voxels":
            x = np.concatenate([x, voxel_inputs(voxels, geometry)[:, 1 + n :]], axis=1)
        return x

    def _network(self, n_inputs: int) -> Any:
        return mlp(n_inputs, self.hidden, self._n_outputs(), name=type(self).__name__)

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> Self:
        """Train on voxel energies and true energies.

        Parameters
        ----------
        X
            Voxel energies (n_showers, n_voxels), GeV.
        y
            True energies (n_showers,), GeV, positive.
        sample_weight
            Optional (n_showers,) weights of the loss (and of the standardisation).
        seed
            Seeds the initial weights, the validation split and the batch order.

        Returns
        -------
        self
        """
        self._check_params()
        checked, e, w = self._check_fit_inputs(X, y, sample_weight)
        x = self._raw_inputs(checked)
        raw = raw_energy(self._voxels_of(checked), self._geometry)
        z = ((e / raw - 1.0) / reference_resolution(raw)).astype(np.float32)
        scaler = Standardiser().fit(x, sample_weight=w)
        seed_everything(seed)
        model = self._network(x.shape[1])
        result = train(
            model,
            scaler.transform(x),
            z,
            loss=self._loss(),
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=None if sample_weight is None else w,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
            reduce_lr_patience=None,
        )
        self.model_, self.scaler_ = model, scaler
        self.history_, self.train_s_, self.seed_ = result.history, result.train_s, seed
        return self

    def _outputs(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Network outputs (n, n_outputs), raw energy (n,) GeV and σ_ref (n,)."""
        self._check_is_fitted()
        checked = self._check_voxels(X)
        out = predict(self.model_, self.scaler_.transform(self._raw_inputs(checked)))
        raw = raw_energy(self._voxels_of(checked), self._geometry)
        return out, raw, reference_resolution(raw)

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("network", self.model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "history": self.history_,
            "train_s": self.train_s_,
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.scaler_ = Standardiser.from_dict(state["scaler"])
        self.history_ = state["history"]
        self.train_s_ = state["train_s"]
        self.model_ = reader.keras_weights("network", self._network(len(self.scaler_.mean_)))


class GaussianNLLCalibration(_NetworkCalibration):
    """Keras DNN with a Gaussian likelihood: calibrated energy and per-shower σ.

    Parameters
    ----------
    inputs
        ``"features"`` (the high-level :func:`~.features.shower_features`, layer
        sums in log) or ``"voxels"`` (those plus every voxel / E_raw).
    hidden
        Hidden-layer widths.
    epochs, batch_size, learning_rate, patience
        Adam training with early stopping (best weights restored).
    validation_fraction
        Fraction of the showers held out (seeded) for early stopping.
    geometry
        Calorimeter geometry of the voxels (``None``: the course's default).

    Attributes
    ----------
    model_ : keras.Model
        The network: standardised inputs → (μ, σ before softplus) of the
        standardised correction.
    scaler_ : hepml_course.nn.Standardiser
        Standardisation of the inputs.
    history_ : dict
        Per-epoch ``loss`` and ``val_loss``.
    train_s_ : float
        Training wall time, s.
    """

    def _n_outputs(self) -> int:
        return 2

    def _loss(self) -> Any:
        return gaussian_nll

    def predict(self, X: Any, *, return_std: bool = False) -> Any:
        """Calibrated energies, and with ``return_std`` their per-shower σ.

        Parameters
        ----------
        X
            Voxel energies (n_showers, n_voxels), GeV.
        return_std
            Also return the predicted resolution σ of each shower.

        Returns
        -------
        numpy.ndarray or tuple
            Energies (n_showers,), GeV; with ``return_std`` the tuple
            ``(energies, sigma)``, both (n_showers,) in GeV.
        """
        out, raw, s_ref = self._outputs(X)
        energy = raw * (1.0 + s_ref * out[:, 0])
        if not return_std:
            return energy
        sigma = np.logaddexp(0.0, out[:, 1]) + MIN_SIGMA  # softplus
        return energy, raw * s_ref * sigma


class QuantileCalibration(_NetworkCalibration):
    """Keras DNN for several quantiles of the energy (pinball loss).

    Parameters
    ----------
    quantiles
        Quantile levels in (0, 1) to predict (default 25 %, 50 %, 75 %); the
        point estimate is the level closest to 0.5, the σ of ``return_std``
        needs 0.25 and 0.75.
    inputs, hidden, epochs, batch_size, learning_rate, patience, validation_fraction, geometry
        As for :class:`GaussianNLLCalibration`.

    Attributes
    ----------
    model_, scaler_, history_, train_s_
        As for :class:`GaussianNLLCalibration`; ``model_`` has one output per quantile.
    """

    def __init__(
        self,
        *,
        quantiles: Sequence[float] = (0.25, 0.5, 0.75),
        inputs: str = "features",
        hidden: Sequence[int] = (64, 64),
        epochs: int = 60,
        batch_size: int = 512,
        learning_rate: float = 2e-3,
        patience: int = 8,
        validation_fraction: float = 0.2,
        geometry: CaloGeometry | dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            inputs=inputs,
            hidden=hidden,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            patience=patience,
            validation_fraction=validation_fraction,
            geometry=geometry,
        )
        self.quantiles = tuple(quantiles)

    def _levels(self) -> tuple[float, ...]:
        levels = tuple(sorted(float(q) for q in self.quantiles))
        if not levels or not all(0 < q < 1 for q in levels) or len(set(levels)) < len(levels):
            raise ValueError(f"quantiles must be distinct levels in (0, 1), got {self.quantiles}")
        return levels

    def _check_params(self) -> None:
        super()._check_params()
        self._levels()

    def _n_outputs(self) -> int:
        return len(self._levels())

    def _loss(self) -> Any:
        return pinball_loss(self._levels())

    def predict(self, X: Any, *, return_std: bool = False, return_quantiles: bool = False) -> Any:
        """Calibrated energies (the quantile closest to 0.5), optionally σ and every quantile.

        Parameters
        ----------
        X
            Voxel energies (n_showers, n_voxels), GeV.
        return_std
            Also return σ = (q75 − q25) / 1.349 per shower, GeV (needs those levels).
        return_quantiles
            Also return ``{level: energies}`` for every quantile level, GeV;
            sorted per shower, so they never cross.

        Returns
        -------
        numpy.ndarray or tuple
            Energies (n_showers,), GeV; with options the tuple
            ``(energies[, sigma][, quantiles])`` in that order.
        """
        self._check_is_fitted()
        levels = self._levels()
        if return_std and not {0.25, 0.75} <= set(levels):
            raise ValueError(f"return_std needs the 0.25 and 0.75 quantiles, got {levels}")
        out, raw, s_ref = self._outputs(X)
        out = np.sort(out, axis=1)
        q = {level: raw * (1.0 + s_ref * out[:, i]) for i, level in enumerate(levels)}
        energy = q[min(levels, key=lambda level: abs(level - 0.5))]
        extra: list[Any] = []
        if return_std:
            extra.append((q[0.75] - q[0.25]) / IQR_PER_SIGMA)
        if return_quantiles:
            extra.append(q)
        return (energy, *extra) if extra else energy
