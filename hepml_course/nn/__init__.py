"""Shared Keras-3 building blocks of every chapter.

The quiet Keras import, the one MLP builder, the one fit loop, the standardiser,
the input checker, the one classifier reweighter, and the model contract with
its save/load artifacts (sha256-verified).  Importing this package does not
import TensorFlow: that happens when a network is first built.
"""

from hepml_course.nn.artifacts import (
    ArtifactError,
    UnsafeModelError,
    load_keras_file,
    read_artifact,
    sha256_file,
    sha256_json,
)
from hepml_course.nn.base import Estimator, load_model
from hepml_course.nn.mlp import count_parameters, dense_block, mlp
from hepml_course.nn.quiet import import_keras, import_tensorflow
from hepml_course.nn.reweighter import ClassifierReweighter
from hepml_course.nn.standardiser import Standardiser
from hepml_course.nn.training import TrainingResult, predict, seed_everything, split_indices, train
from hepml_course.nn.validation import (
    NotFittedError,
    check_array,
    check_is_fitted,
    check_labels,
    check_lengths,
    check_sample_weight,
)

__all__ = [
    "ArtifactError",
    "ClassifierReweighter",
    "Estimator",
    "NotFittedError",
    "Standardiser",
    "TrainingResult",
    "UnsafeModelError",
    "check_array",
    "check_is_fitted",
    "check_labels",
    "check_lengths",
    "check_sample_weight",
    "count_parameters",
    "dense_block",
    "import_keras",
    "import_tensorflow",
    "load_keras_file",
    "load_model",
    "mlp",
    "predict",
    "read_artifact",
    "seed_everything",
    "sha256_file",
    "sha256_json",
    "split_indices",
    "train",
]
