"""The classical baseline: a binned template fit of one observable.

Simulated events at several values of θ are histogrammed in the same bins; the
probability of each bin is interpolated between the simulated θ values with a
low-degree polynomial, and the data histogram is fitted with the multinomial
likelihood

    −ln L(θ) = −Σ_b n_b ln p_b(θ)       (constant terms dropped)

by Minuit (MIGRAD + MINOS).  This is how a single-observable αs measurement from
an event-shape distribution works, up to the theory of the templates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.inference.scan import Interval, check_grid, minimise_1d, theta_outside
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter
from hepml_course.nn.base import Estimator
from hepml_course.nn.validation import check_array, check_lengths, check_sample_weight

#: Smallest bin probability used in ln p (a polynomial may dip below zero far from the grid).
_P_FLOOR = 1e-12


class TemplateFit(Estimator):
    """Binned multinomial template fit of one observable, θ interpolated by polynomials.

    Follows the model contract: :meth:`fit` learns the templates, :meth:`predict`
    gives the interpolated bin probabilities, :meth:`measure` fits θ to data,
    ``save``/``load`` keep the templates (JSON, sha256-verified).

    Parameters
    ----------
    bins
        Number of bins, or the bin edges (increasing, ≥ 2 bins).  With a number
        and no ``range``: equal-population bins from quantiles of the pooled
        simulation (repeated quantiles of a discrete observable are merged, so
        there may be fewer bins).  With a number and a ``range``: equal-width bins.
    degree
        Degree of the polynomial in θ that interpolates each bin's probability;
        the simulation needs at least ``degree + 1`` distinct θ values.
    range
        (lo, hi) of the equal-width bins (same unit as the observable).

    Attributes
    ----------
    edges_ : numpy.ndarray, shape (B + 1,)
        Bin edges.  The outer bins are open: values below ``edges_[0]`` count in
        the first bin, values above ``edges_[-1]`` in the last (the same for
        simulation and data, so every event is used and probabilities sum to 1).
    coef_ : numpy.ndarray, shape (B, degree + 1)
        Polynomial coefficients of each bin's probability, lowest power first, in
        the scaled variable u = (θ − centre) / half-width of ``theta_range_``.
    theta_range_ : tuple of float
        (min, max) of the simulated θ values: the fit refuses to go outside.
    theta_values_ : numpy.ndarray, shape (K,)
        The distinct simulated θ values.
    fractions_, fraction_errors_ : numpy.ndarray, shape (K, B)
        Simulated bin fractions at each θ value and their binomial uncertainties.
    """

    _fitted_attributes = ("edges_", "coef_", "theta_range_", "theta_values_")

    def __init__(
        self,
        *,
        bins: int | np.ndarray = 20,
        degree: int = 2,
        range: tuple[float, float] | None = None,
    ) -> None:
        # edges are kept as a tuple of floats so that the hyper-parameters stay JSON-able
        self.bins = bins if np.ndim(bins) == 0 else tuple(float(b) for b in np.ravel(bins))
        self.degree = degree
        self.range = None if range is None else tuple(float(v) for v in range)

    # --- fit ----------------------------------------------------------------
    def _edges(self, x: np.ndarray) -> np.ndarray:
        if np.ndim(self.bins) == 1:
            edges = np.asarray(self.bins, dtype=np.float64)
            if len(edges) < 3 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
                raise ValueError(
                    "bins given as edges must be ≥ 3 finite, strictly increasing values "
                    f"(≥ 2 bins), got {edges}"
                )
            return edges
        n_bins = int(self.bins)
        if n_bins != self.bins or n_bins < 2:
            raise ValueError(f"bins must be an integer ≥ 2 or an array of edges, got {self.bins}")
        if self.range is not None:
            lo, hi = (float(v) for v in self.range)
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                raise ValueError(f"range must be finite (lo, hi) with lo < hi, got {self.range}")
            return np.linspace(lo, hi, n_bins + 1)
        edges = np.unique(np.quantile(x, np.linspace(0.0, 1.0, n_bins + 1)))
        if len(edges) < 3:
            raise ValueError(
                f"the observable takes too few distinct values for {n_bins} equal-population "
                "bins (fewer than 2 bins remain): give the bin edges explicitly"
            )
        return edges

    def _counts(self, x: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """(B,) (weighted) counts with open outer bins."""
        index = np.clip(np.searchsorted(self.edges_, x, side="right") - 1, 0, len(self.edges_) - 2)
        return np.bincount(index, weights=weights, minlength=len(self.edges_) - 1).astype(
            np.float64
        )

    def fit(self, x: Any, theta: Any, *, sample_weight: Any = None, seed: int = 0) -> TemplateFit:
        """Histogram the simulation at each θ value and fit the bin probabilities.

        Parameters
        ----------
        x
            (n,) one observable, events of every simulated θ value pooled.
        theta
            (n,) the generator value of θ of each event (several distinct values).
        sample_weight
            Optional (n,) event weights; the binomial uncertainties then use the
            effective number of events (Σw)²/Σw².
        seed
            Unused: the fit is deterministic (accepted for the model contract).

        Returns
        -------
        TemplateFit
            ``self``, fitted.
        """
        if int(self.degree) != self.degree or self.degree < 0:
            raise ValueError(f"degree must be an integer ≥ 0, got {self.degree}")
        xs = _one_observable(x, "x")
        th = check_array(theta, name="theta", ndim=1, dtype=np.float64)
        check_lengths(x=xs, theta=th, sample_weight=sample_weight)
        w = check_sample_weight(sample_weight, len(xs))
        values = np.unique(th)
        if len(values) < self.degree + 1:
            raise ValueError(
                f"a degree-{self.degree} polynomial in θ needs at least {self.degree + 1} "
                f"distinct simulated θ values, got {len(values)} ({values}): simulate more "
                "θ values or lower the degree"
            )
        self.edges_ = self._edges(xs)
        fractions, errors = [], []
        for value in values:
            at = th == value
            counts = self._counts(xs[at], w[at])
            n = counts.sum() ** 2 / np.sum(w[at] ** 2)  # effective number of events
            p = counts / counts.sum()
            # binomial uncertainty; an empty bin still gets the uncertainty of one event
            errors.append(np.sqrt(np.maximum(p, 1.0 / n) * (1.0 - p + 1.0 / n) / n))
            fractions.append(p)
        self.fractions_ = np.array(fractions)
        self.fraction_errors_ = np.array(errors)
        self.theta_values_ = values
        self.theta_range_ = (float(values[0]), float(values[-1]))
        u = self._scaled(values)
        self.coef_ = np.array(
            [
                np.polynomial.polynomial.polyfit(u, self.fractions_[:, b], self.degree, w=1.0 / e)
                for b, e in enumerate(self.fraction_errors_.T)
            ]
        )
        self.seed_ = seed
        return self

    # --- outputs --------------------------------------------------------------

    def _scaled(self, theta: np.ndarray) -> np.ndarray:
        lo, hi = self.theta_range_
        half = 0.5 * (hi - lo) if hi > lo else 1.0
        return (theta - 0.5 * (lo + hi)) / half

    def _check_theta(self, theta: Any, name: str) -> np.ndarray:
        th, outside = theta_outside(theta, self.theta_range_, name)
        lo, hi = self.theta_range_
        if outside.size:
            raise ValueError(
                f"{name} has θ = {outside[:5]} outside the simulated range [{lo:.6g}, {hi:.6g}]: "
                "the templates are not extrapolated; keep θ inside, or simulate a wider range"
            )
        return th

    def _probabilities(self, theta: np.ndarray) -> np.ndarray:
        p = np.polynomial.polynomial.polyval(self._scaled(theta), self.coef_.T).T  # (G, B)
        p = np.maximum(p, _P_FLOOR)
        return p / p.sum(axis=-1, keepdims=True)

    def predict(self, theta: Any) -> np.ndarray:
        """The templates' bin probabilities at each θ (renormalised to sum 1).

        Parameters
        ----------
        theta
            (G,) θ values (or a scalar) inside ``theta_range_``.

        Returns
        -------
        numpy.ndarray, shape (G, B)
        """
        self._check_is_fitted()
        return self._probabilities(self._check_theta(theta, "theta"))

    def counts(self, x_data: Any) -> np.ndarray:
        """(B,) histogram of ``x_data`` (n,) in the fitted bins (open outer bins)."""
        self._check_is_fitted()
        return self._counts(_one_observable(x_data, "x_data"))

    def nll(self, x_data: Any, theta_grid: Any) -> np.ndarray:
        """Binned multinomial −ln L(θ) = −Σ_b n_b ln p_b(θ) of the data at each θ.

        Parameters
        ----------
        x_data
            (n,) the observable in data.
        theta_grid
            (G,) θ values inside ``theta_range_``.

        Returns
        -------
        numpy.ndarray, shape (G,)
        """
        counts = self.counts(x_data)
        return -(np.log(self.predict(theta_grid)) @ counts)

    def measure(self, x_data: Any, *, theta_grid: Any = None) -> Interval:
        """Fit θ to the data: MIGRAD on −ln L(θ), MINOS at 68 % and 95 % (errordef 0.5).

        Parameters
        ----------
        x_data
            (n,) the observable in data.
        theta_grid
            θ values where −ln L is first evaluated to choose MIGRAD's starting
            point (default: 41 values across ``theta_range_``).

        Returns
        -------
        Interval

        Raises
        ------
        ScanError
            The minimum or a 68 %/95 % crossing lies outside ``theta_range_``:
            the templates are never extrapolated, so the simulation must cover a
            wider θ range (or the data need more events).
        """
        self._check_is_fitted()
        counts = self.counts(x_data)
        lo, hi = self.theta_range_
        if hi <= lo:
            raise ValueError("the templates were simulated at a single θ value: nothing to fit")
        grid = (
            np.linspace(lo, hi, 41)
            if theta_grid is None
            else self._check_theta(check_grid(theta_grid, min_points=1), "theta_grid")
        )
        start = grid[np.argmin(-(np.log(self._probabilities(grid)) @ counts))]

        def nll(t: float) -> float:
            return float(-(np.log(self._probabilities(np.array([t]))[0]) @ counts))

        return minimise_1d(nll, start, (lo, hi), what="the simulated θ range")

    # --- persistence ------------------------------------------------------------
    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        return {
            "edges": self.edges_.tolist(),
            "coef": self.coef_.tolist(),
            "theta_range": list(self.theta_range_),
            "theta_values": self.theta_values_.tolist(),
            "fractions": self.fractions_.tolist(),
            "fraction_errors": self.fraction_errors_.tolist(),
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.edges_ = np.asarray(state["edges"], dtype=np.float64)
        self.coef_ = np.asarray(state["coef"], dtype=np.float64)
        self.theta_range_ = (float(state["theta_range"][0]), float(state["theta_range"][1]))
        self.theta_values_ = np.asarray(state["theta_values"], dtype=np.float64)
        self.fractions_ = np.asarray(state["fractions"], dtype=np.float64)
        self.fraction_errors_ = np.asarray(state["fraction_errors"], dtype=np.float64)


def _one_observable(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be ONE observable, a 1-D array (n,), got shape {arr.shape}: "
            "a template fit uses a single observable; pick its column"
        )
    return check_array(arr, name=name, ndim=1, dtype=np.float64)
