"""Deploying jet taggers and BDTs to FPGAs: the Level-1 trigger flow end to end.

One module per stage, each usable on its own:

- :mod:`~hepml_course.fpga.preprocess` — feature scaling and the fixed-point input grid.
- :mod:`~hepml_course.fpga.models` — the float and QKeras (quantization-aware) jet taggers,
  magnitude pruning, training and saving.
- :mod:`~hepml_course.fpga.convert` — hls4ml configuration (precision from profiling,
  the softmax/accumulator fixes), conversion and compilation.
- :mod:`~hepml_course.fpga.emulate` — bit-accuracy report: hls4ml C++ emulation against QKeras.
- :mod:`~hepml_course.fpga.vendor` — Vivado/Vitis HLS detection, ``build()`` and report parsing.
- :mod:`~hepml_course.fpga.rtl` — open-source flow for networks: da4ml RTL, Verilator
  simulation, Yosys synthesis estimates.
- :mod:`~hepml_course.fpga.bdt` — conifer BDTs: C++ emulation, VHDL simulated with GHDL,
  ``ghdl synth`` + Yosys.
- :mod:`~hepml_course.fpga.yosys` — running Yosys and reading its cell statistics.
- :mod:`~hepml_course.fpga.report` — the per-model table beside public reference numbers.
- :mod:`~hepml_course.fpga.pipeline` — stages 2–6 on a saved model (the ``hepml-course fpga`` CLI).

TensorFlow and hls4ml are imported lazily, inside the functions that need them.
"""
