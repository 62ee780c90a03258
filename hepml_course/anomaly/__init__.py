"""Anomaly-detection triggers (AXOL1TL-like VAE, CICADA-like teacher/student) and DQM.

Modules: :mod:`~hepml_course.anomaly.features` (model inputs),
:mod:`~hepml_course.anomaly.models` (Keras/QKeras models),
:mod:`~hepml_course.anomaly.baselines` (cut-based triggers),
:mod:`~hepml_course.anomaly.sample` (train/test split with weights),
:mod:`~hepml_course.anomaly.evaluate` (efficiency tables),
:mod:`~hepml_course.anomaly.dqm` (occupancy-map monitoring),
:mod:`~hepml_course.anomaly.study` (end-to-end studies),
:mod:`~hepml_course.anomaly.export` (trained quantized models for the FPGA chapter).
"""
