"""Execute the book's MyST-markdown notebooks and measure them.

Used by the test suite (every chapter must execute without error) and by
``python -m hepml_course.bench notebooks`` (wall time and the kernel's peak
memory, against the budget of 120 s and 2 GB per notebook on 2 CPU cores).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import yaml

from hepml_course.data.paths import REPO_ROOT

#: Budget per chapter notebook on 2 CPU cores.
WALL_BUDGET_S = 120.0
MEMORY_BUDGET_MB = 2048.0


@dataclass(frozen=True)
class NotebookRun:
    """Measurements of one notebook execution."""

    path: Path
    wall_s: float
    peak_rss_mb: float
    error: str | None

    @property
    def ok(self) -> bool:
        """True if every cell ran without error."""
        return self.error is None


def toc_notebooks(root: Path = REPO_ROOT) -> list[Path]:
    """Chapter notebooks listed in ``_toc.yml`` (files under ``book/chapters/``), in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return [root / f"{f}.md" for f in files if f.startswith("book/chapters/")]


class _PeakMemory:
    """Poll the summed RSS of this process's children (the kernel and what it spawns)."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        me = psutil.Process(os.getpid())
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_notebook(path: Path, timeout_s: float = 600.0) -> NotebookRun:
    """Execute a MyST-markdown notebook in a fresh kernel and measure it.

    Parameters
    ----------
    path
        The ``.md`` notebook (jupytext MyST format).
    timeout_s
        Per-cell timeout, s.

    Returns
    -------
    NotebookRun
        Wall time (s), peak resident memory of the kernel process tree (MB) and
        the error text if a cell failed.
    """
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(path)
    client = NotebookClient(
        notebook,
        timeout=int(timeout_s),
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    error: str | None = None
    start = time.perf_counter()
    with _PeakMemory() as memory:
        try:
            client.execute()
        except CellExecutionError as err:
            error = str(err)
        except Exception as err:  # timeouts, dead kernels
            error = f"{type(err).__name__}: {err}"
    wall = time.perf_counter() - start
    return NotebookRun(path, wall, memory.peak_bytes / 2**20, error)
