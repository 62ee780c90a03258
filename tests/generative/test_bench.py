"""``python -m hepml_course.bench generative`` prints the issue's keys (small settings)."""

from __future__ import annotations

from hepml_course.bench import available, load


def test_generative_benchmark_keys():
    assert "generative" in available()
    out = load("generative").run(
        ["--n-test", "300", "--low-level-epochs", "2", "--energies", "10,50", "--n-speed", "300"]
    )
    assert set(out["generators"]) == {"vae", "gan", "flow_matching", "distilled"}
    for row in out["generators"].values():
        assert set(row) == {
            "auc_high_level",
            "auc_low_level",
            "fpd",
            "w1_mean",
            "showers_per_s",
            "auc_by_group",
            "speed_up_at_50_gev",
            "n_train_showers",
        }
        assert 0 <= row["auc_high_level"] <= 1 and row["showers_per_s"] > 0
        assert set(row["auc_by_group"]) == {"energies", "centroids", "widths", "sparsity"}
        assert row["speed_up_at_50_gev"] > 1 and row["n_train_showers"] >= 100_000
    ref = out["reference"]
    assert set(ref) == {"auc_high_level", "auc_low_level", "auc_by_group", "fpd", "showers_per_s"}
    assert set(ref["showers_per_s"]) == {"10", "50"}
    # the simulator is slower at higher energy: its cost grows with the number of spots
    assert ref["showers_per_s"]["10"] > ref["showers_per_s"]["50"]
    assert "shipped" in out["setup"]["weights"]
    assert out["setup"]["n_test_showers"] == 300 and "afresh" in out["setup"]["test_showers"]
