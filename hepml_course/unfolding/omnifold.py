"""OmniFold (MultiFold on a list of observables): unbinned iterative unfolding.

Andreassen, Komiske, Metodiev, Nachman, Thaler, PRL 124 (2020) 182001.  Each
iteration has two classifier-reweighting steps, each one a
:class:`hepml_course.nn.ClassifierReweighter`:

1. *detector level*: reweight the simulation (with the current particle-level
   weights ``ν``) to the data → "pulled" weights ``ω = ν · r₁(x_reco)``;
   events of the simulation without a detector-level jet (inefficiency) get
   ``ω = ν · r₁ᵦ(x_gen)``, the average step-1 correction for that particle-level
   event learned by a third classifier (step "1b", as in the H1 OmniFold
   analyses);
2. *particle level*: turn ``ω`` into a function of the particle-level event,
   ``ν = r₂(x_gen)``, by reweighting the prior to the ω-weighted simulation.
   Fakes (no particle-level jet) keep ``ω`` for the next iteration.

The result is the function ``ν(x_gen)`` of the last step 2: weighting the
simulation with it unfolds any particle-level observable, binned in any way, or
never binned at all.

Reweighting conventions (those of the shared reweighter): both samples of a
step enter its classifier with equal total weight, and the weights
``f/(1 − f) · Σw_target/Σw_source`` are clipped to ``[0, max_weight]``; so
``Σ w_source · r(x) ≈ Σ w_target`` and every step keeps the normalisation of
its target (the data in step 1, the ω-weighted simulation in step 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepml_course.nn import (
    ClassifierReweighter,
    Estimator,
    check_array,
    check_lengths,
    check_sample_weight,
)
from hepml_course.nn.artifacts import ArtifactReader, ArtifactWriter


def _flags(flags: Any, n: int, name: str) -> np.ndarray:
    if flags is None:
        return np.ones(n, dtype=bool)
    arr = np.asarray(flags)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one flag per event), got {arr.shape}")
    if arr.dtype != bool and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must hold booleans (selection flags)")
    return arr.astype(bool)


class OmniFold(Estimator):
    """Iterative two-step classifier unfolding (unbinned, all observables at once).

    Parameters
    ----------
    n_iterations
        Number of (step 1, step 2) iterations (≥ 1).
    hidden, epochs, batch_size, learning_rate, patience, validation_fraction
        Settings of every :class:`~hepml_course.nn.ClassifierReweighter`.
    max_weight
        Each step's weights are clipped to ``[0, max_weight]``.
    step1b
        Learn the weights of inefficient events (see the module docstring);
        if False they keep the previous particle-level weights.

    Attributes
    ----------
    reweighter_ : hepml_course.nn.ClassifierReweighter
        The particle-level classifier of the last iteration: ``weights(X)`` is its output.
    n_features_ : int
        Number of observables.
    history_ : list of dict
        Per iteration: epochs run and best validation loss of steps 1 and 2.
    seed_ : int
        The seed given to :meth:`fit`.

    Examples
    --------
    >>> of = OmniFold(n_iterations=2).fit(sim.gen, sim.reco, pass_gen=sim.pass_gen,
    ...     pass_reco=sim.pass_reco, data=nature.reco, data_pass_reco=nature.pass_reco)
    >>> w = of.weights(sim.gen)  # histogram sim.gen[sim.pass_gen] with w[sim.pass_gen]
    """

    _fitted_attributes = ("reweighter_", "n_features_")

    def __init__(
        self,
        *,
        n_iterations: int = 3,
        hidden: Sequence[int] = (32, 32),
        epochs: int = 15,
        batch_size: int = 2048,
        learning_rate: float = 2e-3,
        patience: int = 3,
        validation_fraction: float = 0.2,
        max_weight: float | None = 20.0,
        step1b: bool = True,
    ) -> None:
        self.n_iterations = n_iterations
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.max_weight = max_weight
        self.step1b = step1b

    def _reweighter(self) -> ClassifierReweighter:
        return ClassifierReweighter(
            hidden=self.hidden,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            patience=self.patience,
            validation_fraction=self.validation_fraction,
            max_weight=self.max_weight,
        )

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        data: Any,
        pass_gen: Any = None,
        pass_reco: Any = None,
        data_pass_reco: Any = None,
        sample_weight: Any = None,
        data_weight: Any = None,
        seed: int = 0,
    ) -> OmniFold:
        """Unfold the detector-level ``data`` with the simulated events ``(X, y)``.

        The simulation is given like a supervised training set: ``X`` holds the
        particle level of each simulated event and ``y`` the detector level of the
        *same* event (the response); the data has a detector level only.

        Parameters
        ----------
        X
            (n_sim, n_observables) particle-level observables of the simulation
            (rows failing ``pass_gen`` are ignored, any finite value).
        y
            (n_sim, n_observables) detector-level observables of the same events,
            same columns (rows failing ``pass_reco`` are ignored).
        data
            (n_data, n_observables) detector-level observables of the data.
        pass_gen, pass_reco
            (n_sim,) selection flags of the simulation at each level (all True
            if None); ``pass_gen & ~pass_reco`` are inefficiencies,
            ``pass_reco & ~pass_gen`` fakes.
        data_pass_reco
            (n_data,) detector-level selection flags of the data (all True if None).
        sample_weight, data_weight
            (n_sim,) and (n_data,) event weights, e.g. bootstrap weights (1 if None).
        seed
            Seeds every classifier (each step gets its own derived seed).

        Returns
        -------
        OmniFold
            ``self``, fitted.

        Raises
        ------
        ValueError
            Arrays of the simulation (or of the data) with different numbers of
            rows, a different number of observables in ``X``, ``y`` and ``data``,
            non-finite values of selected events, or ``n_iterations < 1``.
        """
        if self.n_iterations < 1:
            raise ValueError(f"n_iterations must be ≥ 1, got {self.n_iterations}")
        if data is None:
            raise ValueError("data (detector-level observables of the data) is required")
        n_sim = check_lengths(
            X=X, y=y, pass_gen=pass_gen, pass_reco=pass_reco, sample_weight=sample_weight
        )
        n_data = check_lengths(data=data, data_pass_reco=data_pass_reco, data_weight=data_weight)
        gen_flag = _flags(pass_gen, n_sim, "pass_gen")
        reco_flag = _flags(pass_reco, n_sim, "pass_reco")
        d_pass = _flags(data_pass_reco, n_data, "data_pass_reco")
        gen = check_array(X, name="X (particle level)", dtype=np.float64, allow_nan=True)
        k = gen.shape[1]
        reco = check_array(
            y, name="y (detector level)", n_features=k, dtype=np.float64, allow_nan=True
        )
        x_data = check_array(data, name="data", n_features=k, dtype=np.float64, allow_nan=True)
        for name, arr, sel in (
            ("X", gen, gen_flag),
            ("y", reco, reco_flag),
            ("data", x_data, d_pass),
        ):
            if not np.all(np.isfinite(arr[sel])):
                raise ValueError(
                    f"{name} has NaN/infinite values in selected events: fix them or their flags"
                )
        w_s = check_sample_weight(sample_weight, n_sim)
        w_d = check_sample_weight(data_weight, n_data, name="data_weight")
        if not (gen_flag.any() and reco_flag.any() and d_pass.any()):
            raise ValueError("the simulation and the data need selected events at every level")
        miss = gen_flag & ~reco_flag
        both = gen_flag & reco_flag

        nu = np.ones(n_sim)
        history = []
        step_seed = iter(range(seed * 1000 + 1, seed * 1000 + 1000))
        for it in range(self.n_iterations):
            # step 1: detector level, data vs simulation weighted by ν
            r1 = self._reweighter().fit_samples(
                reco[reco_flag],
                x_data[d_pass],
                w_s[reco_flag] * nu[reco_flag],
                w_d[d_pass],
                seed=next(step_seed),
            )
            omega = nu.copy()
            omega[reco_flag] = nu[reco_flag] * r1.weights(reco[reco_flag])
            # step 1b: inefficient events get the mean step-1 correction at particle level
            if self.step1b and miss.any() and both.any():
                r1b = self._reweighter().fit_samples(
                    gen[both],
                    gen[both],
                    w_s[both] * nu[both],
                    w_s[both] * omega[both],
                    seed=next(step_seed),
                )
                omega[miss] = nu[miss] * r1b.weights(gen[miss])
            # step 2: particle level, prior vs ω-weighted simulation
            r2 = self._reweighter().fit_samples(
                gen[gen_flag],
                gen[gen_flag],
                w_s[gen_flag],
                w_s[gen_flag] * omega[gen_flag],
                seed=next(step_seed),
            )
            nu = omega.copy()  # fakes keep ω
            nu[gen_flag] = r2.weights(gen[gen_flag])
            history.append(
                {
                    "iteration": it + 1,
                    "step1_epochs": len(r1.history_.get("loss", [])),
                    "step2_epochs": len(r2.history_.get("loss", [])),
                    "step1_val_loss": min(r1.history_.get("val_loss", [np.nan])),
                    "step2_val_loss": min(r2.history_.get("val_loss", [np.nan])),
                }
            )
        self.reweighter_ = r2
        self.n_features_ = k
        self.history_ = history
        self.seed_ = seed
        return self

    def weights(self, X: Any) -> np.ndarray:
        """Unfolded particle-level weights ν(x) of simulated events, relative to their own weights.

        Parameters
        ----------
        X
            (n_events, n_observables) particle-level observables, e.g. ``X`` of
            :meth:`fit` (any events of the same simulation).

        Returns
        -------
        numpy.ndarray
            (n_events,) weights; histogram the particle level of events that pass
            the particle-level selection with ``sample_weight · ν`` to unfold it.
        """
        self._check_is_fitted()
        x = check_array(X, name="X (particle level)", n_features=self.n_features_)
        return self.reweighter_.weights(x)

    def _save_state(self, writer: ArtifactWriter) -> dict[str, Any]:
        return {
            "n_features": self.n_features_,
            "history": self.history_,
            "reweighter": {
                "params": self.reweighter_.get_params(),
                "state": self.reweighter_._save_state(writer),
            },
        }

    def _load_state(self, reader: ArtifactReader, state: dict[str, Any]) -> None:
        self.n_features_ = int(state["n_features"])
        self.history_ = state["history"]
        rw = ClassifierReweighter(**state["reweighter"]["params"])
        rw._load_state(reader, state["reweighter"]["state"])
        self.reweighter_ = rw
