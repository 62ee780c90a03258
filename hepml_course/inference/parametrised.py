"""A parametrised classifier (CARL-style): the likelihood-ratio trick with θ as an input.

A classifier ``s(x, θ)`` is trained to separate events simulated at θ (class 1)
from events of one reference sample at θ_ref (class 0).  Each reference event
is paired with a θ value drawn from the θ values of the class-1 events, so θ
alone says nothing about the class; with equal total class weights, the
cross-entropy is minimised by

    s(x, θ) = p(x|θ) / (p(x|θ) + p(x|θ_ref)),

hence ``logit s(x, θ) = ln p(x|θ) − ln p(x|θ_ref) = ln r(x; θ)``: one network
gives the likelihood ratio of every event at every θ, on several observables at
once, and −Σ_i ln r(x_i; θ) is −ln L(θ) up to a constant (Cranmer, Pavez and
Louppe, arXiv:1506.02169).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import logsumexp

from hepml_course.inference.errors import ExtrapolationWarning
from hepml_course.inference.scan import Interval, check_grid, profile_scan, theta_outside
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.nn.base import Estimator
from hepml_course.nn.mlp import mlp
from hepml_course.nn.standardiser import Standardiser
from hepml_course.nn.training import predict, seed_everything, train
from hepml_course.nn.validation import check_array, check_lengths, check_sample_weight

#: Largest number of (θ, x) rows given to one predict call (memory bound of log_ratio:
#: the standardisation makes float64 temporaries of ≈ 0.5 kB per row with 18 observables,
#: so a block costs ≈ 130 MB and a notebook stays inside Binder's memory).
_MAX_ROWS = 250_000


class ParametrisedClassifier(Estimator):
    """Learned log-likelihood ratio ln r(x; θ) = ln p(x|θ) − ln p(x|θ_ref).

    Parameters
    ----------
    hidden
        Hidden-layer widths of the MLP (input: the d observables and θ).
    epochs, batch_size, learning_rate
        Training schedule (Adam).
    validation_fraction
        Fraction of the rows held out for early stopping.
    patience
        Early stopping: epochs without improvement of the validation loss.
    activation
        Hidden activation; a smooth one (default ``"swish"``) makes ln r̂ a
        smooth function of θ, which the likelihood scan interpolates.
    log_features
        Indices of observables given to the network as ln(max(x, 0) + ``log_offset``):
        positive, heavy-tailed observables (jet resolutions, masses, broadenings)
        spread over decades, which a standardised linear input squeezes near 0.
    log_offset
        The offset of that logarithm (same units as the observables).

    Attributes
    ----------
    model_ : keras.Model
        The network; its output is the logit of s, i.e. ln r̂ (linear output).
    scaler_ : Standardiser
        Standardisation of the d observables and θ (d + 1 columns), fitted on
        all training rows.
    theta_range_ : tuple of float
        (min, max) of the θ values of the training events; outside it the ratio
        is an extrapolation (refused unless asked for).
    n_features_ : int
        Number of observables d.
    history_ : dict
        Per-epoch training and validation losses.
    log_norm_theta_, log_norm_ : numpy.ndarray, shape (K,), or None
        After :meth:`calibrate`: θ nodes and ln Z(θ) = ln E_ref[r̂(x; θ)] there
        (``None`` before).

    Notes
    -----
    A perfectly trained classifier gives a normalised ratio, E_ref[r(x; θ)] = 1
    for every θ.  A finite network trained on finite samples does not: a small
    θ-dependent offset of ln r̂ adds N·ln Z(θ) to the −ln L of N events and
    shifts the estimate and the interval widths.  :meth:`calibrate` measures
    ln Z(θ) on a reference sample and divides it out.
    """

    _fitted_attributes = ("model_", "scaler_", "theta_range_", "n_features_")

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (64, 64, 64),
        epochs: int = 30,
        batch_size: int = 512,
        learning_rate: float = 1e-3,
        validation_fraction: float = 0.2,
        patience: int = 5,
        activation: str = "swish",
        log_features: Sequence[int] = (),
        log_offset: float = 1e-5,
    ) -> None:
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.activation = activation
        self.log_features = tuple(int(i) for i in log_features)
        self.log_offset = float(log_offset)

    def _network(self, n_inputs: int) -> Any:
        return mlp(
            n_inputs,
            self.hidden,
            1,
            activation=self.activation,
            output_activation=None,
            name="parametrised_classifier",
        )

    # --- training -------------------------------------------------------------
    def fit(
        self,
        X: Any,
        theta: Any,
        *,
        reference: Any,
        sample_weight: Any = None,
        reference_weight: Any = None,
        seed: int = 0,
    ) -> ParametrisedClassifier:
        """Train s(x, θ) to separate events at θ from the reference sample.

        Parameters
        ----------
        X
            (n, d) observables of events simulated at the θ values ``theta``.
        theta
            (n,) the generator θ of each row of ``X`` (usually a few grid values).
        reference
            (m, d) the same observables for events simulated at θ_ref.
        sample_weight, reference_weight
            Optional (n,) and (m,) event weights (default: ones).
        seed
            Seeds the θ values given to the reference rows, the initial weights,
            the validation split and the batch order.

        Returns
        -------
        ParametrisedClassifier
            ``self``, fitted.

        Notes
        -----
        The reference rows receive the θ values of a random permutation of
        ``theta``, repeated to length m, so both classes have the same θ
        distribution (up to one event per θ value; event weights that change
        with θ would break this).  Both classes get the same total weight.
        Inputs (observables and θ) are standardised.
        """
        x = check_array(X, name="X")
        th = check_array(theta, name="theta", ndim=1, dtype=np.float64)
        check_lengths(X=x, theta=th, sample_weight=sample_weight)
        ref = check_array(reference, name="reference", n_features=x.shape[1])
        w1 = check_sample_weight(sample_weight, len(x))
        w0 = check_sample_weight(reference_weight, len(ref), name="reference_weight")
        bad = [i for i in self.log_features if not 0 <= i < x.shape[1]]
        if bad:
            raise ValueError(
                f"log_features {bad} are not column indices of X, which has {x.shape[1]} "
                "observables"
            )
        if not self.log_offset > 0:
            raise ValueError(f"log_offset must be positive, got {self.log_offset}")
        x, ref = self._features(x), self._features(ref)
        if len(np.unique(th)) < 2:
            raise ValueError(
                f"theta holds a single value ({th[0]}): a parametrised classifier learns how "
                "the events change with θ, so give events at two or more θ values"
            )
        rng = np.random.default_rng(seed)
        reps = -(-len(ref) // len(th))
        theta_ref = np.concatenate([rng.permutation(th) for _ in range(reps)])[: len(ref)]
        inputs = np.concatenate(
            [np.column_stack([x, th]), np.column_stack([ref, theta_ref])]
        ).astype(np.float32)
        labels = np.concatenate([np.ones(len(x)), np.zeros(len(ref))]).astype(np.float32)
        # equal total weight per class, mean weight 1
        n_all = len(x) + len(ref)
        weights = np.concatenate([w1 / w1.sum(), w0 / w0.sum()]) * (0.5 * n_all)
        self.scaler_ = Standardiser().fit(inputs)
        self.n_features_ = int(x.shape[1])
        self.theta_range_ = (float(th.min()), float(th.max()))
        seed_everything(seed)
        self.model_ = self._network(self.n_features_ + 1)
        keras = _keras()
        result = train(
            self.model_,
            self.scaler_.transform(inputs),
            labels,
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
            seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            sample_weight=weights,
            validation_fraction=self.validation_fraction,
            patience=self.patience,
        )
        self.history_ = result.history
        self.log_norm_theta_ = None
        self.log_norm_ = None
        self.seed_ = seed
        return self

    def calibrate(
        self, reference: Any, *, reference_weight: Any = None, n_points: int = 41
    ) -> ParametrisedClassifier:
        """Normalise the learned ratio on a reference sample: ln r̂ → ln r̂ − ln Z(θ).

        ln Z(θ) = ln Σ_j w_j r̂(x_j; θ) / Σ_j w_j is computed at ``n_points``
        values of θ across ``theta_range_`` and interpolated by a cubic spline;
        afterwards :meth:`log_ratio`, :meth:`nll` and :meth:`measure` use the
        normalised ratio (then p_ref(x)·r̂(x; θ) integrates to one at every θ).

        Parameters
        ----------
        reference
            (m, d) events simulated at θ_ref; best an independent sample, not
            the one used in :meth:`fit`.  Its statistical precision limits that
            of ln Z (≈ √(var r̂ / m)).
        reference_weight
            Optional (m,) event weights.
        n_points
            Number of θ nodes (≥ 4).

        Returns
        -------
        ParametrisedClassifier
            ``self``, calibrated.
        """
        self._check_is_fitted()
        ref = self._check_x(reference)
        w = check_sample_weight(reference_weight, len(ref), name="reference_weight")
        if int(n_points) != n_points or n_points < 4:
            raise ValueError(f"n_points must be an integer ≥ 4, got {n_points}")
        lo, hi = self.theta_range_
        if hi <= lo:
            raise ValueError("the classifier was trained at a single θ value: nothing to normalise")
        nodes = np.linspace(lo, hi, int(n_points))
        raw = self._logits(ref, nodes)
        self.log_norm_ = logsumexp(raw, axis=1, b=w[None, :]) - np.log(w.sum())
        self.log_norm_theta_ = nodes
        return self

    def log_norm(self, theta: Any) -> np.ndarray:
        """ln Z(θ) measured by :meth:`calibrate` (zeros before), shape (G,) for (G,) θ."""
        self._check_is_fitted()
        th = np.atleast_1d(np.asarray(theta, dtype=np.float64))
        if self.log_norm_ is None:
            return np.zeros(th.shape)
        return CubicSpline(self.log_norm_theta_, self.log_norm_)(th)

    # --- outputs --------------------------------------------------------------
    def _features(self, x: np.ndarray) -> np.ndarray:
        """The network's observables: ``log_features`` columns as ln(max(x, 0) + offset)."""
        if not self.log_features:
            return x
        out = np.array(x, dtype=np.float64, copy=True)
        cols = list(self.log_features)
        out[:, cols] = np.log(np.maximum(out[:, cols], 0.0) + self.log_offset)
        return out

    def _check_x(self, X: Any) -> np.ndarray:
        return check_array(X, name="X", n_features=self.n_features_)

    def _check_theta(self, theta: Any, extrapolate: bool) -> np.ndarray:
        th, outside = theta_outside(theta, self.theta_range_)
        lo, hi = self.theta_range_
        if outside.size:
            message = (
                f"θ = {outside[:5]} outside the trained range [{lo:.6g}, {hi:.6g}]: the "
                "classifier never saw such θ, so its ratio there is an extrapolation"
            )
            if not extrapolate:
                raise ValueError(
                    f"{message}; keep θ inside the range (or pass extrapolate=True to "
                    "evaluate anyway, with a warning)"
                )
            warnings.warn(message, ExtrapolationWarning, stacklevel=3)
        return th

    def _logits(self, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """(G, n) network outputs for every (θ, x) pair.

        All pairs go through one batched predict call, except for large inputs:
        then blocks of events with at most :data:`_MAX_ROWS` (θ, x) rows each
        bound the memory.
        """
        x = self._features(x)
        g, n = len(theta), len(x)
        out = np.empty((g, n), dtype=np.float64)
        step = max(1, _MAX_ROWS // g)
        for start in range(0, n, step):
            block = x[start : start + step]
            rows = np.empty((g * len(block), self.n_features_ + 1), dtype=np.float32)
            rows[:, :-1] = np.tile(block, (g, 1))
            rows[:, -1] = np.repeat(theta, len(block))
            pred = predict(self.model_, self.scaler_.transform(rows), batch_size=65536)
            out[:, start : start + step] = pred.reshape(g, len(block))
        return out

    def predict_proba(self, X: Any, theta: Any, *, extrapolate: bool = False) -> np.ndarray:
        """Classifier output s(x, θ) ∈ (0, 1), the probability of "simulated at θ".

        Parameters
        ----------
        X
            (n, d) observables.
        theta
            One θ for every row (a scalar), or (n,) one θ per row.
        extrapolate
            Allow θ outside ``theta_range_`` (with an :class:`ExtrapolationWarning`).

        Returns
        -------
        numpy.ndarray, shape (n,)
        """
        self._check_is_fitted()
        x = self._check_x(X)
        th = self._check_theta(theta, extrapolate)
        if th.size == 1:
            th = np.full(len(x), th[0])
        elif th.shape != (len(x),):
            raise ValueError(
                f"theta must be a scalar or one value per row of X ({len(x)}), got {th.shape}"
            )
        rows = np.column_stack([self._features(x), th]).astype(np.float32)
        logits = predict(self.model_, self.scaler_.transform(rows), batch_size=65536).ravel()
        return 1.0 / (1.0 + np.exp(-logits))

    def log_ratio(
        self, X: Any, theta_grid: Any, *, extrapolate: bool = False, normalised: bool = True
    ) -> np.ndarray:
        """Learned ln r̂(x; θ) = logit s(x, θ) ≈ ln p(x|θ) − ln p(x|θ_ref).

        Parameters
        ----------
        X
            (n, d) observables.
        theta_grid
            (G,) θ values (a scalar counts as G = 1).
        extrapolate
            Allow θ outside ``theta_range_`` (with an :class:`ExtrapolationWarning`);
            by default such θ raise ``ValueError``.
        normalised
            After :meth:`calibrate`, subtract ln Z(θ) (no effect before).

        Returns
        -------
        numpy.ndarray, shape (G, n)
        """
        self._check_is_fitted()
        x = self._check_x(X)
        th = self._check_theta(theta_grid, extrapolate)
        out = self._logits(x, th)
        if normalised and self.log_norm_ is not None:
            out -= self.log_norm(th)[:, None]
        return out

    def nll(self, X: Any, theta_grid: Any, **kw: Any) -> np.ndarray:
        """−Σ_i ln r̂(x_i; θ): −ln L(θ) of the events ``X`` up to a θ-independent constant.

        Parameters
        ----------
        X
            (n, d) observables of the data (pseudo-data).
        theta_grid
            (G,) θ values.
        **kw
            Passed to :meth:`log_ratio` (``extrapolate``, ``normalised``).

        Returns
        -------
        numpy.ndarray, shape (G,)
        """
        return -self.log_ratio(X, theta_grid, **kw).sum(axis=1)

    def measure(self, X: Any, theta_grid: Any) -> Interval:
        """Estimate and 68 %/95 % intervals: :func:`profile_scan` of :meth:`nll` on the grid.

        ``theta_grid`` (G,) must be strictly increasing and inside ``theta_range_``.
        """
        grid = check_grid(theta_grid, min_points=4)
        return profile_scan(grid, self.nll(X, grid))

    # --- persistence ------------------------------------------------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        writer.keras_weights("classifier", self.model_)
        return {
            "scaler": self.scaler_.to_dict(),
            "theta_range": list(self.theta_range_),
            "n_features": self.n_features_,
            "history": self.history_,
            "log_norm_theta": None if self.log_norm_ is None else self.log_norm_theta_.tolist(),
            "log_norm": None if self.log_norm_ is None else self.log_norm_.tolist(),
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.scaler_ = Standardiser.from_dict(state["scaler"])
        self.theta_range_ = (float(state["theta_range"][0]), float(state["theta_range"][1]))
        self.n_features_ = int(state["n_features"])
        self.history_ = state["history"]
        norm_theta, norm = state.get("log_norm_theta"), state.get("log_norm")
        self.log_norm_theta_ = None if norm is None else np.asarray(norm_theta, dtype=np.float64)
        self.log_norm_ = None if norm is None else np.asarray(norm, dtype=np.float64)
        self.model_ = reader.keras_weights("classifier", self._network(self.n_features_ + 1))


def _keras() -> Any:
    from hepml_course.nn.quiet import import_keras

    return import_keras()
