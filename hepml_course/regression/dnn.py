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
"""

from __future__ import annotations

import os

import numpy as np

from hepml_course.regression.features import raw_energy, shower_features, voxel_inputs
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry

#: Smallest predicted σ in units of the standardised target (numerical safety).
MIN_SIGMA = 1e-3
#: Reference resolution of the raw sum used to standardise the target: a (√GeV), c.
A_REF, C_REF = 0.15, 0.01
#: Interquartile range of a unit Gaussian.
IQR_PER_SIGMA = 1.3489795


def reference_resolution(raw_gev: np.ndarray) -> np.ndarray:
    """σ_ref(E_raw) = √(a_ref²/E + c_ref²), relative."""
    return np.sqrt(A_REF**2 / raw_gev + C_REF**2)


def gaussian_nll(y_true, y_pred):
    """Gaussian NLL per example; ``y_pred[:, 0]`` = μ, ``y_pred[:, 1]`` = raw σ (softplus)."""
    import tensorflow as tf

    mu = y_pred[:, 0]
    sigma = tf.math.softplus(y_pred[:, 1]) + MIN_SIGMA
    y = tf.reshape(y_true, [-1])
    return 0.5 * tf.square((y - mu) / sigma) + tf.math.log(sigma)


def pinball_loss(quantiles: tuple[float, ...]):
    """Pinball (quantile) loss summed over ``quantiles``; one output column per quantile."""
    import tensorflow as tf

    q = tf.constant(quantiles, dtype=tf.float32)

    def loss(y_true, y_pred):
        err = tf.reshape(y_true, [-1, 1]) - y_pred
        return tf.reduce_sum(tf.maximum(q * err, (q - 1.0) * err), axis=-1)

    return loss


def build_mlp(n_inputs: int, n_outputs: int, hidden: tuple[int, ...] = (64, 64), name="mlp"):
    """An MLP ``n_inputs`` → hidden (ReLU) → ``n_outputs`` (linear)."""
    import tensorflow as tf

    inputs = tf.keras.Input(shape=(n_inputs,), name="inputs")
    x = inputs
    for i, width in enumerate(hidden):
        x = tf.keras.layers.Dense(width, activation="relu", name=f"dense_{i}")(x)
    outputs = tf.keras.layers.Dense(n_outputs, name="outputs")(x)
    return tf.keras.Model(inputs, outputs, name=name)


class _KerasCalibration:
    """Shared input preparation and training loop."""

    n_outputs = 1

    def __init__(
        self,
        inputs: str = "features",
        hidden: tuple[int, ...] = (64, 64),
        epochs: int = 60,
        batch_size: int = 512,
        learning_rate: float = 2e-3,
        patience: int = 8,
        seed: int = 0,
        geometry: CaloGeometry = DEFAULT_GEOMETRY,
    ) -> None:
        if inputs not in ("features", "voxels"):
            raise ValueError(f"inputs must be 'features' or 'voxels', got {inputs!r}")
        self.inputs = inputs
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.seed = seed
        self.geometry = geometry
        self.model = None
        self.history_: dict[str, list[float]] = {}

    def _raw_inputs(self, voxels: np.ndarray) -> np.ndarray:
        x, _ = shower_features(voxels, self.geometry)
        n = self.geometry.n_layers
        x[:, 1 : 1 + n] = np.log1p(np.maximum(x[:, 1 : 1 + n], 0.0) / 0.01)  # layer sums → log
        if self.inputs == "voxels":
            x = np.concatenate([x, voxel_inputs(voxels, self.geometry)[:, 1 + n :]], axis=1)
        return x

    def _inputs(self, voxels: np.ndarray) -> np.ndarray:
        return ((self._raw_inputs(voxels) - self.x_mean_) / self.x_std_).astype(np.float32)

    def _loss(self):
        raise NotImplementedError

    def fit(self, voxels: np.ndarray, e_true_gev: np.ndarray, verbose: int = 0):
        """Train on voxel energies (n, n_voxels) and true energies (n,), GeV.

        Early stopping on the last 20 % of the sample (best weights restored).
        """
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        tf.keras.utils.set_random_seed(self.seed)
        x = self._raw_inputs(voxels)
        e = np.asarray(e_true_gev, dtype=np.float64)
        if e.shape != (len(x),) or np.any(~np.isfinite(e)) or np.any(e <= 0):
            raise ValueError(f"e_true_gev must be {len(x)} finite positive energies, got {e.shape}")
        self.x_mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.x_std_ = np.where(std > 0, std, 1.0)
        raw = raw_energy(voxels, self.geometry)
        z = ((e / raw - 1.0) / reference_resolution(raw)).astype(np.float32)
        self.model = build_mlp(x.shape[1], self.n_outputs, self.hidden, type(self).__name__)
        self.model.compile(
            optimizer=tf.keras.optimizers.Adam(self.learning_rate), loss=self._loss()
        )
        stop = tf.keras.callbacks.EarlyStopping(
            patience=self.patience, restore_best_weights=True, monitor="val_loss"
        )
        history = self.model.fit(
            self._inputs(voxels),
            z,
            validation_split=0.2,
            epochs=self.epochs,
            batch_size=self.batch_size,
            callbacks=[stop],
            verbose=verbose,
        )
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        return self

    def _outputs(self, voxels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.model is None:
            raise RuntimeError("call fit() before predict()")
        out = self.model.predict(self._inputs(voxels), batch_size=4096, verbose=0)
        raw = raw_energy(voxels, self.geometry)
        return out, raw, reference_resolution(raw)


class GaussianNLLCalibration(_KerasCalibration):
    """Keras DNN with a Gaussian likelihood: calibrated energy and per-shower σ.

    Parameters
    ----------
    inputs
        ``"features"`` (the high-level :func:`~.features.shower_features`, layer
        sums in log) or ``"voxels"`` (those plus every voxel / E_raw).
    hidden
        Hidden-layer widths.
    epochs, batch_size, learning_rate, patience
        Adam training with early stopping on a 20 % validation split.
    seed
        Seed of NumPy, Python and TensorFlow (``tf.keras.utils.set_random_seed``).
    """

    n_outputs = 2

    def _loss(self):
        return gaussian_nll

    def predict(self, voxels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated energy and its per-shower resolution σ, both in GeV."""
        out, raw, s_ref = self._outputs(voxels)
        sigma = np.logaddexp(0.0, out[:, 1]) + MIN_SIGMA  # softplus
        return raw * (1.0 + s_ref * out[:, 0]), raw * s_ref * sigma


class QuantileCalibration(_KerasCalibration):
    """Keras DNN for several quantiles of the energy (pinball loss).

    Parameters
    ----------
    quantiles
        Quantiles to predict (default 25 %, 50 %, 75 %).
    **kwargs
        As for :class:`GaussianNLLCalibration`.
    """

    def __init__(self, quantiles: tuple[float, ...] = (0.25, 0.5, 0.75), **kwargs) -> None:
        if not quantiles or not all(0 < q < 1 for q in quantiles):
            raise ValueError(f"quantiles must be in (0, 1), got {quantiles}")
        super().__init__(**kwargs)
        self.quantiles = tuple(sorted(quantiles))
        self.n_outputs = len(self.quantiles)

    def _loss(self):
        return pinball_loss(self.quantiles)

    def predict(self, voxels: np.ndarray) -> dict[float, np.ndarray]:
        """Energy quantiles, GeV: ``{quantile: energies}``, sorted so they never cross."""
        out, raw, s_ref = self._outputs(voxels)
        out = np.sort(out, axis=1)
        return {q: raw * (1.0 + s_ref * out[:, i]) for i, q in enumerate(self.quantiles)}

    def sigma(self, voxels: np.ndarray) -> np.ndarray:
        """Per-shower resolution from the interquartile range, GeV (needs 0.25 and 0.75)."""
        if not {0.25, 0.75} <= set(self.quantiles):
            raise ValueError("sigma() needs the 0.25 and 0.75 quantiles")
        q = self.predict(voxels)
        return (q[0.75] - q[0.25]) / IQR_PER_SIGMA
