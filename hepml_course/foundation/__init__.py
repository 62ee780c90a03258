"""Foundation models for jets (chapter "Foundation models"): tokenised constituents, a small
particle-transformer backbone pre-trained self-supervised by masked-particle modelling, and
a tagger that fine-tunes it (or trains the same architecture from scratch).

Public names are imported lazily: importing this package does not import TensorFlow.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "BinnedTokeniser": "tokeniser",
        "BackboneConfig": "backbone",
        "build_backbone": "backbone",
        "flops_per_jet": "backbone",
        "PretrainedBackbone": "pretrain",
        "pretrain_backbone": "pretrain",
        "read_constituents": "pretrain",
        "masked_token_loss": "pretrain",
        "OBJECTIVE": "pretrain",
        "default_out": "pretrain",
        "FoundationTagger": "finetune",
        "check_constituents": "_checks",
        # the chapter's study
        "study": None,
        "StudyConfig": "study",
        "BENCH": "study",
        "CHAPTER": "study",
        "label_budget": "study",
        "rate_scan": "study",
        "scan_indices": "study",
        "learning_curves": "study",
        "transfer_study": "study",
    },
)
