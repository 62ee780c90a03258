"""Every chapter notebook executes (timings: `python -m hepml_course.bench notebooks`)."""

from __future__ import annotations

import pytest

from hepml_course.notebook_runner import run_notebook, toc_notebooks


@pytest.mark.notebook
@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_notebook_executes(path):
    result = run_notebook(path, timeout_s=600)
    print(f"{path.stem}: {result.wall_s:.1f} s, peak {result.peak_rss_mb:.0f} MB")
    assert result.ok, f"{path.name} failed:\n{result.error}"
