"""Evaluate calibrations the same way in the chapter, the tests and the benchmark."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hepml_course.metrics import regression as mr
from hepml_course.nn import check_lengths


@dataclass(frozen=True)
class Evaluation:
    """Performance of one calibration on a test sample.

    Attributes
    ----------
    binned
        Response and σ_eff/E in bins of true energy.
    fit
        σ/E = a/√E ⊕ b/E ⊕ c fitted to ``binned``.
    pulls
        (E_pred − E_true) / σ_pred per shower.
    pull_width
        Robust width of the pulls (1 if σ_pred is calibrated).
    sigma_from_model
        True if σ_pred came from the model, False if from the fitted
        resolution function evaluated at E_pred (the classical estimate).
    """

    binned: mr.BinnedPerformance
    fit: mr.ResolutionFit
    pulls: np.ndarray
    pull_width: float
    sigma_from_model: bool

    def as_dict(self) -> dict:
        """The benchmark's keys for one model."""
        return {
            **self.binned.as_dict(),
            "stochastic_a": self.fit.stochastic_a,
            "constant_c": self.fit.constant_c,
            "pull_width": self.pull_width,
        }


def evaluate(
    e_true_gev: np.ndarray,
    e_pred_gev: np.ndarray,
    sigma_pred_gev: np.ndarray | None = None,
    edges_gev: Sequence[float] = mr.DEFAULT_ENERGY_BINS_GEV,
) -> Evaluation:
    """Binned response/resolution, resolution fit and pulls of one calibration.

    Parameters
    ----------
    e_true_gev, e_pred_gev
        True and predicted energies, GeV.
    sigma_pred_gev
        Per-shower uncertainty, GeV; if None, σ_pred = E_pred · (σ/E)(E_pred)
        from the fitted resolution function.
    edges_gev
        Bins of true energy, GeV.
    """
    check_lengths(e_true_gev=e_true_gev, e_pred_gev=e_pred_gev, sigma_pred_gev=sigma_pred_gev)
    binned = mr.binned_performance(e_true_gev, e_pred_gev, edges_gev)
    fit = mr.fit_resolution(binned.centre_gev, binned.sigma_eff_rel, binned.sigma_eff_rel_err)
    from_model = sigma_pred_gev is not None
    if sigma_pred_gev is None:
        e_pos = np.maximum(np.asarray(e_pred_gev, dtype=np.float64), 0.1)
        sigma_pred_gev = e_pos * fit(e_pos)
    pulls = mr.pulls(e_true_gev, e_pred_gev, sigma_pred_gev)
    return Evaluation(binned, fit, pulls, mr.pull_width(pulls), from_model)


def performance_frames(evaluations: Mapping[str, Evaluation]) -> dict[str, Any]:
    """The comparison of several calibrations as three tables (pandas DataFrames).

    Parameters
    ----------
    evaluations
        ``{model name: Evaluation}``, all on the same energy bins.

    Returns
    -------
    dict
        ``"resolution"``: σ_eff/E per energy bin (rows) and model (columns);
        ``"response"``: median E_pred/E_true, same layout;
        ``"fit"``: one row per model with the fitted terms of
        σ/E = a/√E ⊕ b/E ⊕ c (a in %·√GeV, b in GeV, c in %) and χ²/ndf.
        Show them with :func:`hepml_course.tables.table`.
    """
    import pandas as pd

    if not evaluations:
        raise ValueError("need at least one evaluation")
    first = next(iter(evaluations.values())).binned
    bins = [
        f"{lo:g}–{hi:g}" for lo, hi in zip(first.edges_gev[:-1], first.edges_gev[1:], strict=True)
    ]
    for name, ev in evaluations.items():
        if not np.array_equal(ev.binned.edges_gev, first.edges_gev):
            raise ValueError(f"{name!r} was evaluated on other energy bins than the first model")
    column = "E_true bin [GeV]"
    resolution = pd.DataFrame(
        {column: bins, **{k: ev.binned.sigma_eff_rel for k, ev in evaluations.items()}}
    )
    response = pd.DataFrame(
        {column: bins, **{k: ev.binned.response for k, ev in evaluations.items()}}
    )
    fit = pd.DataFrame(
        [
            {
                "model": name,
                "a [%·√GeV]": 100 * ev.fit.stochastic_a,
                "± a": 100 * ev.fit.stochastic_a_err,
                "b [GeV]": ev.fit.noise_b,
                "c [%]": 100 * ev.fit.constant_c,
                "± c": 100 * ev.fit.constant_c_err,
                "χ²/ndf": f"{ev.fit.chi2:.1f}/{ev.fit.ndf}",
            }
            for name, ev in evaluations.items()
        ]
    )
    return {"resolution": resolution, "response": response, "fit": fit}
