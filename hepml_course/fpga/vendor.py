"""Vendor HLS synthesis (AMD/Xilinx Vitis HLS, Vivado HLS): detect, build, read the reports.

Without the vendor tools — the usual case on a laptop, on Binder and in CI — the
functions here say so and return ``None``: they never crash and never invent numbers.
With the tools installed (``vitis-run`` or ``vivado_hls`` on ``PATH``, or the
``XILINX_VITIS`` / ``XILINX_VIVADO`` / ``XILINX_HLS`` variables set by the vendor's
``settings64.sh``), :func:`vendor_synthesis` runs hls4ml's ``build()`` and parses
latency (cycles, ns, initiation interval) and resources (DSP, LUT, FF, BRAM) from
the C-synthesis report.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: executable that hls4ml's ``build()`` calls for each backend
BACKEND_EXECUTABLES = {"Vitis": "vitis-run", "Vivado": "vivado_hls"}
VENDOR_VARIABLES = ("XILINX_VITIS", "XILINX_HLS", "XILINX_VIVADO")


@dataclass
class VendorTools:
    """What vendor tooling this machine has.

    Attributes
    ----------
    executables
        hls4ml backend → path of its executable (only those found).
    variables
        Vendor environment variables that are set.
    """

    executables: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    def available(self, backend: str) -> bool:
        """True when hls4ml's ``build()`` can run for ``backend``."""
        return backend in self.executables

    def summary(self) -> str:
        """One line for humans."""
        if not self.executables:
            names = " / ".join(BACKEND_EXECUTABLES.values())
            return (
                f"No vendor HLS tools found ({names} not on PATH; "
                f"{', '.join(VENDOR_VARIABLES)} unset): vendor synthesis skipped, "
                "resources come from the open-source flow (Yosys)."
            )
        found = ", ".join(f"{b}: {p}" for b, p in self.executables.items())
        return f"Vendor HLS tools found ({found})."


def detect_vendor_tools(env: dict[str, str] | None = None) -> VendorTools:
    """Look for ``vitis-run`` / ``vivado_hls`` on ``PATH`` and the ``XILINX_*`` variables."""
    env = dict(os.environ if env is None else env)
    path = env.get("PATH", "")
    executables = {}
    for backend, exe in BACKEND_EXECUTABLES.items():
        found = shutil.which(exe, path=path)
        if found is None:
            # settings64.sh sets e.g. XILINX_VITIS=/opt/Xilinx/Vitis/2024.1
            for var in VENDOR_VARIABLES:
                if env.get(var) and (Path(env[var]) / "bin" / exe).exists():
                    found = str(Path(env[var]) / "bin" / exe)
                    break
        if found:
            executables[backend] = found
    variables = {v: env[v] for v in VENDOR_VARIABLES if env.get(v)}
    return VendorTools(executables, variables)


@dataclass
class VendorReport:
    """Latency and resources from a Vitis/Vivado HLS C-synthesis report.

    Attributes
    ----------
    tool
        ``vitis`` or ``vivado``.
    latency_cycles
        Worst-case latency, clock cycles.
    latency_ns
        Worst-case latency, ns.
    interval
        Initiation interval (cycles between inputs), worst case.
    clock_ns
        Target clock period, ns.
    estimated_clock_ns
        HLS estimate of the achievable clock period, ns.
    dsp, lut, ff, bram
        Resources (BRAM in 18 kb blocks).
    part
        FPGA part.
    """

    tool: str
    latency_cycles: int
    latency_ns: float
    interval: int
    clock_ns: float
    estimated_clock_ns: float | None
    dsp: int
    lut: int
    ff: int
    bram: int
    part: str = ""

    def as_dict(self) -> dict:
        """Plain dictionary (JSON-ready)."""
        return asdict(self)


def _text(root: ET.Element, path: str) -> str | None:
    node = root.find(path)
    return node.text.strip() if node is not None and node.text else None


def parse_csynth_xml(text: str, tool: str = "vitis") -> VendorReport:
    """Parse the XML C-synthesis report (``<project>_csynth.xml``) of Vivado/Vitis HLS.

    Raises
    ------
    ValueError
        If the text is not such a report (missing latency or resources).
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise ValueError(f"not an XML synthesis report: {err}") from err
    latency = _text(root, "PerformanceEstimates/SummaryOfOverallLatency/Worst-caseLatency")
    interval = _text(root, "PerformanceEstimates/SummaryOfOverallLatency/Interval-max")
    clock = _text(root, "UserAssignments/TargetClockPeriod")
    resources = root.find("AreaEstimates/Resources")
    if latency is None or resources is None or clock is None:
        raise ValueError(
            "the report has no Worst-caseLatency, TargetClockPeriod or AreaEstimates/Resources: "
            "pass the csynth.xml written by C synthesis"
        )

    def resource(*names: str) -> int:
        for name in names:
            value = _text(resources, name)
            if value is not None:
                return int(value)
        return 0

    est = _text(root, "PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod")
    clock_ns = float(clock)
    return VendorReport(
        tool=tool,
        latency_cycles=int(latency),
        latency_ns=int(latency) * clock_ns,
        interval=int(interval) if interval is not None else 1,
        clock_ns=clock_ns,
        estimated_clock_ns=float(est) if est is not None else None,
        dsp=resource("DSP", "DSP48E", "DSP48E2"),
        lut=resource("LUT"),
        ff=resource("FF"),
        bram=resource("BRAM_18K", "BRAM"),
        part=_text(root, "UserAssignments/Part") or "",
    )


def find_csynth_report(output_dir: str | Path) -> Path | None:
    """The C-synthesis XML report inside an hls4ml project folder, if synthesis ran."""
    candidates = sorted(Path(output_dir).glob("**/syn/report/*csynth.xml"))
    top = [p for p in candidates if p.name.endswith("_csynth.xml")]
    return (top or candidates or [None])[0]


def vendor_synthesis(
    hls_model: Any, backend: str = "Vitis", tools: VendorTools | None = None
) -> VendorReport | None:
    """Run C synthesis with the vendor tool and parse its report, or return ``None``.

    When the tool is missing, prints :meth:`VendorTools.summary` and returns ``None``.
    """
    tools = tools or detect_vendor_tools()
    if not tools.available(backend):
        print(tools.summary())
        return None
    hls_model.build(csim=False, synth=True, export=False)
    report = find_csynth_report(hls_model.config.get_output_dir())
    if report is None:
        raise RuntimeError(
            f"{backend} synthesis ran but wrote no csynth.xml under "
            f"{hls_model.config.get_output_dir()}: see its log there"
        )
    return parse_csynth_xml(report.read_text(), tool=backend.lower())
