"""Yosys synthesis for Xilinx-like FPGAs: resource counts and a timing estimate.

``synth_xilinx`` maps a design onto the primitives of a Xilinx family (LUT1–LUT6,
CARRY8, flip-flops, DSP48E2, block RAM).  The counts are *pre-place-and-route
estimates*: good for comparing designs with each other, not a substitute for
Vivado's post-route utilisation and timing.

The timing estimate is Yosys's static timing analysis (``sta``) over the cells'
``specify`` delays that Yosys ships for Xilinx primitives, without routing
delays: a lower bound on the critical path (input→output for a combinational
design, the longest register-to-register stage for a pipelined one).
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hepml_course.fpga.tools import require_tool

LUT_CELLS = re.compile(r"^LUT[1-6](_2)?$")
FF_CELLS = re.compile(r"^(FD[CPRS]E|FD[CPRS]E_1|FDRE|FDSE|FDCE|FDPE|\$_DFF.*|\$_SDFF.*)$")
DSP_CELLS = re.compile(r"^DSP48E[12]$|^DSP48$")
BRAM18_CELLS = re.compile(r"^RAMB18.*")
BRAM36_CELLS = re.compile(r"^RAMB36.*")
#: LUT-RAM and LUT shift registers (SRL16E/SRLC32E) occupy LUTs too
LUTRAM_CELLS = re.compile(
    r"^RAM(32|64|128|256)[MX].*|^RAM(16|32|64|128|256)X1[SD].*|^SRLC?(16|32)E$"
)
CARRY_CELLS = re.compile(r"^CARRY[48]$")


@dataclass
class SynthesisResult:
    """Resources and timing estimate of a synthesised design.

    Attributes
    ----------
    lut, ff, dsp, bram
        LUTs (LUT1–LUT6 plus LUT-RAM), flip-flops, DSP slices, block RAM in 18 kb units.
    carry
        Carry-chain cells (CARRY4/CARRY8).
    cells
        Every cell type and its count.
    critical_path_ns
        Longest register-to-register or input-to-output logic delay from ``sta``, ns
        (``None`` when the timing analysis was not run or found no path).
    runtime_s
        Wall time of the Yosys run, s.
    tool
        ``yosys`` (the resource source in reports).
    """

    lut: int
    ff: int
    dsp: int
    bram: int
    carry: int = 0
    cells: dict[str, int] = field(default_factory=dict)
    critical_path_ns: float | None = None
    runtime_s: float = 0.0
    tool: str = "yosys"

    def as_dict(self) -> dict:
        """Plain dictionary (JSON-ready)."""
        return asdict(self)

    @property
    def fmax_mhz(self) -> float | None:
        """Clock frequency the critical-path estimate allows, MHz (routing ignored)."""
        if not self.critical_path_ns:
            return None
        return 1000.0 / self.critical_path_ns

    def meets_clock(self, clock_period_ns: float) -> bool | None:
        """Whether the critical-path estimate fits in one clock period (``None``: unknown)."""
        if self.critical_path_ns is None:
            return None
        return self.critical_path_ns <= clock_period_ns


def parse_stat(text: str) -> dict[str, int]:
    """Cell counts from the last ``stat`` block of a Yosys log.

    Raises
    ------
    ValueError
        If the text holds no ``Number of cells`` section.
    """
    blocks = text.split("Number of cells:")
    if len(blocks) < 2:
        raise ValueError("no 'Number of cells' section in the Yosys output: did `stat` run?")
    counts: dict[str, int] = {}
    for line in blocks[-1].splitlines()[1:]:
        match = re.match(r"^\s+(\S+)\s+(\d+)\s*$", line)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + int(match.group(2))
        elif line.strip() and counts:
            break
    return counts


def resources_from_cells(cells: dict[str, int]) -> dict[str, int]:
    """LUT / FF / DSP / BRAM(18 kb) / CARRY totals from cell counts."""

    def total(pattern: re.Pattern[str]) -> int:
        return sum(n for name, n in cells.items() if pattern.match(name))

    return {
        "lut": total(LUT_CELLS) + total(LUTRAM_CELLS),
        "ff": total(FF_CELLS),
        "dsp": total(DSP_CELLS),
        "bram": total(BRAM18_CELLS) + 2 * total(BRAM36_CELLS),
        "carry": total(CARRY_CELLS),
    }


def parse_sta(text: str) -> float | None:
    """Critical-path delay in ns from Yosys ``sta`` output (``Latest arrival time ...``)."""
    match = re.findall(r"Latest arrival time in '.*?' is (\d+)", text)
    if not match:
        return None
    return int(match[-1]) / 1000.0  # specify delays of the Xilinx cells are in ps


def synthesize(
    sources: list[Path],
    top: str,
    workdir: str | Path,
    family: str = "xcup",
    frontend: str = "verilog",
    timing: bool = True,
    timeout_s: float = 1800,
) -> SynthesisResult:
    """Run ``synth_xilinx`` on ``sources`` and return resources (and a timing estimate).

    Parameters
    ----------
    sources
        Verilog files (``frontend='verilog'``) or a single Verilog netlist from ``ghdl synth``.
    top
        Top module.
    workdir
        Where the script and log are written.
    family
        Yosys ``synth_xilinx -family`` (``xcup`` = UltraScale+, e.g. the VU13P; ``xc7``).
    timing
        Also run ``sta`` for a routing-free critical-path estimate.
    timeout_s
        Give up after this many seconds.
    """
    yosys = require_tool("yosys")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if not sources:
        raise ValueError("no source files to synthesise")
    reads = "\n".join(f"read_verilog -defer -sv {Path(s).resolve()}" for s in sources)
    script = [
        reads,
        f"hierarchy -top {top}",
        f"synth_xilinx -flatten -noiopad -family {family} -top {top}",
        "tee -o stat.txt stat",
    ]
    if timing:
        script += [
            "read_verilog -lib -specify +/xilinx/cells_sim.v",
            "tee -o sta.txt sta",
        ]
    (workdir / "synth.ys").write_text("\n".join(script) + "\n")
    start = time.perf_counter()
    proc = subprocess.run(
        [yosys, "-q", "-l", "yosys.log", "-s", "synth.ys"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    runtime = time.perf_counter() - start
    stat_file = workdir / "stat.txt"
    if proc.returncode != 0 and not stat_file.exists():
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
        raise RuntimeError(f"yosys failed in {workdir}: " + " | ".join(tail))
    cells = parse_stat(stat_file.read_text())
    critical = None
    if timing and (workdir / "sta.txt").exists():
        critical = parse_sta((workdir / "sta.txt").read_text())
    res = resources_from_cells(cells)
    return SynthesisResult(**res, cells=cells, critical_path_ns=critical, runtime_s=runtime)


def synthesize_project(
    project: Any,
    workdir: str | Path | None = None,
    family: str = "xcup",
    timing: bool = True,
    timeout_s: float = 1800,
) -> SynthesisResult:
    """Synthesise a da4ml RTL project written by :func:`hepml_course.fpga.rtl.write_verilog`.

    Combinational designs get the input→output delay as ``critical_path_ns``;
    pipelined ones (``latency_cutoff``) the longest register-to-register stage, so a
    smaller cutoff gives a shorter critical path and more flip-flops.

    Parameters
    ----------
    project
        :class:`~hepml_course.fpga.rtl.VerilogProject` (Verilog flavour).
    workdir
        Where Yosys runs (default: ``<project>/yosys``).
    family, timing, timeout_s
        As in :func:`synthesize`.
    """
    if getattr(project, "flavor", "verilog") != "verilog":
        raise ValueError("Yosys reads Verilog: write the project with flavor='verilog'")
    workdir = Path(workdir) if workdir is not None else Path(project.path) / "yosys"
    return synthesize(
        project.sources(), project.name, workdir, family=family, timing=timing, timeout_s=timeout_s
    )
