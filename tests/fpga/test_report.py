"""The deployment table: compact columns, missing values as None, integers stay integers."""

from __future__ import annotations

from hepml_course.fpga.report import REFERENCES, TABLE_COLUMNS, ModelRow, frame, table


def _rows():
    return [
        ModelRow("float", 0.7, 16, 0.0, None, note="needs Vitis HLS"),
        ModelRow("q6_p75", 0.69, 6, 0.75, 1.0, 15, 5.0, lut=20368, dsp=0, source="yosys"),
    ]


def test_table_rows_name_what_is_missing_and_put_references_last():
    out = table(_rows())
    assert [list(r) for r in out] == [list(TABLE_COLUMNS)] * (2 + len(REFERENCES))
    assert out[0]["LUT"] is None and out[0]["source"] == "needs Vitis HLS"
    assert out[1]["ns"] == 75 and isinstance(out[1]["ns"], int)
    assert [r["model"] for r in out[2:]] == [ref["name"] for ref in REFERENCES]
    assert len(table(_rows(), with_references=False)) == 2


def test_frame_keeps_integers_next_to_missing_values():
    df = frame(_rows(), with_references=False)
    assert df["cycles"].tolist() == [None, 15]
    assert isinstance(df["LUT"].iloc[1], int)
