"""Energy regression (calibration) of calorimeter showers: a linear calibration, gradient-boosted
trees, and Keras DNNs with a Gaussian likelihood (energy + per-shower σ) or quantiles, all trained
on the ``calo`` dataset.  The Keras models are imported from
:mod:`hepml_course.regression.dnn` (TensorFlow loads only when needed)."""

from hepml_course.regression.bdt import GradientBoostedCalibration
from hepml_course.regression.features import (
    check_voxels,
    raw_energy,
    shower_features,
    voxel_inputs,
)
from hepml_course.regression.interpret import effective_layer_weights
from hepml_course.regression.linear import LinearCalibration

__all__ = [
    "GradientBoostedCalibration",
    "LinearCalibration",
    "check_voxels",
    "effective_layer_weights",
    "raw_energy",
    "shower_features",
    "voxel_inputs",
]
