"""Every chapter, executed as the book builds it and as a learner who answers nothing.

Measurements: ``python -m hepml_course.bench notebooks``. Wall time is not
asserted (machines are noisy); the CPU time of the kernel that fits the 120 s
budget on 2 cores is, and so is the 1.5 GB memory budget.
"""

from __future__ import annotations

import pytest

from hepml_course.notebook_runner import (
    CPU_BUDGET_S,
    MEMORY_BUDGET_MB,
    run_notebook,
    toc_notebooks,
)


@pytest.mark.notebook
@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_chapter_as_the_book_builds_it(path):
    result = run_notebook(path, timeout_s=600, mode="book")
    print(
        f"{path.stem}: {result.wall_s:.1f} s wall, {result.cpu_s:.1f} s CPU, "
        f"peak {result.peak_rss_mb:.0f} MB, checks {result.checks}"
    )
    assert result.ok, f"{path.name} failed:\n{result.error}"
    assert result.checks, f"{path.name} has no exercise check cell"
    assert result.noise == [], f"{path.name} has unclean outputs:\n" + "\n".join(result.noise)
    assert result.peak_rss_mb <= MEMORY_BUDGET_MB, (
        f"{path.name} peaked at {result.peak_rss_mb:.0f} MB (budget {MEMORY_BUDGET_MB:.0f} MB)"
    )
    assert result.cpu_s <= CPU_BUDGET_S, (
        f"{path.name} used {result.cpu_s:.0f} CPU s (budget {CPU_BUDGET_S:.0f} s on 2 cores)"
    )


@pytest.mark.notebook
@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_chapter_as_a_learner_runs_it(path):
    book = run_notebook(path, timeout_s=600, mode="learner")
    assert book.ok, f"{path.name} in learner mode:\n{book.error}"
    assert book.checks and all(c == "no answer, wrong rejected" for c in book.checks), book.checks
    assert book.noise == [], "\n".join(book.noise)
