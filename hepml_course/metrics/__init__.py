"""Figures of merit, one module per kind (classification, calibration, decorrelation, regression,
tracking, generative, unfolding, trigger): pure functions, arrays in, numbers out."""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "calibration": None,
        "classification": None,
        "decorrelation": None,
        "generative": None,
        "regression": None,
        "tracking": None,
        "trigger": None,
        "unfolding": None,
    },
)
