from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics.tracking import (
    binned_edge_metrics,
    edge_efficiency_purity,
    fit_scaling_exponent,
    match_tracks,
    measure,
    trackml_score,
)


def test_edge_efficiency_purity():
    y = np.array([1, 1, 1, 1, 0, 0], dtype=bool)
    sel = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    m = edge_efficiency_purity(y, sel)
    assert m["efficiency"] == pytest.approx(0.75) and m["purity"] == pytest.approx(0.75)
    hi = np.array([1, 1, 0, 0, 1, 1], dtype=bool)
    assert edge_efficiency_purity(y, sel, hi)["efficiency"] == 1.0
    assert np.isnan(edge_efficiency_purity(y[:0], sel[:0])["efficiency"])


def test_binned_edge_metrics():
    y = np.array([1, 1, 1, 0], dtype=bool)
    sel = np.array([1, 0, 1, 1], dtype=bool)
    out = binned_edge_metrics(y, sel, np.array([0.5, 0.5, 2.0, 2.0]), np.array([0.0, 1.0, 3.0]))
    assert out["efficiency"].tolist() == [0.5, 1.0]
    assert out["purity"].tolist() == [1.0, 0.5]


# particles 0, 1 (pT 2 GeV, 4 hits each) and 2 (pT 0.5 GeV, 4 hits)
PARTICLE = np.repeat([0, 1, 2], 4)
PT = np.array([2.0, 2.0, 0.5])


def test_perfect_tracks():
    labels = PARTICLE.copy()
    m = match_tracks(labels, PARTICLE, PT, pt_min_gev=1.0, min_hits=3)
    assert m["efficiency"] == 1.0 and m["fake_rate"] == 0.0 and m["duplicate_rate"] == 0.0
    assert m["n_reconstructable"] == 2
    assert trackml_score(labels, PARTICLE) == 1.0


def test_double_majority_rule():
    # track 0: 3 hits of p0 + 1 of p1 -> matches p0; track 1: 2 hits of p1 + 2 of p2 -> fake
    labels = np.array([0, 0, 0, -1, 0, 1, 1, -1, 1, 1, -1, -1])
    m = match_tracks(labels, PARTICLE, PT, pt_min_gev=1.0, min_hits=3)
    assert m["matched"].tolist() == [True, False, False]
    assert m["efficiency"] == 0.5
    assert m["fake_rate"] == 0.5
    # only p0's 3 common hits count
    assert trackml_score(labels, PARTICLE) == pytest.approx(3 / 12)


def test_split_track_is_a_duplicate():
    # p0 split 3 + 1 hits: the big part matches, the 1-hit part is a duplicate
    labels = np.array([0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    m = match_tracks(labels, PARTICLE, PT, pt_min_gev=1.0, min_hits=3)
    assert m["efficiency"] == 1.0
    assert m["duplicate_rate"] == pytest.approx(1 / 4)
    assert m["fake_rate"] == 0.0  # a piece of one particle is a duplicate, not a fake


def test_no_tracks_and_bad_shapes():
    m = match_tracks(np.full(12, -1), PARTICLE, PT, min_hits=3)
    assert m["n_tracks"] == 0 and m["efficiency"] == 0.0 and np.isnan(m["fake_rate"])
    assert trackml_score(np.full(12, -1), PARTICLE) == 0.0
    with pytest.raises(ValueError, match="one entry per hit"):
        match_tracks(np.zeros(3), PARTICLE, PT)


def test_scaling_exponent():
    n = np.array([1e3, 2e3, 4e3, 8e3])
    assert fit_scaling_exponent(n, 1e-6 * n) == pytest.approx(1.0)
    assert fit_scaling_exponent(n, 1e-9 * n**2) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="two different sizes"):
        fit_scaling_exponent([5.0], [1.0])


def test_measure_reports_time_and_memory():
    seconds, mb = measure(lambda: np.ones(2**20), repeats=1)
    assert seconds > 0 and mb >= 7.9  # 8 MB of float64


def test_measure_without_memory():
    seconds, mb = measure(lambda: None, repeats=2, memory=False)
    assert seconds >= 0 and np.isnan(mb)
