"""Deploy one trained network: convert, emulate, synthesise (vendor and open), report.

:func:`deploy` is what ``hepml-course fpga MODEL --out DIR`` and the ``fpga``
benchmark run; :func:`load_deployable` reads the model.  Every stage that needs
a missing tool is skipped with a message naming the tool; the report then says
which numbers are absent and why.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga import convert, emulate, vendor
from hepml_course.fpga.network import (
    check_supported,
    is_quantized,
    predict_logits,
    weight_bits,
    weight_sparsity,
)
from hepml_course.fpga.preprocess import InputScaler
from hepml_course.fpga.report import ModelRow
from hepml_course.fpga.tools import which

#: clock of the open-source flow: 200 MHz
CLOCK_NS = 5.0

SCALER_HELP = (
    'pass --scaler FILE, a JSON file {"mean": [...], "scale": [...]} with one value per '
    "input feature (e.g. written by hepml_course.fpga.preprocess.InputScaler.save), or "
    "deploy a model saved with its scaler (JetTagger.save / HGQTagger.save)"
)


@dataclass
class Deployable:
    """A network ready for the FPGA flow.

    Attributes
    ----------
    model
        Keras-3 feed-forward network (inputs: scaled features on the input grid).
    scaler
        Input standardisation and fixed-point grid.
    name
        Model name in reports.
    """

    model: Any
    scaler: InputScaler
    name: str


def load_deployable(
    path: str | Path, scaler: str | Path | None = None, *, allow_unsafe: bool = False
) -> Deployable:
    """Read a saved tagger folder or a ``.keras`` file, with its input scaling.

    Parameters
    ----------
    path
        A model saved by :meth:`hepml_course.nn.Estimator.save` (a folder with
        ``record.json`` whose model has ``model_`` and ``scaler_``), or a Keras-3
        ``.keras`` file of Dense/QDense/HGQ2 layers (any names).
    scaler
        JSON file of the input scaling (``mean`` and ``scale`` per feature); required
        for a ``.keras`` file, overrides the saved scaler of a folder.
    allow_unsafe
        Load model files with embedded Python code (Keras ``Lambda`` layers), which
        runs while loading.  Off by default: such files raise
        :class:`~hepml_course.nn.artifacts.UnsafeModelError`.

    Raises
    ------
    FileNotFoundError
        Nothing at ``path``.
    ValueError
        No input scaling, an unsupported layer (named), or a scaler of the wrong length.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no model at {path}: train and save one first")
    explicit = InputScaler.load(scaler) if scaler is not None else None
    if path.is_dir():
        from hepml_course.nn import load_model

        saved = load_model(path, allow_unsafe=allow_unsafe)
        model = getattr(saved, "model_", None)
        own = getattr(saved, "scaler_", None)
        if model is None:
            raise ValueError(f"{path} holds a {type(saved).__name__}, which has no Keras model_")
        if explicit is None and not isinstance(own, InputScaler):
            raise ValueError(f"{path} records no input scaling: {SCALER_HELP}")
        name = str(getattr(saved, "name", path.name))
        deployable = Deployable(model, explicit or own, name)
    elif path.suffix == ".keras":
        if explicit is None:
            raise ValueError(
                f"{path} is a bare .keras file and carries no input scaling "
                f"(it is never refitted silently): {SCALER_HELP}"
            )
        deployable = Deployable(_load_keras(path, allow_unsafe), explicit, path.stem)
    else:
        raise ValueError(
            f"{path} is neither a saved model folder nor a .keras file; legacy .h5 (Keras 2 / "
            "QKeras) files do not load into Keras 3: re-save the model with model.save('x.keras')"
        )
    check_supported(deployable.model)
    n_in = int(deployable.model.input_shape[-1])
    if len(deployable.scaler.mean) != n_in:
        raise ValueError(
            f"the scaler has {len(deployable.scaler.mean)} features, the model takes {n_in}"
        )
    return deployable


def _load_keras(path: Path, allow_unsafe: bool = False) -> Any:
    """Load a ``.keras`` file in Keras safe mode (embedded code refused unless allowed)."""
    from hepml_course.fpga.qkeras_api import hgq_loading
    from hepml_course.nn.artifacts import load_keras_file

    with hgq_loading():
        return load_keras_file(path, allow_unsafe=allow_unsafe)


@dataclass
class Deployment:
    """Everything measured for one model.

    Attributes
    ----------
    row
        The report row.
    emulation
        hls4ml emulation vs Keras (logits).
    rtl_bit_exact
        Fraction of Verilator RTL logits identical to Keras (``None``: not simulated).
    vendor_report
        Vendor C-synthesis report, or ``None``.
    notes
        Human-readable messages (skipped stages and why).
    timings_s
        Wall time of each stage, s.
    """

    row: ModelRow
    emulation: emulate.BitAccuracy | None = None
    rtl_bit_exact: float | None = None
    vendor_report: vendor.VendorReport | None = None
    notes: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "row": asdict(self.row),
            "emulation": self.emulation.as_dict() if self.emulation else None,
            "rtl_bit_exact": self.rtl_bit_exact,
            "vendor_report": self.vendor_report.as_dict() if self.vendor_report else None,
            "notes": self.notes,
            "timings_s": self.timings_s,
        }


def deploy(
    target: Deployable | Any,
    x_test: np.ndarray,
    y_test: np.ndarray,
    out_dir: str | Path,
    *,
    n_emulate: int = 2000,
    settings: convert.HLSSettings | None = None,
    open_flow: bool = True,
    simulate: bool = True,
    synthesize: bool = True,
    latency_cutoff: float | None = None,
    vendor_tools: vendor.VendorTools | None = None,
) -> Deployment:
    """Run conversion, emulation, vendor synthesis (if present) and the open flow.

    Parameters
    ----------
    target
        A :class:`Deployable`, or a fitted tagger with ``model_`` and ``scaler_``.
    x_test, y_test
        Raw test features (n_jets, n_features) and integer labels.
    out_dir
        Folder for the hls4ml project, the RTL project and the reports.
    n_emulate
        Jets used for the bit-accuracy checks (the emulations are slower than Keras).
    settings
        hls4ml settings (default: Vitis, io_parallel, Latency, ReuseFactor 1, 5 ns);
        ``settings.clock_period_ns`` is also the RTL clock.
    open_flow
        Run da4ml RTL (→ Verilator → Yosys) for quantized models.
    simulate
        Build and run the Verilator simulation of the RTL (minutes for the full tagger).
    synthesize
        Run Yosys (resources and critical-path estimate).
    latency_cutoff
        da4ml pipelining cut-off (adder-delay units); default: derived from the clock
        (:func:`hepml_course.fpga.rtl.latency_cutoff_for_clock`).
    vendor_tools
        Detected vendor tools (default: detect now).
    """
    if not isinstance(target, Deployable):
        target = Deployable(target.model_, target.scaler_, str(getattr(target, "name", "model")))
    settings = settings or convert.HLSSettings(clock_period_ns=CLOCK_NS)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = target.model
    x = target.scaler.transform(x_test)
    logits = predict_logits(model, x)
    quantized = is_quantized(model)
    row = ModelRow(
        name=target.name,
        accuracy=float(np.mean(logits.argmax(1) == np.asarray(y_test))),
        weight_bits=weight_bits(model) or settings.default_width,
        sparsity=round(weight_sparsity(model), 4),
        emulation_agreement=None,
    )
    result = Deployment(row)
    hls_model = _hls4ml_stage(result, model, x, n_emulate, settings, out_dir)
    _vendor_stage(result, hls_model, settings, vendor_tools, quantized)
    if open_flow and not quantized:
        result.notes.append(
            "open-source RTL flow skipped: da4ml traces quantized networks only "
            "(QKeras-API or HGQ2 layers)"
        )
    elif open_flow:
        _open_flow(
            result,
            model,
            target.scaler,
            x[:n_emulate],
            logits[:n_emulate],
            out_dir,
            settings,
            simulate,
            synthesize,
            latency_cutoff,
        )
    (out_dir / "deployment.json").write_text(json.dumps(result.as_dict(), indent=1, default=str))
    return result


def _hls4ml_stage(
    result: Deployment,
    model: Any,
    x: np.ndarray,
    n_emulate: int,
    settings: convert.HLSSettings,
    out_dir: Path,
) -> Any:
    start = time.perf_counter()
    if which("g++") is None:
        result.notes.append("g++ missing: hls4ml emulation skipped (apt-get install g++)")
        return None
    hls_model = convert.convert(model, out_dir / "hls4ml", settings, x_profile=x[:5000])
    result.emulation = emulate.bit_accuracy(model, hls_model, x[:n_emulate])
    result.row.emulation_agreement = result.emulation.argmax_agreement
    result.row.emulation_bit_exact = result.emulation.bit_exact
    result.timings_s["hls4ml_s"] = time.perf_counter() - start
    return hls_model


def _vendor_stage(
    result: Deployment,
    hls_model: Any,
    settings: convert.HLSSettings,
    vendor_tools: vendor.VendorTools | None,
    quantized: bool,
) -> None:
    tools = vendor_tools or vendor.detect_vendor_tools()
    if hls_model is None or not tools.available(settings.backend):
        result.notes.append(tools.summary())
        if not quantized:
            result.row.note = f"needs {settings.backend} HLS"
        return
    start = time.perf_counter()
    report = vendor.vendor_synthesis(hls_model, settings.backend, tools)
    result.timings_s["vendor_s"] = time.perf_counter() - start
    if report is not None:
        row = result.row
        result.vendor_report = report
        row.latency_cycles, row.clock_ns = report.latency_cycles, report.clock_ns
        row.lut, row.ff, row.dsp, row.bram = report.lut, report.ff, report.dsp, report.bram
        row.source = report.tool


def _open_flow(
    result: Deployment,
    model: Any,
    scaler: InputScaler,
    x: np.ndarray,
    reference: np.ndarray,
    out_dir: Path,
    settings: convert.HLSSettings,
    simulate: bool,
    synthesize: bool,
    latency_cutoff: float | None,
) -> None:
    from hepml_course.fpga import rtl

    row, timings = result.row, result.timings_s
    start = time.perf_counter()
    try:
        design = rtl.trace_model(model, scaler.fixed)
    except ValueError as err:
        result.notes.append(f"open-source RTL flow skipped: {err}")
        return
    timings["da4ml_trace_s"] = time.perf_counter() - start
    row.extra["da4ml_estimated_lut"] = round(design.estimated_luts)
    row.extra["da4ml_interpreter_bit_exact"] = rtl.identical_fraction(reference, design.predict(x))
    if latency_cutoff is None:
        latency_cutoff = rtl.latency_cutoff_for_clock(settings.clock_period_ns)
    start = time.perf_counter()
    project = rtl.write_verilog(
        design,
        out_dir / "rtl",
        latency_cutoff=latency_cutoff,
        clock_period_ns=settings.clock_period_ns,
    )
    row.extra["latency_cutoff"] = project.latency_cutoff
    if row.source is None:
        row.latency_cycles, row.clock_ns = project.latency_cycles, settings.clock_period_ns
    if simulate and which("verilator") is not None:
        rtl.build_simulation(project)
        result.rtl_bit_exact = rtl.identical_fraction(reference, project.simulate(x))
        row.extra["verilator_bit_exact"] = result.rtl_bit_exact
    elif simulate:
        result.notes.append("verilator missing: RTL written but not simulated")
    timings["verilog_s"] = time.perf_counter() - start
    if synthesize:
        _yosys_stage(result, project, out_dir)


def _yosys_stage(result: Deployment, project: Any, out_dir: Path) -> None:
    from hepml_course.fpga import yosys

    if which("yosys") is None:
        result.notes.append(
            "yosys missing: no open-source resource estimate (apt-get install yosys)"
        )
        return
    row = result.row
    start = time.perf_counter()
    synth = yosys.synthesize(project.sources(), project.name, out_dir / "yosys")
    result.timings_s["yosys_s"] = time.perf_counter() - start
    if row.source is None:  # vendor numbers take precedence when present
        row.lut, row.ff, row.dsp, row.bram = synth.lut, synth.ff, synth.dsp, synth.bram
        row.source = "yosys"
    row.critical_path_ns = synth.critical_path_ns
    row.extra["yosys_carry"] = synth.carry


def jet_data(max_jets: int | None = None, seed: int = 0) -> Any:
    """The classification chapter's jets (``HLFSplit``): 16 features, 5 classes."""
    from hepml_course.classification.jets import load_hlf

    return load_hlf(test_fraction=0.25, seed=seed, max_jets=max_jets)
