"""What a calibration has learned: its effective weight for each calorimeter layer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


def effective_layer_weights(
    predict: Callable[[np.ndarray], np.ndarray],
    voxels: np.ndarray,
    geometry: CaloGeometry = DEFAULT_GEOMETRY,
    epsilon: float = 0.05,
) -> np.ndarray:
    """∂E_pred / ∂E_layer per shower, by scaling one layer's voxels by 1 + ε.

    For a linear calibration this returns its layer weights; for a non-linear
    model it shows how much one more GeV in each layer adds to the prediction,
    shower by shower.

    Parameters
    ----------
    predict
        Function voxels (n, n_voxels) → predicted energies (n,), GeV.
    voxels
        Voxel energies, GeV.
    epsilon
        Relative change of the layer's energy.

    Returns
    -------
    np.ndarray
        Shape (n, n_layers); NaN where a layer is empty.
    """
    v = np.asarray(voxels, dtype=np.float64)
    base = np.asarray(predict(v), dtype=np.float64)
    sums = geometry.layer_sums(v)
    weights = np.full(sums.shape, np.nan)
    for layer, sl in enumerate(geometry.layer_slices):
        bumped = v.copy()
        bumped[:, sl] *= 1.0 + epsilon
        delta = np.asarray(predict(bumped), dtype=np.float64) - base
        ok = sums[:, layer] > 0
        weights[ok, layer] = delta[ok] / (epsilon * sums[ok, layer])
    return weights
