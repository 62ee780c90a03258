"""Execute the book's MyST-markdown notebooks, measure them and check their pages.

Two ways to run a chapter:

* ``mode="book"`` — as the book build does: solutions switched on
  (``HEPML_COURSE_SOLUTIONS=1``). Every cell must run, every check cell must
  print ✓, and the outputs must be clean (:func:`output_noise`).
* ``mode="learner"`` — as a learner who answers nothing: the notebook without
  its ``solution`` cells (what ``make notebooks`` writes). Every ``check`` cell
  must fail with the "no answer yet" message, and nothing else may fail. After
  each such check the runner also answers wrongly (the answer cell with its
  ``...`` replaced by the cell's ``wrong_answer`` metadata, default ``-987.6``)
  and the check must then fail with the "not right yet" message.

Used by the test suite and by ``python -m hepml_course.bench notebooks``
(budget: 120 s wall, 1.5 GB peak memory of the kernel process tree, 2 cores).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import psutil
import yaml

from hepml_course.data.paths import REPO_ROOT

__all__ = [
    "CPU_BUDGET_S",
    "MEMORY_BUDGET_MB",
    "WALL_BUDGET_S",
    "NotebookRun",
    "learner_notebook",
    "output_noise",
    "run_notebook",
    "toc_notebooks",
    "write_learner_notebooks",
]

#: Budget per chapter notebook on 2 CPU cores.
WALL_BUDGET_S = 120.0
MEMORY_BUDGET_MB = 1536.0
#: CPU seconds of the kernel process tree that fit in the wall budget on 2 cores
#: (what the tests assert: CPU time does not grow when a busy machine slows the wall clock).
CPU_BUDGET_S = 2 * WALL_BUDGET_S

#: Default wrong answer substituted for ``...`` in learner mode.
DEFAULT_WRONG_ANSWER = "-987.6"

Mode = Literal["book", "learner"]


@dataclass
class NotebookRun:
    """Measurements and findings of one notebook execution.

    Attributes
    ----------
    path
        The executed ``.md`` file.
    mode
        ``"book"`` or ``"learner"``.
    wall_s, cpu_s, peak_rss_mb
        Wall time (s), CPU time of the kernel process tree (s) and its peak
        resident memory (MB).
    error
        The first unexpected failure (a cell error in book mode; in learner
        mode anything but the expected check failures), or ``None``.
    noise
        Descriptions of unclean outputs found (book mode), see :func:`output_noise`.
    checks
        Per check cell, what happened (``"passed"``, ``"no answer"``, ``"wrong rejected"``).
    notebook
        The executed notebook (nbformat node).
    """

    path: Path
    mode: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    error: str | None
    noise: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    notebook: Any = None

    @property
    def ok(self) -> bool:
        """True if the run met the mode's expectations (see the module docstring)."""
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


def _is_unexeced_fork(process: psutil.Process, runner_pid: int) -> bool:
    """A child forked by the kernel (or its children) that has not exec'd a new program yet.

    Between ``fork`` and ``exec`` (e.g. ``subprocess`` starting ``g++``) the child is
    a copy-on-write image of its parent with the same command line: its resident
    pages are the parent's, so the runner must not add them a second time.
    """
    parent = process.parent()
    if parent is None or parent.pid == runner_pid:
        return False
    return process.cmdline() == parent.cmdline() and process.exe() == parent.exe()


class _KernelMonitor:
    """Poll the summed RSS and CPU time of the client's kernel and the processes it starts."""

    def __init__(self, client: Any, interval_s: float = 0.05) -> None:
        self.client = client
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def _kernel(self) -> psutil.Process | None:
        """The kernel process of the client, once it has started (None before)."""
        manager = getattr(self.client, "km", None)
        provisioner = getattr(manager, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        try:
            return psutil.Process(pid) if pid else None
        except psutil.Error:
            return None

    def _poll(self) -> None:
        me = psutil.Process(os.getpid())
        kernel = None
        while not self._stop.is_set():
            kernel = kernel or self._kernel()
            total = 0
            try:
                # the kernel and what it starts: not other children of this process
                # (a test worker may hold Dask clusters or helper processes of its own)
                tree = [kernel, *kernel.children(recursive=True)] if kernel else []
            except psutil.Error:
                tree = []
            for child in tree:
                try:
                    with child.oneshot():
                        if child is not kernel and _is_unexeced_fork(child, me.pid):
                            continue  # shares the kernel's pages: counting it would double them
                        total += child.memory_info().rss
                        times = child.cpu_times()
                    self._cpu[child.pid] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> _KernelMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def learner_notebook(path: Path) -> Any:
    """The chapter as a learner gets it: every cell tagged ``solution`` removed.

    Parameters
    ----------
    path
        The chapter's MyST ``.md`` file.

    Returns
    -------
    nbformat.NotebookNode
    """
    import jupytext

    notebook = jupytext.read(path)
    notebook.cells = [c for c in notebook.cells if "solution" not in _tags(c)]
    return notebook


def write_learner_notebooks(out_dir: Path, root: Path = REPO_ROOT) -> list[Path]:
    """Write every chapter as an ``.ipynb`` without solutions (and without outputs).

    Parameters
    ----------
    out_dir
        Folder to write into (created); existing ``.ipynb`` files of the same
        names are replaced atomically, nothing else is touched.

    Returns
    -------
    list of Path
        The written notebooks, in book order.
    """
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in toc_notebooks(root):
        notebook = learner_notebook(path)
        notebook.metadata.pop("jupytext", None)
        target = out_dir / f"{path.stem}.ipynb"
        partial = target.with_name(f".{target.name}.partial")
        nbformat.write(notebook, partial)
        partial.replace(target)
        written.append(target)
    return written


# --- output scanning -------------------------------------------------------------------------

_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:work|home|root|tmp|usr|opt|srv|mnt|var|private)/\S")
_OBJECT_REPR = re.compile(
    r"<[\w.]+(?: [\w.]+)* (?:object )?at 0x[0-9a-fA-F]+>|<matplotlib\.[\w.]+"
    r"|^\[?Text\([-\d.e]+, [-\d.e]+, '",  # matplotlib Text reprs: set_xlabel(...) as last line
    re.M,
)
#: a glued NumPy scalar: MyST-NB cannot format it in {glue:text} (use hepml_course.glue)
_NUMPY_REPR = re.compile(r"^np\.\w+\(")
_WARNING = re.compile(r"\b\w*Warning\b|\bWARNING\b|\bW0000\b|\bE0000\b")
_PROGRESS = re.compile(r"[\r\x08]|\d+%\|[█▏▎▍▌▋▊▉ #]*\||━━━")


def _output_texts(output: Any) -> Iterator[tuple[str, str]]:
    kind = output.get("output_type")
    if kind == "stream":
        yield output.get("name", "stream"), output.get("text", "")
    elif kind in {"execute_result", "display_data"}:
        data = output.get("data", {})
        for mime, text in data.items():
            # text/plain, text/html, text/markdown, and glued values (application/papermill...)
            if mime.endswith(("text/plain", "text/html", "text/markdown")):
                yield mime, text if isinstance(text, str) else "".join(text)
    elif kind == "error":
        yield "error", f"{output.get('ename')}: {output.get('evalue')}"


def output_noise(notebook: Any, *, ignore_check_errors: bool = False) -> list[str]:
    """Find what should not be on an executed page.

    Counts stderr outputs, warnings, tracebacks, progress-bar debris (carriage
    returns, backspaces, bars), object reprs (``<matplotlib...>``,
    ``<... at 0x...>``) and absolute paths of the build machine.

    Parameters
    ----------
    notebook
        An executed nbformat notebook.
    ignore_check_errors
        Do not count the errors of cells tagged ``check`` (learner mode).

    Returns
    -------
    list of str
        One description per finding: ``"cell N: what: excerpt"``.
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            for kind, text in _output_texts(output):
                if kind == "error" and ignore_check_errors and "check" in _tags(cell):
                    continue
                problems = []
                if kind == "stderr":
                    problems.append("stderr")
                if kind == "error":
                    problems.append("traceback")
                if _WARNING.search(text):
                    problems.append("warning")
                if _PROGRESS.search(text):
                    problems.append("progress debris")
                if _OBJECT_REPR.search(text):
                    problems.append("object repr")
                if _NUMPY_REPR.match(text):
                    problems.append("numpy repr (glue it with hepml_course.glue)")
                if _ABSOLUTE_PATH.search(text) or str(REPO_ROOT) in text:
                    problems.append("absolute path")
                for problem in problems:
                    excerpt = " ".join(text.split())[:120]
                    found.append(f"cell {index}: {problem}: {excerpt}")
    return found


# --- execution -------------------------------------------------------------------------------


@contextmanager
def _solutions(enabled: bool) -> Iterator[None]:
    from hepml_course.exercises.magic import SOLUTIONS_ENV

    before = os.environ.get(SOLUTIONS_ENV)
    os.environ[SOLUTIONS_ENV] = "1" if enabled else "0"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SOLUTIONS_ENV, None)
        else:
            os.environ[SOLUTIONS_ENV] = before


def _cell_error(cell: Any) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return None


def _wrong_answer_cell(answer_cell: Any) -> Any:
    import nbformat

    wrong = str(answer_cell.get("metadata", {}).get("wrong_answer", DEFAULT_WRONG_ANSWER))
    if "..." not in answer_cell.source:
        raise ValueError(f"answer cell has no `...` to replace:\n{answer_cell.source}")
    return nbformat.v4.new_code_cell(answer_cell.source.replace("...", wrong))


def _execute(client: Any, notebook: Any, mode: Mode) -> tuple[str | None, list[str]]:
    """Run every cell; return the first unexpected failure and the check outcomes."""
    import nbformat

    from hepml_course.exercises.checking import NO_ANSWER_MARK, WRONG_MARK

    checks: list[str] = []
    last_answer = None
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            error = _cell_error(cell)
            tags = _tags(cell)
            where = f"cell {index} ({cell.source.strip().splitlines()[0][:60]!r})"
            if "answer" in tags:
                last_answer = cell
            if mode == "book":
                if error:
                    return f"{where}: {error}", checks
                if "check" in tags:
                    printed = "".join(o.get("text", "") for o in cell.outputs)
                    if "✓" not in printed:
                        return f"{where}: the check printed no ✓", checks
                    checks.append("passed")
                continue
            if "check" not in tags:
                if error:
                    return f"{where}: {error}", checks
                continue
            if not error or NO_ANSWER_MARK not in error:
                return f"{where}: expected the '{NO_ANSWER_MARK}' failure, got {error!r}", checks
            if last_answer is None:
                return f"{where}: a check cell without an answer cell before it", checks
            wrong = _wrong_answer_cell(last_answer)
            client.execute_cell(wrong, index)
            if _cell_error(wrong):
                return f"{where}: the wrong answer cell failed: {_cell_error(wrong)}", checks
            retry = type(cell)(cell)
            retry.outputs = []
            client.execute_cell(retry, index)
            error = _cell_error(retry)
            if not error or WRONG_MARK not in error:
                return f"{where}: a wrong answer was not rejected (got {error!r})", checks
            checks.append("no answer, wrong rejected")
            # back to "answered nothing" for the cells that follow
            restore = nbformat.v4.new_code_cell(last_answer.source)
            client.execute_cell(restore, index)
            last_answer = None
    return None, checks


def run_notebook(path: Path, timeout_s: float = 600.0, mode: Mode = "book") -> NotebookRun:
    """Execute a MyST-markdown chapter in a fresh kernel, measure it and scan its outputs.

    Parameters
    ----------
    path
        The ``.md`` notebook (jupytext MyST format).
    timeout_s
        Per-cell timeout, s.
    mode
        ``"book"`` (solutions on) or ``"learner"`` (solution cells removed,
        no answers given, then wrong answers); see the module docstring.

    Returns
    -------
    NotebookRun
    """
    import jupytext
    from nbclient import NotebookClient

    if mode not in ("book", "learner"):
        raise ValueError(f"mode must be 'book' or 'learner', got {mode!r}")
    notebook = jupytext.read(path) if mode == "book" else learner_notebook(path)
    client = NotebookClient(
        notebook,
        timeout=int(timeout_s),
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with _solutions(mode == "book"), _KernelMonitor(client) as monitor:
        try:
            error, checks = _execute(client, notebook, mode)
        except Exception as err:  # timeouts, dead kernels
            error, checks = f"{type(err).__name__}: {err}", []
    wall = time.perf_counter() - start
    noise = output_noise(notebook, ignore_check_errors=mode == "learner")
    return NotebookRun(
        path=path,
        mode=mode,
        wall_s=wall,
        cpu_s=monitor.cpu_s,
        peak_rss_mb=monitor.peak_bytes / 2**20,
        error=error,
        noise=noise,
        checks=checks,
        notebook=notebook,
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m hepml_course.notebook_runner OUT_DIR``: write the learner notebooks."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m hepml_course.notebook_runner",
        description="Write every chapter as a learner notebook (.ipynb, no solutions).",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write the .ipynb files into")
    args = parser.parse_args(argv)
    if args.out_dir.exists() and not args.out_dir.is_dir():
        parser.error(f"{args.out_dir} exists and is not a folder; choose another OUT_DIR")
    for path in write_learner_notebooks(args.out_dir):
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


if __name__ == "__main__":
    main()
