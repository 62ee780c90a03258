"""``python -m hepml_course.bench tracking`` prints exactly the keys of the issue."""

from __future__ import annotations

import json

from hepml_course.bench.__main__ import main


def test_tracking_benchmark_keys_and_values(capsys):
    assert main(["tracking"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "edge_efficiency",
        "edge_purity",
        "track_efficiency",
        "fake_rate",
        "duplicate_rate",
        "trackml_score",
        "baseline",
        "scaling",
    ]
    assert set(out["baseline"]) == {"track_efficiency", "fake_rate"}
    assert set(out["scaling"]) == {"n_hits", "seconds", "exponent"}
    assert out["scaling"]["n_hits"] == sorted(out["scaling"]["n_hits"])
    assert len(out["scaling"]["seconds"]) == len(out["scaling"]["n_hits"]) == 5
    assert out["track_efficiency"] > out["baseline"]["track_efficiency"]
    assert 0.9 < out["edge_efficiency"] <= 1 and 0.9 < out["edge_purity"] <= 1
