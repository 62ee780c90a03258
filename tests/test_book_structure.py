"""Every chapter follows the page skeleton of the book note: overview box, exercises, keypoints.

The conventions are in ``../shared/notes/book.md``; the notebook tests execute
the chapters, these tests read their source.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from hepml_course.data.paths import REPO_ROOT
from hepml_course.notebook_runner import toc_notebooks

CHAPTERS = toc_notebooks()
TIME_LINE = re.compile(r"\*\*Time:\*\* (\d+) min teaching · (\d+) min exercises")


def glossary_terms() -> set[str]:
    text = (REPO_ROOT / "book" / "glossary.md").read_text()
    body = text.split("```{glossary}", 1)[1].rsplit("```", 1)[0]
    return {line.strip().lower() for line in body.splitlines() if line and not line[0].isspace()}


def chapter_minutes(path) -> tuple[int, int]:
    """(teaching, exercise) minutes from a chapter's overview box."""
    match = TIME_LINE.search(path.read_text())
    assert match, f"{path.name}: no '**Time:** N min teaching · M min exercises' line"
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_overview_box_comes_first(path):
    text = path.read_text()
    body = text.split("\n# ", 1)[1]
    box = re.search(r":::\{admonition\} Overview\n(.*?)\n:::", body, re.S)
    assert box, f"{path.name}: no ':::{{admonition}} Overview' box"
    before = body[: box.start()]
    assert "```{code-cell}" not in before and "\n## " not in before, (
        f"{path.name}: the overview box must come right after the title"
    )
    content = box.group(1)
    for part in ("**Time:**", "**Questions**", "**You will learn**", "**Prerequisites:**"):
        assert part in content, f"{path.name}: the overview box lacks {part}"
    teaching, exercises = chapter_minutes(path)
    assert 10 <= teaching <= 120 and 5 <= exercises <= 90
    notebook = f"../../notebooks/{path.stem}.ipynb"
    assert notebook in content, f"{path.name}: the overview box does not link {notebook}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_keypoints_close_the_chapter(path):
    text = path.read_text().rstrip()
    box = re.search(r":::\{admonition\} Keypoints\n(.*?)\n:::$", text, re.S)
    assert box, f"{path.name}: must end with a ':::{{admonition}} Keypoints' box"
    bullets = [line for line in box.group(1).splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5, f"{path.name}: {len(bullets)} keypoints (want 3–5)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_glossary_links_resolve(path):
    terms = glossary_terms()
    used = re.findall(r"\{term\}`([^`]+)`", path.read_text())
    targets = [re.sub(r"^.*<(.+)>$", r"\1", u).strip().lower() for u in used]
    assert len(set(targets)) >= 3, f"{path.name}: link at least 3 glossary terms with {{term}}"
    missing = sorted(set(targets) - terms)
    assert not missing, f"{path.name}: {{term}} targets not in book/glossary.md: {missing}"


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_are_answer_solution_check(path):
    """Answer (one `...`), then a %%solution cell, then a check that prints nothing revealing."""
    cells = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    assert "%load_ext hepml_course.exercises" in cells[0].source, (
        f"{path.name}: the first code cell must load the %%solution magic"
    )
    answers = [i for i, c in enumerate(cells) if "answer" in _tags(c)]
    assert answers, f"{path.name} has no exercise"
    for i in answers:
        answer, solution, check = cells[i], cells[i + 1], cells[i + 2]
        assert answer.source.count("...") == 1, f"{path.name}: {answer.source!r}"
        assert "wrong_answer" in answer.metadata, (
            f"{path.name}: {answer.source!r} has no wrong_answer"
        )
        assert "solution" in _tags(solution), f"{path.name}: no solution after {answer.source!r}"
        assert solution.source.startswith("%%solution"), f"{path.name}: {solution.source[:40]!r}"
        assert solution.metadata.get("jupyter", {}).get("source_hidden") is True
        assert "check" in _tags(check), f"{path.name}: no check cell after the solution"
        assert "print(" not in check.source, f"{path.name}: a check cell prints: {check.source!r}"
    solutions = [c for c in cells if "solution" in _tags(c)]
    checks = [c for c in cells if "check" in _tags(c)]
    assert len(solutions) == len(checks) == len(answers)
