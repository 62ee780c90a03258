"""Jagged-array helpers."""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.jagged import jagged_isin


def test_jagged_isin_keeps_structure_and_marks_members():
    ids = ak.Array([[11, -13, 211], [], [12, 14]])
    mask = jagged_isin(np.abs(ids), (12, 13, 14))
    assert ak.to_list(mask) == [[False, True, False], [], [True, True]]


def test_jagged_isin_accepts_an_array_of_values():
    mask = jagged_isin(ak.Array([[1, 2], [3]]), np.array([3]))
    assert ak.to_list(mask) == [[False, False], [True]]
