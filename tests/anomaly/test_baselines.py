"""Cut-based baseline triggers."""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.anomaly.baselines import BASELINES, baseline_scores, ht, single_muon
from tests.anomaly.toy import toy_events


def test_baselines_match_definitions():
    events = toy_events(8, seed=3)
    scores = baseline_scores(events)
    assert set(scores) == set(BASELINES)
    for i in range(8):
        mu = events.Muon.pt[i].to_numpy()
        assert single_muon(events)[i] == (mu.max() if len(mu) else 0.0)
        jets = events.Jet[i]
        sel = (jets.pt > 30) & (np.abs(jets.eta) < 2.4)
        assert ht(events)[i] == np.float64(ak.sum(jets.pt[sel]))
    np.testing.assert_allclose(scores["met"], events.MET_pt.to_numpy())
