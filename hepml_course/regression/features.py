"""Inputs of the energy regression, computed from the voxel energies of a shower.

Every model here predicts the *correction* E_true / E_raw on top of the raw sum
of the voxel energies (the "super-cluster" energy of CMS's ECAL regression),
from features that describe *how* the shower developed: the share of each
layer (an early shower lost more in front, a late one leaks at the back), its
lateral width, the number of cells above threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.nn import check_array
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry

#: Floor of the raw energy used as denominator, GeV (a shower always has ≥ this).
MIN_RAW_GEV = 0.05


def check_voxels(voxels: Any, geometry: CaloGeometry = DEFAULT_GEOMETRY) -> np.ndarray:
    """Return ``voxels`` as a float64 (n_showers, n_voxels) array, or raise a clear error.

    Pass ``np.asarray(showers.voxel_energy_gev)``; the check is
    :func:`hepml_course.nn.check_array` (2-D, ``geometry.n_voxels`` columns, finite).
    """
    return check_array(voxels, name="voxels", n_features=geometry.n_voxels, dtype=np.float64)


def raw_energy(voxels: np.ndarray, geometry: CaloGeometry = DEFAULT_GEOMETRY) -> np.ndarray:
    """Sum of the voxel energies (EM scale), GeV, floored at :data:`MIN_RAW_GEV`."""
    return np.maximum(check_voxels(voxels, geometry).sum(axis=1), MIN_RAW_GEV)


def _lateral_width_mm(v: np.ndarray, geometry: CaloGeometry, layer: int) -> np.ndarray:
    """Energy-weighted RMS radius of one layer, mm (0 if the layer is empty)."""
    r, _ = geometry.voxel_centres(layer)
    e = v[:, geometry.layer_slices[layer]]
    total = e.sum(axis=1)
    r2 = (e * r**2).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.sqrt(r2)


def shower_features(
    voxels: np.ndarray, geometry: CaloGeometry = DEFAULT_GEOMETRY
) -> tuple[np.ndarray, list[str]]:
    """High-level features of each shower (for the linear and boosted models).

    Returns
    -------
    X, names
        ``X`` of shape (n, 2 n_layers + 4): log raw energy (ln GeV), layer
        sums (GeV), layer fractions, number of cells above threshold, and the
        RMS radius of the strips and middle layers (mm).
    """
    v = check_voxels(voxels, geometry)
    raw = np.maximum(v.sum(axis=1), MIN_RAW_GEV)
    sums = geometry.layer_sums(v)
    names = ["log_raw"]
    cols = [np.log(raw)]
    for i, layer in enumerate(geometry.layer_names):
        cols.append(sums[:, i])
        names.append(f"e_{layer}")
    for i, layer in enumerate(geometry.layer_names):
        cols.append(sums[:, i] / raw)
        names.append(f"frac_{layer}")
    cols.append((v > 0).sum(axis=1).astype(np.float64))
    names.append("n_cells")
    widest = np.argsort([n * a for n, a in zip(geometry.n_r, geometry.n_alpha, strict=True)])[-2:]
    for layer in sorted(widest):
        cols.append(_lateral_width_mm(v, geometry, int(layer)))
        names.append(f"width_{geometry.layer_names[layer]}_mm")
    return np.stack(cols, axis=1), names


def voxel_inputs(voxels: np.ndarray, geometry: CaloGeometry = DEFAULT_GEOMETRY) -> np.ndarray:
    """Low-level inputs of the DNN: log raw energy, layer fractions and every voxel / raw.

    Shape (n, 1 + n_layers + n_voxels); scale-free apart from the first column.
    """
    v = check_voxels(voxels, geometry)
    raw = np.maximum(v.sum(axis=1), MIN_RAW_GEV)
    frac = geometry.layer_sums(v) / raw[:, None]
    return np.concatenate([np.log(raw)[:, None], frac, v / raw[:, None]], axis=1)
