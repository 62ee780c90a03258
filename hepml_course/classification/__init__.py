"""Jet tagging (chapter "Classification"): data access, preprocessing and the three model
generations — a boosted decision tree and a dense network on high-level features, and
particle-based networks (Deep Sets / Particle Flow Network, a small Particle Transformer,
a ParticleNet-style EdgeConv network) on jet constituents.

Every tagger follows the model contract of :class:`hepml_course.nn.Estimator`
and reads one input container, :class:`JetInputs` (``split.x_train`` of
:func:`load_jets`).  Public names are imported lazily: importing this package
does not import TensorFlow.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        # models
        "BDTTagger": "bdt",
        "DNNTagger": "dnn",
        "DeepSetsTagger": "deepsets",
        "ParticleTransformerTagger": "transformer",
        "ParticleNetTagger": "particlenet",
        "build_dnn": "dnn",
        "build_deepsets": "deepsets",
        "build_particle_transformer": "transformer",
        "build_particlenet": "particlenet",
        "pair_features_numpy": "transformer",
        "PAIR_FEATURES": "transformer",
        # preprocessing
        "ConstituentPreprocessor": "preprocessing",
        "CONSTITUENT_INPUTS": "preprocessing",
        # data
        "CLASS_NAMES": "jets",
        "HLF_FEATURES": "jets",
        "JET_KINEMATICS": "jets",
        "PARTICLE_FIELDS": "jets",
        "HLFSplit": "jets",
        "JetInputs": "jets",
        "JetSplit": "jets",
        "load_hlf": "jets",
        "load_jets": "jets",
        "pad_constituents": "jets",
        "constituents": "jets",
        # the comparison
        "compare": None,
        "CompareConfig": "compare",
        "MODEL_NAMES": "compare",
        "run_comparison": "compare",
    },
)
