"""The instructor guide: schedules whose minutes add up and match the chapters' overview boxes."""

from __future__ import annotations

import itertools
import re

from hepml_course.data.paths import REPO_ROOT
from hepml_course.notebook_runner import toc_notebooks
from tests.test_book_structure import chapter_minutes

GUIDE = REPO_ROOT / "book" / "instructors.md"
ROW = re.compile(r"^\| (\d\d):(\d\d) \| (.+?) \| (\d+|–) \|$")


def schedules() -> list[list[tuple[int, str, int | None]]]:
    """Each schedule table as rows of (start minute of the day, session, minutes)."""
    tables, current = [], []
    for line in GUIDE.read_text().splitlines():
        match = ROW.match(line)
        if match:
            hours, minutes, session, length = match.groups()
            current.append(
                (int(hours) * 60 + int(minutes), session, None if length == "–" else int(length))
            )
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_there_are_one_day_and_three_day_schedules():
    text = GUIDE.read_text()
    assert "### One day" in text and "### Three days" in text
    assert len(schedules()) == 4


def test_start_times_add_up():
    for table in schedules():
        for (start, session, length), (next_start, _, _) in itertools.pairwise(table):
            assert length is not None, session
            assert next_start == start + length, f"{session!r}: {start} + {length} != {next_start}"
        assert table[-1][1] == "end of the day"
        assert table[-1][0] - table[0][0] <= 9 * 60, "a workshop day longer than 9 hours"


def test_chapter_rows_match_the_overview_boxes():
    minutes = {p.stem: sum(chapter_minutes(p)) for p in toc_notebooks()}
    seen = set()
    for table in schedules():
        for _start, session, length in table:
            stems = re.findall(r"`(\d\d_\w+)`", session)
            for stem in stems:
                assert length == minutes[stem], (
                    f"{stem}: schedule {length} min, chapter {minutes[stem]}"
                )
                seen.add(stem)
    assert seen == set(minutes), f"chapters missing from every schedule: {set(minutes) - seen}"


def test_three_day_schedule_has_every_chapter():
    three_days = schedules()[1:]
    stems = {
        s
        for table in three_days
        for _, session, _ in table
        for s in re.findall(r"`(\d\d_\w+)`", session)
    }
    assert stems == {p.stem for p in toc_notebooks()}
