"""The door every calibration of the chapter shares: voxels in, energies out.

Private to :mod:`hepml_course.regression`.  :class:`_Calibration` adds to
:class:`~hepml_course.nn.Estimator` the calorimeter geometry as a JSON-able
hyper-parameter and the input checks of ``fit`` and of the output verb.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from hepml_course.nn import Estimator, check_array, check_lengths, check_sample_weight
from hepml_course.regression.features import check_voxels
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


def geometry_to_dict(geometry: CaloGeometry) -> dict[str, Any]:
    """JSON-able form of a :class:`CaloGeometry` (its constructor arguments)."""
    out: dict[str, Any] = {}
    for f in fields(geometry):
        if not f.init:
            continue
        value = getattr(geometry, f.name)
        if f.name == "r_edges_mm":
            value = [np.asarray(e, dtype=np.float64).tolist() for e in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def resolve_geometry(geometry: CaloGeometry | dict[str, Any] | None) -> CaloGeometry:
    """The geometry a model was given: ``None`` → the default, a dict → rebuilt."""
    if geometry is None:
        return DEFAULT_GEOMETRY
    if isinstance(geometry, CaloGeometry):
        return geometry
    if isinstance(geometry, dict):
        g = dict(geometry)
        return CaloGeometry(
            layer_names=tuple(g.pop("layer_names")),
            r_edges_mm=tuple(np.asarray(e, dtype=np.float64) for e in g.pop("r_edges_mm")),
            n_alpha=tuple(int(a) for a in g.pop("n_alpha")),
            depth_edges_x0=tuple(float(d) for d in g.pop("depth_edges_x0")),
            **g,
        )
    raise TypeError(
        f"geometry must be a CaloGeometry, its dict form or None, got {type(geometry).__name__}"
    )


class _Calibration(Estimator):
    """Shared checks of the calibrations (voxel energies → energies, GeV)."""

    geometry: CaloGeometry | dict[str, Any] | None

    @property
    def _geometry(self) -> CaloGeometry:
        return resolve_geometry(self.geometry)

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters (a :class:`CaloGeometry` in its JSON-able dict form)."""
        params = super().get_params()
        if isinstance(params.get("geometry"), CaloGeometry):
            params["geometry"] = geometry_to_dict(params["geometry"])
        return params

    def _check_voxels(self, X: Any) -> np.ndarray:
        return check_voxels(X, self._geometry)

    def _check_fit_inputs(
        self, X: Any, y: Any, sample_weight: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Voxels (n, n_voxels), true energies (n,) > 0 and weights (n,), all float64."""
        check_lengths(X=X, y=y, sample_weight=sample_weight)
        voxels = self._check_voxels(X)
        e = check_array(y, name="y (true energies, GeV)", ndim=1, dtype=np.float64)
        if np.any(e <= 0):
            raise ValueError(f"y (true energies, GeV) must be positive; got min {e.min():.3g}")
        w = check_sample_weight(sample_weight, len(voxels))
        return voxels, e, w
