"""Unfolding: OmniFold, iterative Bayesian unfolding, bootstraps, closure and stress tests.

OmniFold's classifier steps use the shared :class:`hepml_course.nn.ClassifierReweighter`.
Importing this package does not import TensorFlow (the public names are loaded lazily).
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "BINS": "sample",
        "LABELS": "sample",
        "OBSERVABLES": "sample",
        "OmniFold": "omnifold",
        "Response": "binned",
        "UnfoldingResult": "evaluation",
        "UnfoldingSample": "sample",
        "bin_by_bin": "binned",
        "forward_fold": "binned",
        "histogram": "sample",
        "ibu": "binned",
        "ibu_ensemble": "bootstrap",
        "load_sample": "sample",
        "omnifold_ensemble": "bootstrap",
        "plot_response": "plots",
        "plot_result": "plots",
        "poisson_weights": "bootstrap",
        "response_matrix": "binned",
        "split_closure": "evaluation",
        "unfold_all": "evaluation",
        "weighted_histograms": "bootstrap",
    },
)
