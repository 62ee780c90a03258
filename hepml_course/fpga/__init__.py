"""Deploying jet taggers and BDTs to FPGAs: the Level-1 trigger flow end to end.

One module per stage, each usable on its own:

- :mod:`~hepml_course.fpga.preprocess` — feature scaling and the fixed-point input grid.
- :mod:`~hepml_course.fpga.taggers` — :class:`JetTagger`: float and QKeras-API
  (quantization-aware, hgq2's ``qkeras`` module) taggers, pruned or not.
- :mod:`~hepml_course.fpga.pruning` — magnitude pruning during training (a Keras callback).
- :mod:`~hepml_course.fpga.ptq` — post-training quantization and one-shot pruning study.
- :mod:`~hepml_course.fpga.hgq` — :class:`HGQTagger`: native HGQ2, per-weight bit widths, EBOPs.
- :mod:`~hepml_course.fpga.network` — reading any Keras-3 feed-forward network (layers,
  quantized weights, bit widths, sparsity, supported layers).
- :mod:`~hepml_course.fpga.convert` — hls4ml configuration, conversion and compilation.
- :mod:`~hepml_course.fpga.emulate` — bit accuracy: hls4ml C++ emulation against Keras.
- :mod:`~hepml_course.fpga.vendor` — Vivado/Vitis HLS detection, ``build()`` and report parsing.
- :mod:`~hepml_course.fpga.rtl` — da4ml RTL (Verilog/VHDL) and its Verilator simulation.
- :mod:`~hepml_course.fpga.yosys` — Yosys synthesis: LUT/FF counts and a timing estimate.
- :mod:`~hepml_course.fpga.bdt` — conifer BDTs: C++ emulation, VHDL in GHDL, Yosys.
- :mod:`~hepml_course.fpga.report` — the per-model table beside public reference numbers.
- :mod:`~hepml_course.fpga.pipeline` — all stages on one model (the ``hepml-course fpga`` CLI).

Names are imported lazily: importing this package imports neither TensorFlow nor hls4ml.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # models
        "JetTagger": "taggers",
        "HGQTagger": "hgq",
        "accuracy": "taggers",
        "beta_scan": "hgq",
        "total_ebops": "hgq",
        # preprocessing
        "FixedPoint": "preprocess",
        "InputScaler": "preprocess",
        # network inspection
        "dense_weights": "network",
        "predict_logits": "network",
        "weight_bits": "network",
        "weight_sparsity": "network",
        # quantization and pruning studies
        "magnitude_pruned": "pruning",
        "pruning_callback": "pruning",
        "one_shot_pruned_accuracy": "ptq",
        "post_training_accuracy": "ptq",
        "qkeras_layers": "qkeras_api",
        # hls4ml
        "HLSSettings": "convert",
        "BitAccuracy": "emulate",
        "bit_accuracy": "emulate",
        # deployment and report
        "Deployable": "pipeline",
        "Deployment": "pipeline",
        "deploy": "pipeline",
        "load_deployable": "pipeline",
        "ModelRow": "report",
        "REFERENCES": "report",
        "table": "report",
        "detect_vendor_tools": "vendor",
        # submodules
        "bdt": None,
        "convert": None,
        "emulate": None,
        "hgq": None,
        "network": None,
        "pipeline": None,
        "preprocess": None,
        "ptq": None,
        "pruning": None,
        "report": None,
        "rtl": None,
        "taggers": None,
        "tools": None,
        "vendor": None,
        "yosys": None,
    },
)
