"""Stages 2–6 on one trained tagger: convert, emulate, synthesise (vendor and open), report.

:func:`deploy` is what ``hepml-course fpga MODEL_PATH --out DIR`` and the ``fpga``
benchmark run.  Every stage that needs a missing tool is skipped with a message
naming the tool; the report then says which numbers are absent and why.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga import convert, emulate, rtl, vendor
from hepml_course.fpga.models import TrainedTagger, accuracy, predict_logits, weight_sparsity
from hepml_course.fpga.report import ModelRow
from hepml_course.fpga.tools import ToolMissingError, which

#: clock of the open-source flow: 200 MHz
CLOCK_NS = 5.0
#: da4ml pipelining: largest adder delay (da4ml units) between two register stages.  With 4,
#: the 6-bit, 75 %-pruned tagger has 8 cycles of latency; Yosys's routing-free timing
#: estimate (generic Xilinx 7-series cell delays) of its slowest stage was 7.3 ns, so a
#: smaller cut-off (more stages) is needed to be sure of 200 MHz: check
#: ``extra["yosys_critical_path_ns"]`` in the report.
PIPELINE_DELAY = 4.0


@dataclass
class Deployment:
    """Everything measured for one model.

    Attributes
    ----------
    row
        The report row.
    emulation
        hls4ml emulation vs (Q)Keras.
    rtl_mismatches
        Output values where Verilator's RTL simulation differs from QKeras
        (``None`` when the RTL flow did not run).
    rtl_vs_hls_mismatches
        Same against the hls4ml emulation.
    vendor_report
        Vendor C-synthesis report, or ``None``.
    notes
        Human-readable messages (skipped stages and why).
    timings_s
        Wall time of each stage, s.
    """

    row: ModelRow
    emulation: emulate.BitAccuracy | None = None
    rtl_mismatches: int | None = None
    rtl_vs_hls_mismatches: int | None = None
    vendor_report: vendor.VendorReport | None = None
    notes: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "row": asdict(self.row),
            "emulation": self.emulation.as_dict() if self.emulation else None,
            "rtl_mismatches": self.rtl_mismatches,
            "rtl_vs_hls_mismatches": self.rtl_vs_hls_mismatches,
            "vendor_report": self.vendor_report.as_dict() if self.vendor_report else None,
            "notes": self.notes,
            "timings_s": self.timings_s,
        }


def deploy(
    tagger: TrainedTagger,
    x_test: np.ndarray,
    y_test: np.ndarray,
    out_dir: str | Path,
    *,
    n_emulate: int = 2000,
    settings: convert.HLSSettings | None = None,
    open_flow: bool = True,
    synthesize: bool = True,
    vendor_tools: vendor.VendorTools | None = None,
    pipeline_delay: float = PIPELINE_DELAY,
) -> Deployment:
    """Run conversion, emulation, vendor synthesis (if present) and the open flow.

    Parameters
    ----------
    tagger
        Trained tagger (model + input scaler).
    x_test, y_test
        Raw test features (n_jets, 16) and integer labels.
    out_dir
        Folder for the hls4ml project, the RTL project and the reports.
    n_emulate
        Jets used for the bit-accuracy checks (the emulations are slower than Keras).
    settings
        hls4ml settings (default: Vitis, io_parallel, Latency, ReuseFactor 1, 5 ns).
    open_flow
        Run the da4ml → Verilator → Yosys flow (QKeras models only).
    synthesize
        Run Yosys (the slowest step) in the open flow.
    vendor_tools
        Detected vendor tools (default: detect now).
    pipeline_delay
        da4ml pipelining cut-off, see :data:`PIPELINE_DELAY`.
    """
    settings = settings or convert.HLSSettings(clock_period_ns=CLOCK_NS)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = tagger.model
    x = tagger.scaler.transform(x_test)
    x_emu = x[:n_emulate]
    quantized = convert.is_quantized(model)
    row = ModelRow(
        name=tagger.name,
        accuracy=accuracy(model, x, y_test),
        weight_bits=tagger.spec.bits or settings.default_width,
        sparsity=round(weight_sparsity(model), 4),
        emulation_agreement=None,
    )
    result = Deployment(row)
    timings = result.timings_s

    # stage 2-3: hls4ml conversion and bit-accurate emulation
    start = time.perf_counter()
    if which("g++") is None:
        result.notes.append("g++ missing: hls4ml emulation skipped (apt-get install g++)")
        hls_model = None
    else:
        cfg = convert.enable_trace(convert.hls_config(model, settings, x_profile=x[:5000]))
        hls_model = convert.convert(
            model, out_dir / "hls4ml", settings, cfg=cfg, compile_model=False
        )
        result.emulation = emulate.bit_accuracy(model, hls_model, x_emu)
        row.emulation_agreement = result.emulation.argmax_agreement
    timings["hls4ml_s"] = time.perf_counter() - start

    # stage 4: vendor synthesis when the tools exist
    tools = vendor_tools or vendor.detect_vendor_tools()
    if hls_model is not None and tools.available(settings.backend):
        start = time.perf_counter()
        report = vendor.vendor_synthesis(hls_model, settings.backend, tools)
        timings["vendor_s"] = time.perf_counter() - start
        if report is not None:
            result.vendor_report = report
            row.latency_cycles, row.clock_ns = report.latency_cycles, report.clock_ns
            row.lut, row.ff, row.dsp, row.bram = report.lut, report.ff, report.dsp, report.bram
            row.source = report.tool
    else:
        result.notes.append(tools.summary())

    # stage 5: open-source flow
    if open_flow and not quantized:
        result.notes.append(
            "open-source RTL flow skipped: da4ml traces QKeras models only (train with bits=...)"
        )
    elif open_flow:
        _open_flow(result, model, x_emu, out_dir, settings, synthesize, pipeline_delay)

    (out_dir / "deployment.json").write_text(json.dumps(result.as_dict(), indent=1, default=str))
    return result


def _open_flow(
    result: Deployment,
    model: Any,
    x: np.ndarray,
    out_dir: Path,
    settings: convert.HLSSettings,
    synthesize: bool,
    pipeline_delay: float,
) -> None:
    from hepml_course.fpga import yosys

    row, timings = result.row, result.timings_s
    start = time.perf_counter()
    design = rtl.trace_model(model)
    timings["da4ml_trace_s"] = time.perf_counter() - start
    row.extra["da4ml_estimated_lut"] = round(design.estimated_luts)
    reference = predict_logits(model, x)
    lsb = rtl.output_lsb(design)
    row.extra["da4ml_interpreter_mismatches"] = rtl.count_mismatches(
        reference, design.predict(x), lsb
    )
    start = time.perf_counter()
    try:
        project = rtl.write_verilog(
            design,
            out_dir / "rtl",
            pipeline_delay=pipeline_delay,
            clock_period_ns=settings.clock_period_ns,
            compile_verilator=which("verilator") is not None,
        )
    except ToolMissingError as err:
        result.notes.append(f"RTL simulation skipped: {err}")
        return
    if project.model._lib is not None:
        simulated = project.simulate(x)
        result.rtl_mismatches = rtl.count_mismatches(reference, simulated, lsb)
        if result.emulation is not None and result.emulation.emulated_logits is not None:
            hls_logits = result.emulation.emulated_logits
            result.rtl_vs_hls_mismatches = rtl.count_mismatches(hls_logits, simulated, lsb)
    else:
        result.notes.append("verilator missing: RTL written but not simulated")
    timings["verilog_s"] = time.perf_counter() - start
    row.latency_cycles, row.clock_ns = project.latency_cycles, settings.clock_period_ns
    if not synthesize:
        return
    if which("yosys") is None:
        result.notes.append(
            "yosys missing: no open-source resource estimate (apt-get install yosys)"
        )
        return
    start = time.perf_counter()
    synth = yosys.synthesize(project.sources(), project.name, out_dir / "yosys")
    timings["yosys_s"] = time.perf_counter() - start
    if row.source is None:  # vendor numbers take precedence when present
        row.lut, row.ff, row.dsp, row.bram = synth.lut, synth.ff, synth.dsp, synth.bram
        row.source = "yosys"
    row.extra["yosys_critical_path_ns"] = synth.critical_path_ns
    row.extra["yosys_carry"] = synth.carry


def jet_data(max_jets: int | None = None, seed: int = 0) -> Any:
    """The classification chapter's jets (``HLFSplit``): 16 features, 5 classes."""
    from hepml_course.classification.jets import load_hlf

    return load_hlf(test_fraction=0.25, seed=seed, max_jets=max_jets)


def tagger_from_path(path: str | Path) -> TrainedTagger:
    """Load a saved tagger; without its sidecar, infer the spec and fit the input scaler.

    A model saved by another chapter (plain ``model.save``) has no sidecar: the
    scaler is then fitted on the jets' training split, and the bit width read from
    the first ``QDense`` layer's kernel quantizer.
    """
    from hepml_course.fpga.models import TaggerSpec, load_model, load_tagger, sidecar_path
    from hepml_course.fpga.preprocess import InputScaler

    path = Path(path)
    if sidecar_path(path).exists():
        return load_tagger(path)
    model = load_model(path)
    bits = None
    for layer in model.layers:
        quantizer = getattr(layer, "kernel_quantizer_internal", None)
        if quantizer is not None:
            bits = int(quantizer.bits)
            break
    dense = [la for la in model.layers if hasattr(la, "kernel")]
    if len(dense) != 4 or "logits" not in [la.name for la in model.layers]:
        raise ValueError(
            f"{path} is not a tagger of this chapter (4 dense layers, the last named 'logits'); "
            "build it with hepml_course.fpga.models.build_tagger"
        )
    spec = TaggerSpec(
        bits=bits,
        hidden=tuple(int(la.units) for la in dense[:3]),
        n_features=int(model.input_shape[-1]),
        n_classes=int(dense[-1].units),
    )
    scaler = InputScaler.fit(jet_data().x_train)
    return TrainedTagger(model, spec, scaler, 0.0)
