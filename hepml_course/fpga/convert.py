"""hls4ml configuration, conversion and compilation of a Keras/QKeras tagger.

The configuration this module produces avoids the two classic traps that make an
hls4ml model silently disagree with Keras:

- **accumulators**: every dense layer's accumulator and result keep all the bits
  of the exact sum (``auto`` precision inferred from the quantizers for QKeras
  models, or a profiled ``ap_fixed<W,I>`` with enough integer bits for float
  models), so the pre-softmax logits are not truncated;
- **softmax**: hls4ml computes softmax with lookup tables (1024 entries of
  ``ap_fixed<18,8>`` by default), which can flip a near-tie.  We enlarge the
  tables, widen their types and — because a trigger only needs the arg-max — judge
  agreement on the logits.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

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
    """True when the model's dense layers are QKeras layers."""
    return any(type(layer).__name__.startswith("Q") for layer in model.layers)


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
    import tensorflow as tf

    layers = [la for la in model.layers if type(la).__name__ not in ("InputLayer",)]
    layers = [la for la in layers if la.name != "softmax"]
    probe = tf.keras.Model(model.inputs, [la.output for la in layers])
    outputs = probe.predict(np.asarray(x, dtype=np.float32), batch_size=4096, verbose=0)
    types = {}
    for layer, out in zip(layers, outputs, strict=True):
        i_bits = integer_bits(float(np.max(np.abs(out))))
        types[layer.name] = f"ap_fixed<{width},{min(i_bits, width - 1)}>"
    return types


def hls_config(model: Any, settings: HLSSettings | None = None, x_profile: Any = None) -> dict:
    """The hls4ml configuration dictionary (``granularity='name'``) with the trap fixes.

    Parameters
    ----------
    model
        Keras or QKeras model with a final ``softmax`` layer.
    settings
        Conversion settings.
    x_profile
        Representative scaled inputs; required for float models (per-layer types
        from profiling), ignored for QKeras models (types follow the quantizers).
    """
    import hls4ml

    settings = settings or HLSSettings()
    cfg = hls4ml.utils.config_from_keras_model(
        model, granularity="name", backend=settings.backend, default_reuse_factor=1
    )
    cfg["Model"]["Strategy"] = "Latency" if settings.strategy != "Resource" else "Resource"
    cfg["Model"]["ReuseFactor"] = settings.reuse_factor
    layers = cfg["LayerName"]
    if not is_quantized(model):
        if x_profile is None:
            raise ValueError("float models need x_profile (representative inputs) to set types")
        for name, hls_type in profile_precision(model, x_profile, settings.default_width).items():
            if name not in layers:
                continue
            precision = layers[name].setdefault("Precision", {})
            precision["result"] = hls_type
            if "weight" in precision:
                layer = model.get_layer(name)
                w_max = float(np.max(np.abs(layer.get_weights()[0])))
                precision["weight"] = f"ap_fixed<{settings.default_width},{integer_bits(w_max)}>"
                precision["bias"] = precision["weight"]
                # accumulate with 8 more bits than the result: no overflow, little rounding
                acc_int = int(hls_type.split(",")[1].rstrip(">")) + 4
                precision["accum"] = f"ap_fixed<{settings.default_width + 8},{acc_int}>"
    for layer in model.layers:
        name = layer.name
        if name not in layers:
            continue
        layers[name]["ReuseFactor"] = settings.reuse_factor
        if type(layer).__name__ in DENSE_CLASSES and settings.strategy == "distributed_arithmetic":
            # only on dense layers: the model-level Strategy stays Latency
            layers[name]["Strategy"] = "distributed_arithmetic"
        if name == "softmax":
            layers[name]["TableSize"] = settings.softmax_table_size
            layers[name]["Implementation"] = "stable"
            precision = layers[name].setdefault("Precision", {})
            for key in ("exp_table", "inv_table", "inv_inp", "accum"):
                precision[key] = "ap_fixed<24,10,AP_RND,AP_SAT>"
            precision["result"] = "ap_ufixed<16,0,AP_RND,AP_SAT>"
    return cfg


def enable_trace(cfg: dict) -> dict:
    """Switch on per-layer tracing (``hls_model.trace``) for every layer of ``cfg``."""
    for layer_cfg in cfg["LayerName"].values():
        layer_cfg["Trace"] = True
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

    Compiling (``g++``, ≈ 5–20 s) gives the bit-accurate C++ emulation used by
    ``hls_model.predict`` and ``hls_model.trace``.
    """
    import hls4ml

    settings = settings or HLSSettings()
    if cfg is None:
        cfg = hls_config(model, settings, x_profile)
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
        hls_model.compile()
    return hls_model
