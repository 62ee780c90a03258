"""The check function and the %%solution magic."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import (
    NO_ANSWER_MARK,
    SOLUTIONS_ENV,
    WRONG_MARK,
    ExerciseNotAnswered,
    ExerciseWrong,
    check,
    solutions_enabled,
)


def test_right_answer_passes_without_revealing(capsys):
    check("total", 45, 45.0)
    out = capsys.readouterr().out
    assert "✓ total: right" in out and "45" not in out


@pytest.mark.parametrize("missing", [..., None])
def test_missing_answer_says_no_answer_yet(missing):
    with pytest.raises(ExerciseNotAnswered, match=NO_ANSWER_MARK):
        check("total", missing, 45.0)


@pytest.mark.parametrize("wrong", [44, 45.1, "45 GeV", [45], float("nan")])
def test_wrong_answer_is_rejected_without_the_expected_value(wrong):
    with pytest.raises(ExerciseWrong, match=WRONG_MARK) as info:
        check("total", wrong, 45.0)
    assert "45.0" not in str(info.value).replace(str(wrong), "")


def test_tolerances():
    check("x", 1.0005, 1.0, rel_tol=1e-3)
    check("x", 0.01, 0.0, abs_tol=0.02)
    with pytest.raises(ExerciseWrong):
        check("x", 1.01, 1.0, rel_tol=1e-3)


def test_arrays_need_the_same_shape_and_values(capsys):
    check("masses", np.array([91.0, 90.5]), [91.0, 90.5])
    assert "all 2 values right" in capsys.readouterr().out
    with pytest.raises(ExerciseWrong, match="shape"):
        check("masses", [91.0], [91.0, 90.5])
    with pytest.raises(ExerciseWrong, match="1 of 2 values"):
        check("masses", [91.0, 80.0], [91.0, 90.5])
    with pytest.raises(ExerciseWrong, match="array of numbers"):
        check("masses", ["a", "b"], [91.0, 90.5])


def test_the_wrong_message_names_the_hint():
    with pytest.raises(ExerciseWrong, match="count events, not muons"):
        check("n", 3, 2, hint="count events, not muons")


class _Result:
    def __init__(self, error):
        self.error = error

    def raise_error(self):
        if self.error:
            raise self.error


class _Shell:
    """The part of IPython's shell the magic uses."""

    def __init__(self):
        self.magics = {}
        self.ran = []

    def register_magic_function(self, func, magic_kind, magic_name):
        assert magic_kind == "cell"
        self.magics[magic_name] = func

    def run_cell(self, cell):
        self.ran.append(cell)
        return _Result(ValueError("boom") if "boom" in cell else None)


def _magic():
    from hepml_course.exercises import load_ipython_extension

    shell = _Shell()
    load_ipython_extension(shell)
    return shell, shell.magics["solution"]


def test_solution_magic_does_not_run_for_a_learner(monkeypatch, capsys):
    monkeypatch.delenv(SOLUTIONS_ENV, raising=False)
    shell, solution = _magic()
    solution("", "answer = 42")
    assert shell.ran == [] and not solutions_enabled()
    assert "not run here" in capsys.readouterr().out


def test_solution_magic_runs_in_the_book_build(monkeypatch):
    monkeypatch.setenv(SOLUTIONS_ENV, "1")
    shell, solution = _magic()
    solution("", "answer = 42")
    assert shell.ran == ["answer = 42"]
    with pytest.raises(ValueError, match="boom"):
        solution("", "boom")
