"""The notebook runner: learner notebooks, output scanning, both modes on a toy chapter."""

from __future__ import annotations

import nbformat
import pytest

from hepml_course.data.paths import REPO_ROOT
from hepml_course.notebook_runner import (
    learner_notebook,
    output_noise,
    run_notebook,
    toc_notebooks,
    write_learner_notebooks,
)

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# Toy chapter

```{code-cell} ipython3
%load_ext hepml_course.exercises
import numpy as np
data = np.arange(10)
```

```{code-cell} ipython3
---
tags: [answer]
wrong_answer: 44
---
total = ...  # your answer here
```

```{code-cell} ipython3
---
tags: [solution, hide-cell]
jupyter:
  source_hidden: true
---
%%solution
total = int(data.sum())
```

```{code-cell} ipython3
---
tags: [check]
---
from hepml_course.exercises import check
check("the sum", total, CHECK)
```
"""


def _chapter(tmp_path, check_expr="data.sum()", extra=""):
    path = tmp_path / "toy.md"
    path.write_text(HEADER.replace("CHECK", check_expr) + extra)
    return path


def _notebook_with_output(**output):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output(**output)]
    nb.cells = [cell]
    return nb


@pytest.mark.parametrize(
    ("output", "finding"),
    [
        ({"output_type": "stream", "name": "stderr", "text": "x"}, "stderr"),
        ({"output_type": "stream", "name": "stdout", "text": "UserWarning: x"}, "warning"),
        ({"output_type": "stream", "name": "stdout", "text": "10/10 ━━━━━━ 0s"}, "progress"),
        ({"output_type": "stream", "name": "stdout", "text": "50%\r100%"}, "progress"),
        (
            {
                "output_type": "execute_result",
                "data": {"text/plain": "<matplotlib.legend.Legend at 0x7f>"},
                "execution_count": 1,
            },
            "object repr",
        ),
        (
            {"output_type": "stream", "name": "stdout", "text": "saved /tmp/abc/model.h5"},
            "absolute path",
        ),
        (
            {"output_type": "stream", "name": "stdout", "text": f"read {REPO_ROOT}/data/x.root"},
            "absolute path",
        ),
        (
            {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []},
            "traceback",
        ),
    ],
)
def test_output_noise_finds(output, finding):
    found = output_noise(_notebook_with_output(**output))
    assert any(finding in f for f in found), found


def test_clean_output_is_not_noise():
    nb = _notebook_with_output(
        output_type="stream", name="stdout", text="AUC 0.97 on data/jets.root (3750 jets), 1/2 done"
    )
    assert output_noise(nb) == []


def test_book_mode_runs_solutions_and_checks(tmp_path):
    run = run_notebook(_chapter(tmp_path), mode="book")
    assert run.ok, run.error
    assert run.checks == ["passed"] and run.noise == []
    assert run.peak_rss_mb > 10 and run.cpu_s > 0


def test_learner_mode_expects_no_answer_then_rejects_a_wrong_one(tmp_path):
    run = run_notebook(_chapter(tmp_path), mode="learner")
    assert run.ok, run.error
    assert run.checks == ["no answer, wrong rejected"]


def test_learner_mode_fails_when_a_check_accepts_the_wrong_answer(tmp_path):
    run = run_notebook(_chapter(tmp_path, check_expr="44"), mode="learner")
    assert not run.ok and "not rejected" in run.error


def test_learner_mode_fails_when_another_cell_fails(tmp_path):
    extra = "\n```{code-cell} ipython3\nprint(total + 1)\n```\n"
    run = run_notebook(_chapter(tmp_path, extra=extra), mode="learner")
    assert not run.ok and "TypeError" in run.error


def test_book_mode_fails_when_a_check_fails(tmp_path):
    run = run_notebook(_chapter(tmp_path, check_expr="46"), mode="book")
    assert not run.ok and "not right yet" in run.error


def test_learner_notebooks_have_no_solutions(tmp_path):
    written = write_learner_notebooks(tmp_path)
    assert [p.stem for p in written] == [p.stem for p in toc_notebooks()]
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        assert not any("solution" in c.metadata.get("tags", []) for c in notebook.cells)
        assert not any("%%solution" in c.source for c in notebook.cells)


def test_learner_notebook_drops_only_solution_cells(tmp_path):
    path = _chapter(tmp_path)
    cells = learner_notebook(path).cells
    assert [c.cell_type for c in cells].count("code") == 3


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="mode must be"):
        run_notebook(_chapter(tmp_path), mode="teacher")


def test_memory_counts_the_kernel_not_other_children_of_the_runner(tmp_path):
    """A big process started by the test worker (e.g. a Dask cluster) is not the notebook's."""
    import subprocess
    import sys

    hog = subprocess.Popen(
        [sys.executable, "-c", "import time; x = bytearray(400 * 2**20); time.sleep(120)"]
    )
    try:
        run = run_notebook(_chapter(tmp_path), mode="book")
    finally:
        hog.kill()
        hog.wait()
    assert run.ok, run.error
    assert 20 < run.peak_rss_mb < 300, run.peak_rss_mb
