"""The ``%%solution`` cell magic: run a solution only when solutions are switched on.

The book build (``make book``) and the notebook tests set
``HEPML_COURSE_SOLUTIONS=1``; a learner's JupyterLab session does not, so a
solution cell never overwrites the learner's answer before its check.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["SOLUTIONS_ENV", "load_ipython_extension", "solutions_enabled"]

#: Environment variable that switches solution cells on (value ``1``).
SOLUTIONS_ENV = "HEPML_COURSE_SOLUTIONS"


def solutions_enabled() -> bool:
    """True if solution cells run (``HEPML_COURSE_SOLUTIONS=1`` in the kernel's environment)."""
    return os.environ.get(SOLUTIONS_ENV, "") == "1"


def _solution(line: str, cell: str, shell: Any) -> None:
    if not solutions_enabled():
        print(
            "(The solution is not run here, so it cannot overwrite your answer. "
            "The book page shows it; to run it, set HEPML_COURSE_SOLUTIONS=1 before "
            "starting Jupyter.)"
        )
        return
    result = shell.run_cell(cell)
    result.raise_error()


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%solution`` (``%load_ext hepml_course.exercises``)."""

    def solution(line: str, cell: str) -> None:
        _solution(line, cell, ipython)

    ipython.register_magic_function(solution, magic_kind="cell", magic_name="solution")
