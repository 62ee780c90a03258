"""Unfolding: classifier reweighting, OmniFold, iterative Bayesian unfolding, bootstraps."""

from hepml_course.unfolding.bootstrap import (
    ibu_ensemble,
    omnifold_ensemble,
    poisson_weights,
    weighted_histograms,
)
from hepml_course.unfolding.ibu import Response, bin_by_bin, forward_fold, ibu, response_matrix
from hepml_course.unfolding.omnifold import OmniFold
from hepml_course.unfolding.reweighting import ClassifierReweighter, build_classifier
from hepml_course.unfolding.sample import (
    BINS,
    LABELS,
    OBSERVABLES,
    UnfoldingSample,
    histogram,
    load_sample,
)

__all__ = [
    "BINS",
    "LABELS",
    "OBSERVABLES",
    "ClassifierReweighter",
    "OmniFold",
    "Response",
    "UnfoldingSample",
    "bin_by_bin",
    "build_classifier",
    "forward_fold",
    "histogram",
    "ibu",
    "ibu_ensemble",
    "load_sample",
    "omnifold_ensemble",
    "poisson_weights",
    "response_matrix",
    "weighted_histograms",
]
