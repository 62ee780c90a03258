"""The book's exercises: check cells that test the learner, and solutions kept apart.

An exercise in a chapter is three cells:

1. the learner's cell, tagged ``answer``: ``n_two_muons = ...  # your answer here``;
2. the solution, tagged ``solution`` (and ``hide-cell``: folded with its
   output), whose first line is the cell magic ``%%solution``: it runs only
   when solutions are switched on (the book build sets
   ``HEPML_COURSE_SOLUTIONS=1``), so a learner who runs
   the chapter top to bottom in JupyterLab never has an answer overwritten.
   The learner notebooks (``make notebooks``) do not contain it at all;
3. the check, tagged ``check``: it calls :func:`check` (or a chapter's
   reference function in :mod:`hepml_course.exercises`) with a value computed
   out of sight, and fails with "no answer yet" or "not right yet" — it never
   prints the expected value.

Load the magic once per chapter with ``%load_ext hepml_course.exercises``.
"""

from __future__ import annotations

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "check": "checking",
        "ExerciseNotAnswered": "checking",
        "ExerciseWrong": "checking",
        "NO_ANSWER_MARK": "checking",
        "WRONG_MARK": "checking",
        "solutions_enabled": "magic",
        "SOLUTIONS_ENV": "magic",
        "load_ipython_extension": "magic",
        "hep_data": None,
        "classification": None,
        "regression": None,
        "tracking": None,
        "generative": None,
        "unfolding": None,
        "inference": None,
        "systematics": None,
        "anomaly": None,
        "fpga": None,
        "foundation": None,
    },
)
