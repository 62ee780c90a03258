"""``python -m hepml_course.bench robustness``: no raw error and no silent result on bad input."""

from __future__ import annotations

import pytest

from hepml_course.bench import available
from hepml_course.bench._robustness_cases import Trial
from hepml_course.bench.robustness import judge, run, run_suite

#: A subset for the default run: one dataset, the model files, one real file, the generate flags.
FAST = ["data/dimuon/", "models/", "foreign/Run2012", "cli/generate/events", "cli/generate/out"]


def _assert_clean(result: dict) -> None:
    assert result["raw_error"] == 0, result["problems"]
    assert result["silent"] == 0, result["problems"]
    assert result["tried"] == sum(result[k] for k in ("clear_error", "raw_error", "silent", "ok"))
    assert set(result["cases"].values()) <= {"clear_error", "ok"}


def test_is_listed():
    assert "robustness" in available()


def test_judge_tells_clear_raw_and_silent_apart(tmp_path):
    from hepml_course.data import load

    missing = tmp_path / "none.root"
    clear = Trial(lambda: load("dimuon", path=missing), [str(missing)])
    assert judge(clear)[0] == "clear_error"
    raw = Trial(lambda: {}["key"], ["x"])
    assert judge(raw)[0] == "raw_error"
    nameless = Trial(lambda: load("dimuon", path=missing), ["--events"])
    assert judge(nameless)[0] == "raw_error"  # the message does not name what it should
    assert judge(Trial(lambda: 1, ["x"]))[0] == "silent"
    assert judge(Trial(lambda: 1, ["x"], expect_ok=True, check=lambda r: r == 2))[0] == "silent"
    assert judge(Trial(lambda: 1, ["x"], expect_ok=True, check=lambda r: r == 1))[0] == "ok"


def test_fast_subset_has_no_raw_error_and_no_silent_result():
    result = run_suite(FAST)
    assert result["tried"] >= 50
    _assert_clean(result)


@pytest.mark.slow
def test_full_suite_has_no_raw_error_and_no_silent_result():
    result = run([])
    assert result["tried"] >= 100
    _assert_clean(result)
