"""Simulation-based inference: measure a physics parameter θ with an interval that covers.

- :class:`TemplateFit` — the classical baseline: a binned template fit of one
  observable (bin probabilities interpolated in θ by polynomials) with iminuit;
- :class:`ParametrisedClassifier` — the likelihood-ratio trick with θ as an
  input: a learned ln r(x; θ) on several observables at once;
- :func:`profile_scan` — estimate and 68 %/95 % intervals from −ln L on a θ grid;
- :func:`draw_toys`, :func:`toy_intervals`, :func:`neyman_coverage` — a Neyman
  toy study of the intervals' coverage;
- the chapter's data and study: :func:`load_eventshapes`, :func:`training_split`,
  :func:`template_widths`, :func:`coverage_study`, and the shipped classifier
  (:func:`load_pretrained`, trained by ``python -m hepml_course.inference.train``).

Importing this package does not import TensorFlow (the public names are loaded lazily).
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "CoverageResult": "coverage",
        "EventShapeSample": "sample",
        "LABELS": "sample",
        "PARAMETER": "sample",
        "PARAMETER_LABEL": "sample",
        "StudyResult": "study",
        "THETA_SCAN_GRID": "study",
        "TOY_SIZE": "study",
        "coverage_study": "study",
        "load_eventshapes": "sample",
        "load_pretrained": "train",
        "log_feature_indices": "sample",
        "pooled_reference": "train",
        "split": "sample",
        "template_widths": "study",
        "training_split": "train",
        "ExtrapolationWarning": "errors",
        "Interval": "scan",
        "ParametrisedClassifier": "parametrised",
        "ScanError": "errors",
        "TemplateFit": "templates",
        "draw_toys": "coverage",
        "neyman_coverage": "coverage",
        "profile_scan": "scan",
        "toy_intervals": "coverage",
    },
)
