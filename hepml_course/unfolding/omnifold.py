"""OmniFold (MultiFold on a list of observables): unbinned iterative unfolding.

Andreassen, Komiske, Metodiev, Nachman, Thaler, PRL 124 (2020) 182001.  Each
iteration has two classifier-reweighting steps:

1. *detector level*: reweight the simulation (with the current particle-level
   weights ``ν``) to the data → "pulled" weights ``ω = ν · r₁(x_reco)``;
   events of the simulation without a detector-level jet (inefficiency) get
   ``ω = ν · r₁ᵦ(x_gen)``, the average step-1 correction for that particle-level
   event learned by a third classifier (step "1b", as in the H1 OmniFold
   analyses);
2. *particle level*: turn ``ω`` into a function of the particle-level event,
   ``ν = r₂(x_gen)``, by reweighting the prior to the ω-weighted simulation.
   Fakes (no particle-level jet) keep ``ω``.

The result is one weight per simulated event; any particle-level observable,
binned in any way, or never binned at all, is unfolded by histogramming the
simulation with these weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hepml_course.unfolding.reweighting import ClassifierReweighter
from hepml_course.unfolding.sample import UnfoldingSample


@dataclass
class OmniFold:
    """Iterative two-step classifier unfolding.

    Parameters
    ----------
    n_iterations
        Number of (step 1, step 2) iterations.
    hidden, epochs, batch_size, learning_rate, patience
        Settings of every :class:`ClassifierReweighter`.
    step1b
        Learn the weights of inefficient events (see the module docstring);
        if False they keep the previous particle-level weights.
    seed
        Base seed; each classifier gets its own derived seed.
    """

    n_iterations: int = 3
    hidden: tuple[int, ...] = (32, 32)
    epochs: int = 15
    batch_size: int = 2048
    learning_rate: float = 2e-3
    patience: int = 3
    step1b: bool = True
    seed: int = 0
    history_: list[dict] = field(default_factory=list, init=False, repr=False)

    def _reweighter(self, k: int) -> ClassifierReweighter:
        return ClassifierReweighter(
            hidden=self.hidden,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            patience=self.patience,
            seed=self.seed * 1000 + k,
        )

    def fit(
        self,
        sim: UnfoldingSample,
        data_reco: np.ndarray,
        data_pass_reco: np.ndarray | None = None,
        w_data: np.ndarray | None = None,
        w_sim: np.ndarray | None = None,
    ) -> OmniFold:
        """Unfold the detector-level ``data_reco`` using the simulation ``sim``.

        Parameters
        ----------
        sim
            Simulated events (both levels and flags).
        data_reco
            ``(n_data, n_observables)`` detector-level observables of the data.
        data_pass_reco
            Detector-level selection flags of the data (all True if None).
        w_data, w_sim
            Event weights (e.g. bootstrap weights); 1 if None.

        Returns
        -------
        OmniFold
            ``self`` with ``weights_`` (final particle-level weights ν, one per
            simulated event) and ``step1_weights_`` (last ω).
        """
        data_reco = np.asarray(data_reco, dtype=np.float64)
        if data_reco.ndim != 2 or data_reco.shape[1] != sim.reco.shape[1]:
            raise ValueError(
                f"data_reco must have shape (n_data, {sim.reco.shape[1]}), got {data_reco.shape}"
            )
        if self.n_iterations < 1:
            raise ValueError(f"n_iterations must be ≥ 1, got {self.n_iterations}")
        n_sim = len(sim)
        d_pass = (
            np.ones(len(data_reco), bool)
            if data_pass_reco is None
            else np.asarray(data_pass_reco, bool)
        )
        w_d = np.ones(len(data_reco)) if w_data is None else np.asarray(w_data, np.float64)
        w_s = np.ones(n_sim) if w_sim is None else np.asarray(w_sim, np.float64)
        if w_s.shape != (n_sim,) or w_d.shape != (len(data_reco),):
            raise ValueError("w_sim / w_data must have one weight per event")
        reco, gen = sim.pass_reco, sim.pass_gen
        miss = gen & ~reco
        both = gen & reco

        nu = np.ones(n_sim)
        self.history_ = []
        k = 0
        for it in range(self.n_iterations):
            # step 1: detector level, data vs simulation weighted by ν
            r1 = self._reweighter(k := k + 1).fit(
                sim.reco[reco], data_reco[d_pass], w_s[reco] * nu[reco], w_d[d_pass]
            )
            omega = nu.copy()
            omega[reco] = nu[reco] * r1.weights(sim.reco[reco])
            # step 1b: inefficient events get the mean step-1 correction at particle level
            if self.step1b and miss.any() and both.any():
                r1b = self._reweighter(k := k + 1).fit(
                    sim.gen[both], sim.gen[both], w_s[both] * nu[both], w_s[both] * omega[both]
                )
                omega[miss] = nu[miss] * r1b.weights(sim.gen[miss])
            # step 2: particle level, prior vs ω-weighted simulation
            r2 = self._reweighter(k := k + 1).fit(
                sim.gen[gen], sim.gen[gen], w_s[gen], w_s[gen] * omega[gen]
            )
            nu = omega.copy()  # fakes keep ω
            nu[gen] = r2.weights(sim.gen[gen])
            self.history_.append(
                {
                    "iteration": it + 1,
                    "step1_epochs": len(r1.history_.get("loss", [])),
                    "step2_epochs": len(r2.history_.get("loss", [])),
                    "step1_val_loss": min(r1.history_.get("val_loss", [np.nan])),
                    "step2_val_loss": min(r2.history_.get("val_loss", [np.nan])),
                }
            )
        self.weights_ = nu
        self.step1_weights_ = omega
        return self
