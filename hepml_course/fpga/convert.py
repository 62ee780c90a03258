"""hls4ml configuration, conversion and compilation of Keras-3 networks.

Quantized networks (hgq2 layers, built with the QKeras API or native HGQ2) get
the model-level configuration ``{'Model': {'Precision': 'ap_fixed<1,0>',
'ReuseFactor': 1, 'Strategy': 'Latency'}}``: hls4ml then takes every type
from the quantizers (its bit-exact mode) and the emulation reproduces the
Keras logits bit for bit.  Float networks are given ``ap_fixed<16,I>`` types
from profiling; they are not bit-exact by nature (rounding to 16 bits).

The float configuration avoids the two classic traps that make an hls4ml model
silently disagree with Keras:

- **accumulators**: every dense layer's accumulator keeps more bits than its
  profiled result type, so the logits are not truncated;
- **softmax**: hls4ml computes softmax with lookup tables (1024 entries of
  ``ap_fixed<18,8>`` by default), which can flip a near-tie.  We enlarge the
  tables, widen their types and — because a trigger only needs the arg-max — judge
  agreement on the logits.
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DENSE_CLASSES = ("Dense", "QDense")
STRATEGIES = ("Latency", "Resource", "distributed_arithmetic")
DEFAULT_PART = "xcvu13p-flga2577-2-e"


@dataclass(frozen=True)
class HLSSettings:
    """Conversion settings.

    Attributes
    ----------
    backend
        ``Vitis`` or ``Vivado`` (identical C simulation).
    io_type
        ``io_parallel`` (dense networks) or ``io_stream`` (CNNs).
    strategy
        ``Latency``, ``Resource`` or ``distributed_arithmetic`` (da4ml; dense layers only).
    reuse_factor
        How many times each multiplier is reused (1 = fully parallel, II = 1).
    clock_period_ns
        Target clock period in ns (5 ns = 200 MHz).
    part
        FPGA part number used by the vendor tools.
    default_width
        Total bits of the profiled types of float models.
    softmax_table_size
        Entries of the softmax exp/inverse lookup tables.
    """

    backend: str = "Vitis"
    io_type: str = "io_parallel"
    strategy: str = "Latency"
    reuse_factor: int = 1
    clock_period_ns: float = 5.0
    part: str = DEFAULT_PART
    default_width: int = 16
    softmax_table_size: int = 4096

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {self.strategy!r}")
        if self.io_type not in ("io_parallel", "io_stream"):
            raise ValueError(f"io_type must be io_parallel or io_stream, got {self.io_type!r}")
        if self.backend not in ("Vitis", "Vivado"):
            raise ValueError(f"backend must be Vitis or Vivado, got {self.backend!r}")
        if self.reuse_factor < 1:
            raise ValueError(f"reuse_factor must be >= 1, got {self.reuse_factor}")


def is_quantized(model: Any) -> bool:
    """True when the model is made of hgq2 (QKeras-API or native HGQ2) layers."""
    from hepml_course.fpga.network import is_quantized as _is_quantized

    return _is_quantized(model)


def integer_bits(max_abs: float, signed: bool = True) -> int:
    """Integer bits (sign included) so that values up to ``max_abs`` do not overflow."""
    bits = max(1, math.ceil(math.log2(max_abs + 1e-12)) + 1) if max_abs > 0 else 1
    return bits + 1 if signed else bits


def profile_precision(model: Any, x: np.ndarray, width: int = 16) -> dict[str, str]:
    """Per-layer result types ``ap_fixed<width, I>`` from the largest output on ``x``.

    Parameters
    ----------
    model
        Keras model.
    x
        Representative (scaled) inputs.
    width
        Total bits of every type.

    Returns
    -------
    dict
        Layer name → HLS type string for every layer except the input and softmax.
    """
    from hepml_course.fpga.network import output_layer
    from hepml_course.nn import import_keras

    keras = import_keras()
    layers = [la for la in model.layers if type(la).__name__ not in ("InputLayer",)]
    stop = model.layers.index(output_layer(model))
    layers = [la for la in layers if model.layers.index(la) <= stop]
    probe = keras.Model(model.inputs, [la.output for la in layers])
    outputs = probe.predict(np.asarray(x, dtype=np.float32), batch_size=4096, verbose=0)
    if len(layers) == 1:
        outputs = [outputs]
    types = {}
    for layer, out in zip(layers, outputs, strict=True):
        i_bits = integer_bits(float(np.max(np.abs(out))))
        types[layer.name] = f"ap_fixed<{width},{min(i_bits, width - 1)}>"
    return types


def hls_config(model: Any, settings: HLSSettings | None = None, x_profile: Any = None) -> dict:
    """The hls4ml configuration dictionary.

    Parameters
    ----------
    model
        Keras-3 feed-forward network (float or hgq2-quantized).
    settings
        Conversion settings.
    x_profile
        Representative scaled inputs; required for float models (per-layer types
        from profiling), ignored for quantized models (types follow the quantizers).

    Returns
    -------
    dict
        For quantized models the model-level bit-exact configuration (plus
        per-layer ``Strategy`` for ``distributed_arithmetic``); for float models a
        ``granularity='name'`` configuration with profiled types and the softmax fix.
    """
    import hls4ml

    settings = settings or HLSSettings()
    if is_quantized(model):
        return _quantized_config(model, settings)
    with contextlib.redirect_stdout(io.StringIO()):
        cfg = hls4ml.utils.config_from_keras_model(
            model, granularity="name", backend=settings.backend, default_reuse_factor=1
        )
    cfg["Model"]["Strategy"] = "Latency" if settings.strategy != "Resource" else "Resource"
    cfg["Model"]["ReuseFactor"] = settings.reuse_factor
    layers = cfg["LayerName"]
    if x_profile is None:
        raise ValueError("float models need x_profile (representative inputs) to set types")
    for name, hls_type in profile_precision(model, x_profile, settings.default_width).items():
        if name not in layers:
            continue
        precision = layers[name].setdefault("Precision", {})
        if not isinstance(precision, dict):
            precision = layers[name]["Precision"] = {}
        precision["result"] = hls_type
        layer = model.get_layer(name)
        if getattr(layer, "kernel", None) is not None:
            w_max = float(np.max(np.abs(layer.get_weights()[0])))
            precision["weight"] = f"ap_fixed<{settings.default_width},{integer_bits(w_max)}>"
            precision["bias"] = precision["weight"]
            # accumulate with 8 more bits than the result: no overflow, little rounding
            acc_int = int(hls_type.split(",")[1].rstrip(">")) + 4
            precision["accum"] = f"ap_fixed<{settings.default_width + 8},{acc_int}>"
            # a Dense with a built-in ReLU becomes Dense + '<name>_relu' in hls4ml
            if f"{name}_relu" in layers:
                layers[f"{name}_relu"].setdefault("Precision", {})
                layers[f"{name}_relu"]["Precision"] = {"result": hls_type}
    for layer in model.layers:
        name = layer.name
        if name not in layers:
            continue
        layers[name]["ReuseFactor"] = settings.reuse_factor
        if type(layer).__name__ in DENSE_CLASSES and settings.strategy == "distributed_arithmetic":
            # only on dense layers: the model-level Strategy stays Latency
            layers[name]["Strategy"] = "distributed_arithmetic"
        if layer.get_config().get("activation") == "softmax" and name in layers:
            layers[name]["TableSize"] = settings.softmax_table_size
            layers[name]["Implementation"] = "stable"
            precision = layers[name].setdefault("Precision", {})
            for key in ("exp_table", "inv_table", "inv_inp", "accum"):
                precision[key] = "ap_fixed<24,10,AP_RND,AP_SAT>"
            precision["result"] = "ap_ufixed<16,0,AP_RND,AP_SAT>"
    return cfg


def _quantized_config(model: Any, settings: HLSSettings) -> dict:
    strategy = "Resource" if settings.strategy == "Resource" else "Latency"
    cfg: dict = {
        "Model": {
            "Precision": "ap_fixed<1,0>",  # never used: every type comes from the quantizers
            "ReuseFactor": settings.reuse_factor,
            "Strategy": strategy,
        }
    }
    if settings.strategy == "distributed_arithmetic":
        cfg["LayerName"] = {
            layer.name: {"Strategy": "distributed_arithmetic"}
            for layer in model.layers
            if type(layer).__name__ in DENSE_CLASSES
        }
    return cfg


def convert(
    model: Any,
    output_dir: str | Path,
    settings: HLSSettings | None = None,
    cfg: dict | None = None,
    x_profile: Any = None,
    compile_model: bool = True,
) -> Any:
    """Convert with hls4ml, write the HLS project in ``output_dir`` and (by default) compile it.

    A final softmax layer is left out: the hardware emits the logits (a trigger
    needs only their arg-max), which are compared bit for bit with Keras.
    Compiling (``g++``, ≈ 5–20 s) gives the bit-accurate C++ emulation used by
    ``hls_model.predict``.  Unsupported layers are refused, naming the layer.
    """
    import hls4ml

    from hepml_course.fpga.network import check_supported, logits_model

    check_supported(model)
    model = logits_model(model)
    settings = settings or HLSSettings()
    if cfg is None:
        cfg = hls_config(model, settings, x_profile)
    with contextlib.redirect_stdout(io.StringIO()):  # hls4ml prints every layer it reads
        hls_model = hls4ml.converters.convert_from_keras_model(
            model,
            hls_config=cfg,
            output_dir=str(output_dir),
            project_name="tagger",
            backend=settings.backend,
            io_type=settings.io_type,
            part=settings.part,
            clock_period=settings.clock_period_ns,
        )
        if compile_model:
            from hepml_course.fpga.tools import require_tool

            require_tool("g++")
            compile_hls_model(hls_model)
    return hls_model


def compile_hls_model(hls_model: Any) -> Any:
    """``hls_model.compile()``, with ``g++`` started by the build helper, not by this process.

    hls4ml 1.3 runs the project's ``build_lib.sh`` with :func:`subprocess.run`
    (:meth:`FPGABackend.compile`), i.e. it forks the calling process — a Jupyter
    kernel holding TensorFlow.  Here the same script runs in
    :func:`hepml_course.fpga.tools.run_build`; hls4ml then loads the library as usual.
    """
    from hepml_course.fpga.tools import run_build

    backend = hls_model.config.backend

    def compile_via_helper(model: Any) -> str:
        out = model.config.get_output_dir()
        proc = run_build(["./build_lib.sh"], cwd=out, shell=True)
        if proc.returncode != 0:
            raise RuntimeError(
                f"hls4ml could not compile the project in {out} (build_lib.sh exit code "
                f"{proc.returncode}):\n{proc.stdout[-2000:]}"
            )
        project = model.config.get_project_name()
        return f"{out}/firmware/{project}-{model.config.get_config_value('Stamp')}.so"

    backend.compile = compile_via_helper  # an instance attribute shadows the class method
    try:
        hls_model.compile()
    finally:
        del backend.compile
    return hls_model
