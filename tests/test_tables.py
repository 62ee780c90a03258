"""Tables for the book column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hepml_course.tables import format_number, table


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.82345, "0.823"),
        (20816.0, "20\u202f816"),
        (float("nan"), "–"),
        (None, "–"),
        (12, "12"),
        (2.5e-5, "2.50e-05"),
        (940.4, "940"),
        (np.float32(0.5), "0.500"),
        (np.int64(7), "7"),
        (True, "yes"),
        ("q6_p75", "q6_p75"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_table_is_scrollable_html_with_rounded_cells():
    html = table({"model": ["bdt", "dnn"], "auc": [0.82312, float("nan")]}, caption="AUC").data
    assert "overflow-x: auto" in html and "<table" in html
    assert "0.823" in html and "–" in html and "0.82312" not in html and "AUC" in html


def test_table_accepts_rows_and_frames():
    rows = [{"a": 1.23456, "b": 2}, {"a": 3.0, "b": 4}]
    assert "1.23" in table(rows).data
    assert "1.23" in table(pd.DataFrame(rows)).data


def test_integer_columns_with_a_missing_value_stay_integers():
    html = table({"cycles": [15, None, 27]}).data
    assert ">15<" in html and ">27<" in html and "15.0" not in html


def test_table_refuses_other_input():
    with pytest.raises(TypeError, match="DataFrame"):
        table(42)
