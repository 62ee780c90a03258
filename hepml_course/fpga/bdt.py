"""Boosted decision trees on FPGAs with conifer: C++ emulation, VHDL in GHDL, Yosys.

A gradient-boosted classifier (scikit-learn) is converted by conifer twice:

- the **C++ backend** emulates the fixed-point firmware bit-exactly in software
  (needs ``g++``, the ``ap_types`` headers, which hls4ml ships, and
  ``nlohmann-json3-dev``);
- the **VHDL backend** writes synthesizable VHDL, which GHDL simulates; its outputs
  must equal the C++ emulation bit for bit.  ``ghdl synth`` turns the VHDL into a
  Verilog netlist that Yosys maps onto Xilinx primitives for LUT/FF/DSP counts.

A conifer VHDL BDT has a fixed pipeline: one cycle to register inputs, one per tree
level, then an adder tree over the trees: ``1 + depth + ceil(log2(n_trees))`` cycles.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga.preprocess import FixedPoint
from hepml_course.fpga.tools import require_tool


def ap_include_dir() -> Path:
    """Folder of the ``ap_fixed.h`` headers shipped inside hls4ml (for conifer's C++ backend)."""
    import hls4ml

    path = Path(hls4ml.__file__).parent / "templates" / "vivado" / "ap_types"
    if not (path / "ap_fixed.h").exists():
        raise FileNotFoundError(f"ap_fixed.h not found in {path}: reinstall hls4ml==1.3.0")
    return path


@contextlib.contextmanager
def _conifer_env() -> Iterator[None]:
    """While conifer converts and compiles: this interpreter first on ``PATH`` (conifer
    compiles with ``python3 -m pybind11``) and ``XILINX_AP_INCLUDE`` set to hls4ml's
    ``ap_types``, and its g++ commands get ``-O0``; all is restored afterwards.  conifer's
    warning about its missing bundled JSON headers (the system's ``nlohmann-json3-dev`` is
    used) is muted."""
    import conifer.backends.cpp.writer as cpp_writer
    import conifer.utils.fixed_point as fixed_point

    saved = {k: os.environ.get(k) for k in ("PATH", "XILINX_AP_INCLUDE")}
    # conifer compiles its pybind11 bridges with -O3 (≈ 1.5 min of g++ for a small BDT);
    # -O0, appended (the last -O wins), halves that. The emulation stays bit-exact: the
    # ap_fixed arithmetic is integer arithmetic whatever the optimisation level.
    saved_opts = {module: module._gcc_opts for module in (cpp_writer, fixed_point)}
    for module, original in saved_opts.items():
        module._gcc_opts = lambda original=original: f"{original()} -O0".strip()
    json_log = logging.getLogger("conifer.utils.misc")
    json_level = json_log.level
    if Path("/usr/include/nlohmann/json.hpp").exists():
        json_log.setLevel(logging.ERROR)
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + (saved["PATH"] or "")
    if not saved["XILINX_AP_INCLUDE"]:
        os.environ["XILINX_AP_INCLUDE"] = str(ap_include_dir())
    try:
        yield
    finally:
        for module, original in saved_opts.items():
            module._gcc_opts = original
        json_log.setLevel(json_level)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def train_bdt(
    x_train: np.ndarray,
    y_train: np.ndarray,
    n_estimators: int = 20,
    max_depth: int = 3,
    learning_rate: float = 0.3,
    seed: int = 0,
) -> Any:
    """A scikit-learn ``GradientBoostingClassifier`` (one tree per class per iteration).

    Train it on the *scaled, fixed-point* features, so that its thresholds live on
    the grid the firmware uses.
    """
    from sklearn.ensemble import GradientBoostingClassifier

    clf = GradientBoostingClassifier(
        n_estimators=n_estimators,
        max_depth=max_depth,
        learning_rate=learning_rate,
        subsample=0.8,
        random_state=seed,
    )
    return clf.fit(x_train, y_train)


def n_trees(clf: Any) -> int:
    """Number of trees in a fitted gradient-boosted classifier."""
    return int(np.asarray(clf.estimators_).size)


def pipeline_latency(clf: Any) -> int:
    """Latency in clock cycles of conifer's VHDL implementation (II = 1)."""
    n_per_class = int(np.asarray(clf.estimators_).shape[0])
    return 1 + int(clf.max_depth) + math.ceil(math.log2(max(n_per_class, 1)))


def _convert(clf: Any, backend: str, output_dir: Path, fixed: FixedPoint) -> Any:
    import conifer

    module = conifer.backends.cpp if backend == "cpp" else conifer.backends.vhdl
    output_dir = Path(output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    cfg = module.auto_config()
    cfg["OutputDir"] = str(output_dir)
    cfg["ProjectName"] = "bdt"
    cfg["Precision"] = fixed.hls()
    # conifer compiles its fixed-point converter in ./.fp_converter_*: keep it in the project
    with contextlib.chdir(output_dir), _conifer_env():
        return conifer.converters.convert_from_sklearn(clf, cfg)


def cpp_emulation(clf: Any, output_dir: str | Path, fixed: FixedPoint | None = None) -> Any:
    """Compile conifer's bit-accurate C++ emulation; call ``.decision_function(x)`` on it."""
    require_tool("g++")
    if not Path("/usr/include/nlohmann/json.hpp").exists() and not os.environ.get("JSON_ROOT"):
        raise FileNotFoundError(
            "nlohmann/json.hpp not found: apt-get install nlohmann-json3-dev (or set JSON_ROOT)"
        )
    model = _convert(clf, "cpp", Path(output_dir), fixed or FixedPoint())
    with _conifer_env():
        model.compile()
    return model


@dataclass
class VHDLProject:
    """A conifer VHDL project compiled for GHDL.

    Attributes
    ----------
    model
        conifer ``VHDLModel`` (``decision_function`` runs the GHDL simulation).
    path
        Project folder.
    compile_s
        Seconds spent writing and analysing the VHDL.
    """

    model: Any
    path: Path
    compile_s: float

    def simulate(self, x: np.ndarray) -> np.ndarray:
        """Scores from the GHDL simulation of the VHDL (n_jets, n_classes)."""
        out = self.model.decision_function(np.asarray(x, dtype=np.float64))
        if out is None:
            raise RuntimeError(f"GHDL simulation failed: see {self.path / 'ghdl.log'}")
        return np.asarray(out, dtype=np.float64)


def vhdl_project(clf: Any, output_dir: str | Path, fixed: FixedPoint | None = None) -> VHDLProject:
    """Write conifer's VHDL and analyse it with GHDL (the simulator is forced to GHDL)."""
    import conifer

    require_tool("ghdl")
    conifer.backends.vhdl.set_simulator("ghdl")
    start = time.perf_counter()
    model = _convert(clf, "vhdl", Path(output_dir), fixed or FixedPoint())
    with contextlib.chdir(Path(output_dir).resolve()), _conifer_env():
        compiled = model.compile()
    if not compiled:
        raise RuntimeError(f"GHDL could not analyse the VHDL: see {output_dir}/ghdl_compile.log")
    return VHDLProject(model, Path(output_dir), time.perf_counter() - start)


def ghdl_to_verilog(project: VHDLProject, top: str = "BDTTop") -> Path:
    """Synthesise the VHDL with ``ghdl synth`` into a Verilog netlist Yosys can read.

    GHDL pads unused bits with ``'bZ`` constants; they are replaced by zeros.
    """
    ghdl = require_tool("ghdl")
    firmware = sorted((project.path / "firmware").glob("*.vhd"))
    bdt_files = [
        f
        for f in firmware
        if f.name not in {"BDTTestbench.vhd", "SimulationInput.vhd", "SimulationOutput.vhd"}
        and f.name != "TestUtil.vhd"
    ]
    order = ["Constants.vhd", "Split.vhd", "Types.vhd", "Tree.vhd", "AddReduce.vhd"]
    ordered = [project.path / "firmware" / n for n in order]
    arrays = sorted(f for f in bdt_files if f.name.startswith("Arrays"))
    fw = project.path / "firmware"
    ordered += [*arrays, fw / "BDT.vhd", fw / "BDTTop.vhd"]
    out = project.path / "bdt_netlist.v"
    cmd = [ghdl, "synth", "--std=08", "--work=BDT", "--out=verilog", *map(str, ordered), "-e", top]
    proc = subprocess.run(cmd, cwd=project.path, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ghdl synth failed: {proc.stderr.strip()[-500:]}")
    text = re.sub(
        r"(\d+)'b([01zZ]+)",
        lambda m: f"{m.group(1)}'b{m.group(2).replace('z', '0').replace('Z', '0')}",
        proc.stdout,
    )
    out.write_text(text)
    return out


@dataclass
class BDTDeployment:
    """Measurements of one BDT through conifer, GHDL and Yosys.

    Attributes
    ----------
    accuracy
        Test accuracy of the scikit-learn model.
    emulation_agreement
        Arg-max agreement of the C++ emulation with scikit-learn.
    ghdl_mismatches
        Score values where the GHDL simulation differs from the C++ emulation
        (``None`` if GHDL is missing).
    latency_cycles
        Pipeline latency of the VHDL implementation.
    synthesis
        Yosys result of ``ghdl synth`` (``None`` if not run).
    notes
        Skipped stages and why.
    """

    accuracy: float
    emulation_agreement: float
    ghdl_mismatches: int | None
    latency_cycles: int
    synthesis: Any = None
    notes: list[str] | None = None


def deploy_bdt(
    clf: Any,
    x_test: np.ndarray,
    y_test: np.ndarray,
    out_dir: str | Path,
    fixed: FixedPoint | None = None,
    n_simulate: int = 500,
    synthesize: bool = True,
) -> BDTDeployment:
    """C++ emulation, GHDL simulation (first ``n_simulate`` jets) and Yosys synthesis.

    ``x_test`` must be the scaled, fixed-point features the BDT was trained on.
    """
    from hepml_course.fpga import yosys
    from hepml_course.fpga.tools import ToolMissingError, which

    fixed = fixed or FixedPoint()
    out_dir = Path(out_dir)
    x_test = np.asarray(x_test, dtype=np.float64)
    reference = clf.decision_function(x_test)
    acc = float(np.mean(clf.predict(x_test) == y_test))
    cpp = cpp_emulation(clf, out_dir / "cpp", fixed)
    emulated = np.asarray(cpp.decision_function(x_test), dtype=np.float64).reshape(reference.shape)
    agreement = float(np.mean(emulated.argmax(1) == reference.argmax(1)))
    notes: list[str] = []
    mismatches = None
    synth = None
    if which("ghdl") is None:
        notes.append("ghdl is not installed: VHDL simulation and synthesis skipped")
    else:
        project = vhdl_project(clf, out_dir / "vhdl", fixed)
        simulated = project.simulate(x_test[:n_simulate]).reshape(emulated[:n_simulate].shape)
        mismatches = int(np.sum(np.abs(simulated - emulated[:n_simulate]) > 0.5 * fixed.lsb))
        if synthesize:
            try:
                netlist = ghdl_to_verilog(project)
                synth = yosys.synthesize([netlist], "BDTTop", out_dir / "yosys")
            except ToolMissingError as err:
                notes.append(str(err))
    return BDTDeployment(acc, agreement, mismatches, pipeline_latency(clf), synth, notes)
