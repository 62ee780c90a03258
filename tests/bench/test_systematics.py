"""The systematics benchmark prints the issue's keys, with sane physics (quick configuration)."""

from __future__ import annotations

import json

import numpy as np
import pytest


@pytest.fixture(scope="module")
def quick():
    from hepml_course.bench import systematics

    return systematics.run(["--quick"])


def test_keys_are_the_issues_and_json(quick):
    json.dumps(quick, allow_nan=True)
    for method in ("plain", "adversary", "disco", "mdmm"):
        assert {"rej50", "jsd_mass"} <= set(quick["decorrelation"][method])
    assert {"interpolation_auc", "dedicated_auc"} <= set(quick["parametrised"])
    assert {"source_only_acc", "adapted_acc", "target_trained_acc"} <= set(quick["domain"])
    assert {"ece_single", "ece_ensemble"} <= set(quick["calibration"])
    assert {"coverage_68", "coverage_95", "pull_width", "low_e_gain_vs_linear"} <= set(
        quick["regression"]
    )
    assert "models" not in quick["decorrelation"]  # fitted models are not part of the JSON


def test_decorrelation_trades_rejection_for_an_unsculpted_mass(quick):
    dec = quick["decorrelation"]
    plain = dec["plain"]
    # the plain tagger leans on the mass: far more sculpting than a random cut of the same size
    assert plain["jsd_mass"] > 2 * plain["jsd_floor"]
    assert plain["rej50"] > 50
    for method in ("adversary", "disco", "mdmm"):
        # each method removes most of the sculpting, and pays in rejection
        assert dec[method]["jsd_mass"] < plain["jsd_mass"] / 4, method
        assert dec[method]["rej50"] < plain["rej50"], method
        assert dec[method]["rej50"] > 3, method  # still a tagger, not a random cut


def test_parametrised_domain_calibration_and_regression(quick):
    par = quick["parametrised"]
    assert abs(par["interpolation_auc"] - par["dedicated_auc"]) < 0.015
    dom = quick["domain"]
    # MPI costs accuracy; adaptation without target labels does not make it worse
    assert dom["target_trained_acc"] > dom["source_only_acc"]
    assert dom["adapted_acc"] > dom["source_only_acc"] - 0.005
    cal = quick["calibration"]
    assert cal["ece_ensemble"] <= cal["ece_single"]
    assert cal["ece_ensemble"] < cal["ece_floor"] + 3 * cal["ece_floor_std"]
    reg = quick["regression"]
    # 3,500 test showers: binomial σ ≈ 0.008 (68 %) and 0.004 (95 %)
    assert reg["coverage_68"] == pytest.approx(0.68, abs=0.03)
    assert reg["coverage_95"] == pytest.approx(0.95, abs=0.02)
    assert 0.9 < reg["pull_width"] < 1.1
    # the network with θ beats the linear calibration at 1–2 GeV, below the true-loss oracle
    assert 0.10 < reg["low_e_gain_vs_linear"] < reg["oracle_low_e_gain"]
    assert np.isfinite(quick["seconds"]["regression"])
