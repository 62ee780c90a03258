"""The chapter's benchmarks print the keys the course promises."""

from __future__ import annotations

import pytest

from hepml_course.bench import available, load


def test_calo_sim_benchmark_measures_showers_per_second():
    assert "calo-sim" in available()
    result = load("calo-sim").run(["--energies", "5", "20", "--spots", "20000"])
    assert set(result) == {"showers_per_s", "spots_per_shower"}
    assert set(result["showers_per_s"]) == {"5", "20"}
    assert all(v > 0 for v in result["showers_per_s"].values())
    assert result["spots_per_shower"]["20"] == 4 * result["spots_per_shower"]["5"]


@pytest.mark.slow
def test_regression_benchmark_keys_and_targets():
    result = load("regression").run([])
    assert set(result["models"]) == {"linear", "bdt", "dnn"}
    for metrics in result["models"].values():
        assert set(metrics) == {
            "sigma_eff_rel",
            "response",
            "stochastic_a",
            "constant_c",
            "pull_width",
        }
        assert next(iter(metrics["response"])) == "1-2"
    dnn = result["models"]["dnn"]
    assert all(
        abs(r - 1) < 0.01 for b, r in dnn["response"].items() if float(b.split("-")[0]) >= 10
    )
    assert 0.9 < dnn["pull_width"] < 1.1
