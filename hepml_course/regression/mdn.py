"""A mixture density network for the energy: a full per-shower probability density.

:class:`MixtureDensityCalibration` predicts, for each shower, a mixture of K
Gaussians for the standardised correction z = (E_true / E_raw − 1) / σ_ref(E_raw)
(the target of :mod:`.dnn`; E_raw = the raw voxel sum, σ_ref its rough
resolution), trained by minimising the negative log-likelihood

    −ln L = −Σ_i ln Σ_k π_ik N(z_i; μ_ik, σ_ik)

{Bishop, "Mixture density networks", NCRG/94/004 (1994)}.  Because E = E_raw
(1 + σ_ref z) is linear in z, the density of the energy is the same mixture with
means E_raw (1 + σ_ref μ_k) and widths E_raw σ_ref σ_k.  One component (K = 1)
is the heteroscedastic Gaussian model of :class:`.dnn.GaussianNLLCalibration`;
several components describe the skewed low-energy response (a tail of showers
that lost much energy in the material in front).

Central intervals come from the mixture's cumulative distribution (inverted by
bisection with NumPy/SciPy), so a 68 % interval need not be symmetric.  A floor
on every σ_k (``sigma_floor``, in units of the standardised target) prevents a
component from collapsing onto single training showers (an infinite likelihood).

Inputs: the voxel energies followed by ``len(extra_inputs)`` extra per-shower
columns (by default the incidence angle θ in rad, which a detector knows from
the cluster position): ``X = numpy.column_stack([voxels, theta_rad])``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np

from hepml_course.nn import (
    check_array,
    check_lengths,
    import_keras,
)
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.regression.dnn import _NetworkCalibration
from hepml_course.sim.calorimeter import CaloGeometry

#: Bisection steps of the mixture-CDF inversion (interval shrinks by 2^-60).
_BISECTION_STEPS = 60


def mixture_nll(n_components: int, sigma_floor: float) -> Any:
    """Negative log-likelihood of a K-Gaussian mixture (a Keras loss, ``keras.ops``).

    Parameters
    ----------
    n_components
        K; ``y_pred`` has 3 K columns: mixture logits, means, widths before
        the softplus.
    sigma_floor
        Smallest width of a component (same units as the target).

    Returns
    -------
    callable
        ``loss(y_true, y_pred)`` → shape (batch,).
    """
    k = int(n_components)
    floor = float(sigma_floor)

    def loss(y_true: Any, y_pred: Any) -> Any:
        ops = import_keras().ops
        log_pi = ops.log_softmax(y_pred[:, :k], axis=-1)
        mu = y_pred[:, k : 2 * k]
        sigma = ops.softplus(y_pred[:, 2 * k :]) + floor
        y = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1))
        log_n = -0.5 * ops.square((y - mu) / sigma) - ops.log(sigma) - 0.5 * np.log(2 * np.pi)
        return -ops.logsumexp(log_pi + log_n, axis=-1)

    return loss


def mixture_cdf(x: np.ndarray, weights: np.ndarray, means: np.ndarray, sigmas: np.ndarray) -> Any:
    """CDF of per-row Gaussian mixtures at ``x``.

    Parameters
    ----------
    x
        Points, shape (n,).
    weights, means, sigmas
        Mixture parameters, shape (n, K); weights sum to 1 per row, sigmas > 0.

    Returns
    -------
    numpy.ndarray
        P(X ≤ x) per row, shape (n,).
    """
    from scipy.special import ndtr

    return np.sum(weights * ndtr((np.asarray(x)[:, None] - means) / sigmas), axis=1)


def mixture_quantile(
    q: float, weights: np.ndarray, means: np.ndarray, sigmas: np.ndarray
) -> np.ndarray:
    """Quantile ``q`` of per-row Gaussian mixtures, by bisection of :func:`mixture_cdf`.

    Parameters
    ----------
    q
        Level in (0, 1).
    weights, means, sigmas
        Mixture parameters, shape (n, K).

    Returns
    -------
    numpy.ndarray
        x with P(X ≤ x) = q per row, shape (n,).
    """
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile level must be in (0, 1), got {q}")
    from scipy.special import ndtri

    reach = abs(float(ndtri(min(q, 1 - q)))) + 1.0
    lo = np.min(means - reach * sigmas, axis=1)
    hi = np.max(means + reach * sigmas, axis=1)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        below = mixture_cdf(mid, weights, means, sigmas) < q
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


class MixtureDensityCalibration(_NetworkCalibration):
    """Keras mixture density network: the per-shower density of the energy.

    Parameters
    ----------
    n_components
        Number K of Gaussians in the mixture (1 = a Gaussian-likelihood DNN).
    extra_inputs
        Names of the per-shower columns that follow the voxels in ``X`` (e.g.
        ``("theta_rad",)``, the incidence angle in rad); ``()``: voxels only.
    inputs
        ``"features"`` (high-level :func:`~.features.shower_features`, layer
        sums in log) or ``"voxels"`` (those plus every voxel / E_raw).
    hidden
        Hidden-layer widths.
    sigma_floor
        Smallest width of a component, in units of the standardised target
        (1 unit = σ_ref(E_raw) · E_raw, ≈ 15 % of E at 1 GeV): guards against
        collapse.
    epochs, batch_size, learning_rate, patience
        Adam training with early stopping (best weights restored).
    validation_fraction
        Fraction of the showers held out (seeded) for early stopping.
    geometry
        Calorimeter geometry of the voxels (``None``: the course's default).

    Attributes
    ----------
    model_ : keras.Model
        Standardised inputs → 3 K outputs (mixture logits, means, widths before
        softplus) of the standardised correction.
    scaler_ : hepml_course.nn.Standardiser
        Standardisation of the inputs.
    history_ : dict
        Per-epoch ``loss`` and ``val_loss``.
    train_s_ : float
        Training wall time, s.
    width_scale_ : float
        Factor on every component width: 1 after :meth:`fit`, set by
        :meth:`recalibrate` on held-out showers.

    Examples
    --------
    >>> X = np.column_stack([voxels, theta_rad])                     # doctest: +SKIP
    >>> mdn = MixtureDensityCalibration().fit(X, e_true_gev, seed=0)  # doctest: +SKIP
    >>> lo, hi = mdn.predict_interval(X_test, 0.68)                   # doctest: +SKIP
    """

    _fitted_attributes = ("model_", "scaler_", "width_scale_")

    def __init__(
        self,
        *,
        n_components: int = 3,
        extra_inputs: Sequence[str] = ("theta_rad",),
        inputs: str = "features",
        hidden: Sequence[int] = (64, 64),
        sigma_floor: float = 0.02,
        epochs: int = 100,
        batch_size: int = 256,
        learning_rate: float = 2e-3,
        patience: int = 10,
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
        self.n_components = n_components
        self.extra_inputs = tuple(extra_inputs)
        self.sigma_floor = sigma_floor

    # --- hooks of the shared network calibration ----------------------------
    def _n_outputs(self) -> int:
        return 3 * self.n_components

    def _loss(self) -> Any:
        return mixture_nll(self.n_components, self.sigma_floor)

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.n_components, int | np.integer) or self.n_components < 1:
            raise ValueError(f"n_components must be an integer >= 1, got {self.n_components!r}")
        if not self.sigma_floor > 0:
            raise ValueError(f"sigma_floor must be positive, got {self.sigma_floor!r}")
        if not all(isinstance(name, str) for name in self.extra_inputs):
            raise ValueError(f"extra_inputs must be column names, got {self.extra_inputs!r}")

    def _check_voxels(self, X: Any) -> np.ndarray:
        """``X`` checked: (n, n_voxels + len(extra_inputs)), float64."""
        n_vox, n_extra = self._geometry.n_voxels, len(self.extra_inputs)
        if isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] != n_vox + n_extra:
            extra = f" followed by {n_extra} column(s) {list(self.extra_inputs)}" if n_extra else ""
            raise ValueError(
                f"X must have {n_vox + n_extra} features (columns): the {n_vox} voxel energies "
                f"(GeV){extra}; got {X.shape[1]}; build it with numpy.column_stack([voxels, ...])"
            )
        return check_array(
            X, name="X (voxels + extra inputs)", n_features=n_vox + n_extra, dtype=np.float64
        )

    def _voxels_of(self, x: np.ndarray) -> np.ndarray:
        return x[:, : self._geometry.n_voxels]

    def _raw_inputs(self, x: np.ndarray) -> np.ndarray:
        """The regression DNN's inputs followed by the extra columns (e.g. θ)."""
        extra = x[:, self._geometry.n_voxels :]
        return np.concatenate([super()._raw_inputs(x), extra], axis=1)

    # --- training -----------------------------------------------------------
    def fit(self, X: Any, y: Any, *, sample_weight: Any = None, seed: int = 0) -> Self:
        """Train on voxel energies (+ extra columns) and true energies.

        Parameters
        ----------
        X
            Shape (n_showers, n_voxels + len(extra_inputs)): voxel energies in
            GeV, then the extra columns (e.g. θ in rad).
        y
            True energies (n_showers,), GeV, positive.
        sample_weight
            Optional (n_showers,) weights of the loss and of the standardisation.
        seed
            Seeds the initial weights, the validation split and the batch order.

        Returns
        -------
        self
            With :attr:`width_scale_` = 1 (see :meth:`recalibrate`).
        """
        super().fit(X, y, sample_weight=sample_weight, seed=seed)
        self.width_scale_ = 1.0
        return self

    def recalibrate(self, X: Any, y: Any, *, level: float = 0.68) -> Self:
        """Scale every component width so that ``level`` intervals cover ``level`` of ``y``.

        One factor, found by bisection on held-out showers (a validation split,
        never the test split): the simplest post-hoc recalibration of predicted
        uncertainties ("σ scaling").  It corrects a network that is overconfident
        because it fits its training showers too well.

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)) of held-out showers.
        y
            Their true energies (n_showers,), GeV.
        level
            Probability content of the central interval to match, in (0, 1).

        Returns
        -------
        self
            With :attr:`width_scale_` set (in [1/4, 4]).
        """
        if not 0.0 < float(level) < 1.0:
            raise ValueError(f"level must be in (0, 1), e.g. 0.68; got {level}")
        check_lengths(X=X, y=y)
        e = check_array(y, name="y (true energies, GeV)", ndim=1, dtype=np.float64)
        w, m, s = self.predict_mixture(X)
        s = s / self.width_scale_
        lo_q, hi_q = (1 - level) / 2, (1 + level) / 2

        def coverage(scale: float) -> float:
            lo = mixture_quantile(lo_q, w, m, s * scale)
            hi = mixture_quantile(hi_q, w, m, s * scale)
            return float(np.mean((e >= lo) & (e <= hi)))

        a, b = np.log(0.25), np.log(4.0)
        for _ in range(25):
            mid = 0.5 * (a + b)
            a, b = (mid, b) if coverage(float(np.exp(mid))) < level else (a, mid)
        self.width_scale_ = float(np.exp(0.5 * (a + b)))
        return self

    def log_likelihood(self, X: Any, y: Any) -> np.ndarray:
        """ln p(E_true | shower) of each shower under its predicted mixture.

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)), as for :meth:`fit`.
        y
            True energies (n_showers,), GeV.

        Returns
        -------
        numpy.ndarray
            Shape (n_showers,), ln(1/GeV); its mean is the proper score used
            to compare models on a validation split (higher is better).
        """
        check_lengths(X=X, y=y)
        e = check_array(y, name="y (true energies, GeV)", ndim=1, dtype=np.float64)
        w, m, s = self.predict_mixture(X)
        log_n = -0.5 * ((e[:, None] - m) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)
        top = log_n.max(axis=1, keepdims=True)
        return (top + np.log(np.sum(w * np.exp(log_n - top), axis=1, keepdims=True)))[:, 0]

    # --- outputs ------------------------------------------------------------
    def predict_mixture(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The per-shower mixture of the energy.

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)), as for :meth:`fit`.

        Returns
        -------
        weights, means_gev, sigmas_gev
            Each of shape (n_showers, n_components): component weights (sum 1
            per shower), means and widths in GeV.
        """
        out, raw, sigma_ref = self._outputs(X)
        k = self.n_components
        logits = out[:, :k] - out[:, :k].max(axis=1, keepdims=True)
        weights = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        raw = raw[:, None]
        scale = raw * sigma_ref[:, None]
        sigma = (np.logaddexp(0.0, out[:, 2 * k :]) + self.sigma_floor) * self.width_scale_
        return weights, raw + scale * out[:, k : 2 * k], scale * sigma

    def predict(self, X: Any, *, return_std: bool = False) -> Any:
        """Mean energy of each shower's mixture, and with ``return_std`` its standard deviation.

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)), as for :meth:`fit`.
        return_std
            Also return the mixture's standard deviation per shower.

        Returns
        -------
        numpy.ndarray or tuple
            Energies (n_showers,), GeV; with ``return_std`` ``(energies, sigma)``,
            both in GeV.
        """
        w, m, s = self.predict_mixture(X)
        mean = np.sum(w * m, axis=1)
        if not return_std:
            return mean
        var = np.sum(w * (s**2 + m**2), axis=1) - mean**2
        return mean, np.sqrt(np.maximum(var, 0.0))

    def predict_quantiles(self, X: Any, levels: Sequence[float]) -> np.ndarray:
        """Quantiles of each shower's energy density (from the mixture CDF).

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)), as for :meth:`fit`.
        levels
            Quantile levels in (0, 1).

        Returns
        -------
        numpy.ndarray
            Shape (n_showers, len(levels)), GeV.
        """
        levels = [float(q) for q in np.atleast_1d(levels)]
        bad = [q for q in levels if not 0.0 < q < 1.0]
        if not levels or bad:
            raise ValueError(f"quantile levels must be in (0, 1), got {levels}")
        w, m, s = self.predict_mixture(X)
        return np.stack([mixture_quantile(q, w, m, s) for q in levels], axis=1)

    def predict_interval(self, X: Any, level: float = 0.68) -> tuple[np.ndarray, np.ndarray]:
        """Central interval of probability ``level`` of each shower's energy.

        Parameters
        ----------
        X
            (n_showers, n_voxels + len(extra_inputs)), as for :meth:`fit`.
        level
            Probability content in (0, 1), e.g. 0.68 or 0.95.

        Returns
        -------
        lower_gev, upper_gev
            Quantiles (1 − level)/2 and (1 + level)/2, each (n_showers,), GeV.
        """
        if not 0.0 < float(level) < 1.0:
            raise ValueError(f"level must be in (0, 1), e.g. 0.68; got {level}")
        q = self.predict_quantiles(X, [(1 - level) / 2, (1 + level) / 2])
        return q[:, 0], q[:, 1]

    # --- persistence --------------------------------------------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        return {**super()._save_state(writer), "width_scale": self.width_scale_}

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        super()._load_state(reader, state)
        self.width_scale_ = float(state["width_scale"])
