"""``python -m hepml_course.bench tracking`` prints the keys of the issue (shipped events here)."""

from __future__ import annotations

import json

import pytest

from hepml_course.bench.__main__ import main

STAGE_KEYS = {"graph", "filter", "gnn", "tracks", "total"}
MULTIPLICITY_KEYS = {
    "hits",
    "edges_per_hit",
    "true_edges_per_hit",
    "edge_efficiency",
    "edge_purity",
    "track_efficiency",
    "fake_rate",
    "duplicate_rate",
    "trackml_score",
    "baseline_track_efficiency",
    "baseline_trackml_score",
    "time_ms",
    "peak_rss_mb",
}


@pytest.fixture(scope="module")
def result():
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tracking", "--shipped"]) == 0
    return json.loads(out.getvalue())


def test_top_level_keys_are_kept(result):
    assert list(result)[:8] == [
        "edge_efficiency",
        "edge_purity",
        "track_efficiency",
        "fake_rate",
        "duplicate_rate",
        "trackml_score",
        "baseline",
        "by_multiplicity",
    ]
    assert {"track_efficiency", "fake_rate"} <= set(result["baseline"])
    assert result["track_efficiency"] > result["baseline"]["track_efficiency"]
    assert 0.9 < result["edge_efficiency"] <= 1 and 0.9 < result["edge_purity"] <= 1


def test_by_multiplicity_reports_quality_cost_and_memory(result):
    by_n = result["by_multiplicity"]
    assert list(by_n) == ["250", "500", "1000", "2000", "4000", "10000"]
    for n, entry in by_n.items():
        assert set(entry) == MULTIPLICITY_KEYS, n
        assert set(entry["time_ms"]) == STAGE_KEYS
        # the GNN sees at most 3 edges per true segment at every density
        assert entry["edges_per_hit"] <= 3 * entry["true_edges_per_hit"], n
    dense = by_n["10000"]
    assert dense["hits"] > 90_000
    assert dense["track_efficiency"] > dense["baseline_track_efficiency"]
    assert dense["peak_rss_mb"] < 1024


def test_scaling_keeps_old_keys_and_adds_the_fits(result):
    scaling = result["scaling"]
    assert {"n_hits", "seconds", "exponent"} <= set(scaling)
    assert len(scaling["seconds"]) == len(scaling["n_hits"]) == 5
    assert scaling["fit_range"] == [1000, 10000]
    assert set(scaling["exponent_by_stage"]) == STAGE_KEYS - {"total"}
    # times are measured, never asserted (machines are noisy): only their presence
    assert isinstance(scaling["exponent_total"], float)
