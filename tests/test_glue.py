"""Glued numbers are plain Python numbers (MyST-NB cannot format NumPy reprs)."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.glue import plain


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        (np.float64(0.5), 0.5, float),
        (np.float32(1.5), 1.5, float),
        (np.int64(3), 3, int),
        (np.bool_(True), True, bool),
        (np.array(2.5), 2.5, float),
        (7, 7, int),
        ("text", "text", str),
    ],
)
def test_plain(value, expected, kind):
    out = plain(value)
    assert out == expected and type(out) is kind
    assert not repr(out).startswith("np.")
