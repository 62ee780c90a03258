"""Analysis helpers used by the intro chapter: object selection and resonance fits."""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "dimuon_mass": "dimuon",
        "muon_vectors": "dimuon",
        "ResonanceFit": "resonance",
        "fit_resonance": "resonance",
        "pdg_mass_width": "resonance",
    },
)
