"""The simulation-based-inference benchmark prints the issue's keys, with sane physics."""

from __future__ import annotations

import pytest

from hepml_course.inference.sample import default_observables


def test_benchmark_keys_and_quality():
    from hepml_course.bench import sbi

    out = sbi.run(["--toys", "60"])
    for key in ("parameter", "true_value", "template", "learned", "width_ratio_68", "n_toys"):
        assert key in out
    assert out["parameter"] == "TimeShower:alphaSvalue"
    assert out["true_value"] == pytest.approx(0.1365, abs=1e-6)
    assert out["n_toys"] == 60
    for method in ("template", "learned"):
        result = out[method]
        for key in ("estimate", "interval68", "interval95", "coverage68"):
            assert key in result
        lo68, hi68 = result["interval68"]
        lo95, hi95 = result["interval95"]
        assert lo95 < lo68 < result["estimate"] < hi68 < hi95
        # 60 toys: binomial σ ≈ 0.06 on a 68 % coverage; ±0.2 is > 3σ
        assert 0.48 <= result["coverage68"] <= 0.88
        assert abs(result["bias"]) < result["mean_width68"] / 2
    # the observable was chosen on validation toys, among the dataset's observables
    assert out["template"]["observable"] in default_observables()
    assert out["template"]["observable"] == min(
        out["template_widths_validation"], key=out["template_widths_validation"].get
    )
    # every observable at once beats the best single one
    assert out["width_ratio_68"] < 0.9
