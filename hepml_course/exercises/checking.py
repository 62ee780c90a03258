"""Compare a learner's answer with a reference computed out of sight."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["NO_ANSWER_MARK", "WRONG_MARK", "ExerciseNotAnswered", "ExerciseWrong", "check"]

#: Text in the message of a check whose answer is still ``...``.
NO_ANSWER_MARK = "no answer yet"
#: Text in the message of a check whose answer is wrong.
WRONG_MARK = "not right yet"


class ExerciseNotAnswered(AssertionError):
    """The learner has not replaced the ``...`` of the exercise cell yet."""


class ExerciseWrong(AssertionError):
    """The learner's answer does not match the reference."""


def _wrong(name: str, why: str, hint: str | None) -> ExerciseWrong:
    tail = f" Hint: {hint}" if hint else " Look again at the hint in the exercise."
    return ExerciseWrong(f"{name}: {WRONG_MARK} — {why}.{tail}")


def check(
    name: str,
    answer: object,
    expected: object,
    *,
    rel_tol: float = 1e-6,
    abs_tol: float = 0.0,
    hint: str | None = None,
) -> None:
    """Check a learner's answer against a reference, without revealing the reference.

    A right answer prints "✓ NAME: right" (not the value: the book page shows
    the check's output under the folded solution).

    Parameters
    ----------
    name
        What the answer is (printed).
    answer
        The learner's value: a number, or an array-like of numbers. ``...``
        (Ellipsis) or ``None`` means "not answered yet".
    expected
        The reference: a number or an array-like (compared element-wise, same
        shape required). Compute it in the check cell or in the package, never
        print it.
    rel_tol, abs_tol
        Tolerances, as in :func:`math.isclose` (element-wise for arrays).
    hint
        Extra advice printed when the answer is wrong (must not give the value).

    Raises
    ------
    ExerciseNotAnswered
        If the answer is still ``...`` (message contains :data:`NO_ANSWER_MARK`).
    ExerciseWrong
        If the answer has the wrong type or shape, or differs from the
        reference beyond the tolerances (message contains :data:`WRONG_MARK`).
    """
    if answer is Ellipsis or answer is None:
        raise ExerciseNotAnswered(
            f"{name}: {NO_ANSWER_MARK} — replace the `...` in the exercise cell with your answer"
        )
    reference = np.asarray(expected, dtype=float)
    if reference.ndim == 0:
        try:
            value = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _wrong(name, f"expected one number, got {type(answer).__name__}", hint) from None
        if not math.isfinite(value):
            raise _wrong(name, f"the answer is {value}", hint)
        if not math.isclose(value, float(reference), rel_tol=rel_tol, abs_tol=abs_tol):
            raise _wrong(name, f"{value:.6g} is not the value the reference gives", hint)
        print(f"✓ {name}: right")
        return
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise _wrong(
            name, f"expected an array of numbers, got {type(answer).__name__}", hint
        ) from None
    if values.shape != reference.shape:
        raise _wrong(
            name, f"expected an array of shape {reference.shape}, got shape {values.shape}", hint
        )
    close = np.isclose(values, reference, rtol=rel_tol, atol=abs_tol, equal_nan=False)
    if not np.all(close):
        n_bad = int(np.sum(~close))
        raise _wrong(name, f"{n_bad} of {close.size} values differ from the reference", hint)
    print(f"✓ {name}: all {values.size} values right")
