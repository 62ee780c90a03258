"""Energy regression (calibration) of calorimeter showers, trained on the ``calo`` dataset.

Models (every one a :class:`hepml_course.nn.Estimator`: ``fit(voxels, e_true_gev,
*, sample_weight=None, seed=0)``, ``predict(voxels)`` → energies in GeV):

- :class:`LinearCalibration` — one weight per layer plus an offset;
- :class:`GradientBoostedCalibration` — boosted trees on shower features;
- :class:`GaussianNLLCalibration` — a Keras DNN with a Gaussian likelihood
  (``predict(..., return_std=True)`` adds the per-shower σ);
- :class:`QuantileCalibration` — a Keras DNN for quantiles
  (``predict(..., return_quantiles=True)``);
- :class:`MixtureDensityCalibration` — a Keras mixture density network (K Gaussians;
  ``predict_interval(X, level)`` from the mixture's CDF), optionally with the impact
  angle as an extra input (the systematics chapter's varying-material showers).

Also the inputs (:func:`shower_features`, :func:`voxel_inputs`, :func:`raw_energy`),
the evaluation (:func:`evaluate`, :func:`performance_frames`), the plots and
:func:`effective_layer_weights`.
Names are imported lazily: importing this package does not import TensorFlow.
"""

from hepml_course._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "Evaluation": "evaluation",
        "GaussianNLLCalibration": "dnn",
        "GradientBoostedCalibration": "bdt",
        "LinearCalibration": "linear",
        "MixtureDensityCalibration": "mdn",
        "QuantileCalibration": "dnn",
        "check_voxels": "features",
        "effective_layer_weights": "interpret",
        "evaluate": "evaluation",
        "performance_frames": "evaluation",
        "plot_performance": "plots",
        "plot_pulls": "plots",
        "raw_energy": "features",
        "reference_resolution": "dnn",
        "shower_features": "features",
        "voxel_inputs": "features",
    },
)
