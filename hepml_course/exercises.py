"""Check cells for the book's exercises: compare a learner's answer with the expected one."""

from __future__ import annotations

import math

__all__ = ["check"]


def check(
    name: str, answer: object, expected: float, rel_tol: float = 1e-6, abs_tol: float = 0.0
) -> None:
    """Assert that a numeric answer matches, with a helpful message.

    Parameters
    ----------
    name
        What the answer is (printed).
    answer
        The learner's value; ``...`` (Ellipsis) means "not answered yet".
    expected
        The reference value.
    rel_tol, abs_tol
        Tolerances, as in :func:`math.isclose`.

    Raises
    ------
    AssertionError
        If the answer is missing or differs from the expected value.
    """
    if answer is Ellipsis or answer is None:
        raise AssertionError(f"{name}: no answer yet — replace the `...` in the exercise cell")
    value = float(answer)  # type: ignore[arg-type]
    if not math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        raise AssertionError(
            f"{name}: got {value:.6g}, expected {expected:.6g}. Look again at the hint."
        )
    print(f"✓ {name} = {value:.6g}")
