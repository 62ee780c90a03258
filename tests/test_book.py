"""The book's structure: table of contents, MyST notebooks, execution settings."""

from __future__ import annotations

import subprocess

import jupytext
import pytest
import yaml

from hepml_course.data.paths import REPO_ROOT
from hepml_course.notebook_runner import toc_notebooks


def _toc_files() -> list[str]:
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_toc_entry_exists():
    for f in _toc_files():
        assert (REPO_ROOT / f"{f}.md").exists(), f"_toc.yml lists {f} but {f}.md does not exist"


def test_every_chapter_is_in_the_toc():
    listed = {REPO_ROOT / f"{f}.md" for f in _toc_files()}
    for path in (REPO_ROOT / "book" / "chapters").glob("*.md"):
        assert path in listed, f"{path.name} is not in _toc.yml"


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_chapters_are_myst_notebooks_with_code(path):
    header = path.read_text().split("---")[1]
    assert "format_name: myst" in header, f"{path.name} lacks the jupytext MyST header"
    notebook = jupytext.read(path)
    assert sum(c.cell_type == "code" for c in notebook.cells) >= 5


def test_execution_fails_loudly():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    assert config["execute"]["allow_errors"] is False
    assert config["execute"]["execute_notebooks"] in {"force", "cache"}
    assert config["only_build_toc_files"] is True
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["sphinx"]["config"]["mathjax_path"].startswith("mathjax/")


def test_no_committed_notebook_outputs():
    tracked = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    assert tracked == [], f"committed .ipynb files: {tracked}"
