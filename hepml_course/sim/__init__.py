"""Physics simulations the course owns: detector response models and calorimeter showers."""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "calorimeter": None,
        "ee_detector": None,
        "jet_response": None,
        "l1_objects": None,
        "muon_response": None,
    },
)
