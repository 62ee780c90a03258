"""Anomaly-detection triggers (AXOL1TL-like VAE, CICADA-like teacher/student) and DQM.

Public API (imported lazily: importing this package does not import TensorFlow):

- models (:class:`~hepml_course.nn.Estimator` subclasses, one verb ``score``):
  :class:`DenseAutoencoder`, :class:`TriggerVAE`, :class:`ConvTeacher`,
  :class:`CicadaStudent` (``fit(images, teacher_scores)``), :class:`DQMAutoencoder`;
- inputs: :func:`l1_features`, :func:`region_images`, :class:`FeatureScaler`,
  :func:`scale_images`, :func:`student_inputs`; the split :func:`split_l1` and the
  ``l1`` process codes :data:`PROCESS_NAMES`;
- modules :mod:`~hepml_course.anomaly.baselines` (cut-based triggers),
  :mod:`~hepml_course.anomaly.evaluate` (efficiency tables),
  :mod:`~hepml_course.anomaly.dqm` (occupancy-map monitoring),
  :mod:`~hepml_course.anomaly.study` (end-to-end studies),
  :mod:`~hepml_course.anomaly.plots`,
  :mod:`~hepml_course.anomaly.export` (trained quantized models for the FPGA chapter).
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "CicadaStudent": "models",
        "ConvTeacher": "models",
        "DQMAutoencoder": "dqm",
        "DenseAutoencoder": "models",
        "FeatureScaler": "features",
        "PROCESS_NAMES": "sample",
        "TriggerSample": "sample",
        "TriggerVAE": "models",
        "baselines": None,
        "dqm": None,
        "evaluate": None,
        "export": None,
        "features": None,
        "l1_features": "features",
        "plots": None,
        "region_images": "features",
        "sample": None,
        "scale_images": "features",
        "split_l1": "sample",
        "student_inputs": "features",
        "study": None,
    },
)
