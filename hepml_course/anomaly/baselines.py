"""Cut-based Level-1 triggers used as baselines: single muon, single e/γ, HT and MET.

Each returns one number per event; the trigger fires when it exceeds a
threshold chosen for a given rate (:mod:`hepml_course.metrics.trigger`).
"""

from __future__ import annotations

from collections.abc import Callable

import awkward as ak
import numpy as np

#: HT jets: pT > 30 GeV and |η| < 2.4, as in CMS's L1 HT sum.
HT_JET_PT_MIN_GEV = 30.0
HT_JET_ETA_MAX = 2.4


def _leading_pt(objects: ak.Array) -> np.ndarray:
    return ak.to_numpy(ak.fill_none(ak.max(objects.pt, axis=1), 0.0)).astype(np.float64)


def single_muon(events: ak.Array) -> np.ndarray:
    """Leading L1 muon pT, GeV (0 without muon)."""
    return _leading_pt(events.Muon)


def single_egamma(events: ak.Array) -> np.ndarray:
    """Leading L1 e/γ pT, GeV (0 without candidate)."""
    return _leading_pt(events.Egamma)


def ht(events: ak.Array) -> np.ndarray:
    """Scalar sum of jet pT (pT > 30 GeV, |η| < 2.4), GeV."""
    jets = events.Jet
    sel = (jets.pt > HT_JET_PT_MIN_GEV) & (np.abs(jets.eta) < HT_JET_ETA_MAX)
    return ak.to_numpy(ak.sum(jets.pt[sel], axis=1)).astype(np.float64)


def met(events: ak.Array) -> np.ndarray:
    """L1 missing transverse momentum, GeV."""
    return ak.to_numpy(events.MET_pt).astype(np.float64)


#: Baseline name → score function.
BASELINES: dict[str, Callable[[ak.Array], np.ndarray]] = {
    "single_muon": single_muon,
    "single_egamma": single_egamma,
    "ht": ht,
    "met": met,
}


def baseline_scores(events: ak.Array) -> dict[str, np.ndarray]:
    """Scores of every baseline trigger for ``events``."""
    return {name: fn(events) for name, fn in BASELINES.items()}
