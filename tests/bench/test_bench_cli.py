"""The benchmark entry point."""

from __future__ import annotations

import pytest

from hepml_course.bench import available, load
from hepml_course.bench.__main__ import main


def test_notebooks_benchmark_is_listed():
    assert "notebooks" in available()


def test_unknown_benchmark_exits_with_the_list():
    with pytest.raises(SystemExit, match=r"available: .*notebooks"):
        load("nope")


def test_usage(capsys):
    assert main([]) == 2
    assert "benchmarks:" in capsys.readouterr().out


def test_contract_benchmark_is_listed_and_checks_the_shared_reweighter():
    assert "contract" in available()
    result = load("contract").run(["--only", "nn.ClassifierReweighter"])
    assert result == {
        "models": {
            "nn.ClassifierReweighter": {
                "public": True,
                "not_fitted_error": True,
                "length_mismatch_error": True,
                "fit_returns_self": True,
                "save_load_identical": True,
            }
        }
    }
