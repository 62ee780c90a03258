"""The instructor guide's tables are generated from the stored benchmark records."""

from __future__ import annotations

import json

import pytest

from hepml_course.bench import report
from hepml_course.bench._tables import RENDERERS, SECTIONS, render_all


def test_tables_are_up_to_date_with_the_records():
    """`book/bench/tables.md` is exactly what the records give (never typed by hand)."""
    assert report.TABLES.exists(), "run `python -m hepml_course.bench report`"
    assert report.TABLES.read_text() == render_all(report.load_records())


def test_the_instructor_guide_includes_the_tables():
    guide = (report.REPO_ROOT / "book" / "instructors.md").read_text()
    assert "```{include} bench/tables.md" in guide


@pytest.mark.parametrize("name", sorted(report.load_records()))
def test_each_record_has_provenance_and_its_own_renderer(name):
    entry = report.load_records()[name]
    assert entry["command"].startswith(f"python -m hepml_course.bench {name}")
    assert entry["date"] and entry["machine"]["cpus"]
    if name in RENDERERS:
        RENDERERS[name](entry["result"])  # does not fall back to the generic table


def test_missing_records_say_how_to_record_them():
    text = render_all({})
    for name, _title in SECTIONS:
        assert f"python -m hepml_course.bench report --run {name}" in text


def test_a_damaged_record_names_the_file(tmp_path):
    (tmp_path / "fpga.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"fpga.json.*--run fpga"):
        report.load_records(tmp_path)
    (tmp_path / "fpga.json").write_text(json.dumps([1, 2]))
    with pytest.raises(ValueError, match="not a benchmark record"):
        report.load_records(tmp_path)


def test_report_refuses_unknown_benchmarks():
    with pytest.raises(SystemExit):
        report.run(["--run", "no-such-benchmark"])
