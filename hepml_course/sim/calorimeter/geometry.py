"""Geometry of the course's sampling electromagnetic calorimeter.

The voxelisation follows the CaloChallenge 2022 dataset 1 (photons)
{Krause et al., arXiv:2410.21611; Giannelli et al., CaloChallenge binning
``binning_dataset_1_photons.xml``}: five layers, each divided into radial (r)
and angular (α) bins around the particle's extrapolated impact point, 368 voxels
in total.  The longitudinal structure is modelled on the ATLAS liquid-argon
barrel (presampler, strips, middle, back) followed by the first layer of a
coarse hadronic section {ATLAS LAr TDR, CERN/LHCC 96-41}, with depths in units
of the radiation length X0 of the calorimeter's effective (absorber + active)
medium.

Voxel order inside a layer is α-major: ``index = alpha_bin * n_r + r_bin`` and
the layers follow each other in the flat voxel vector (``layer_slices``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _edges(*values: float) -> np.ndarray:
    edges = np.asarray(values, dtype=np.float64)
    edges.setflags(write=False)
    return edges


@dataclass(frozen=True)
class CaloGeometry:
    """Layers × radial × angular voxels of a sampling calorimeter.

    Parameters
    ----------
    layer_names
        One name per layer (documentation and plot labels).
    r_edges_mm
        Radial bin edges of each layer, mm, starting at 0.  Energy beyond the
        last edge is outside the voxel grid (lateral leakage).
    n_alpha
        Number of angular bins of each layer (1 = no angular segmentation).
    depth_edges_x0
        Longitudinal boundaries of the layers, in X0 measured from the front
        face of the calorimeter at normal incidence (``n_layers + 1`` values).
        Energy deposited beyond the last edge leaks out at the back.
    front_material_x0
        Dead material in front of the calorimeter (inner detector, solenoid,
        cryostat) at normal incidence, X0.
    front_material_rise_x0
        Growth of the dead material with the incidence angle θ (tracker
        services, cables, cryostat corners): the thickness at angle θ is
        ``front_material_x0 + front_material_rise_x0 · θ²`` (θ in rad) measured
        perpendicular to the layers, traversed over a path longer by 1/cos θ.
        ATLAS and CMS budgets grow from ≈ 2 X0 at η = 0 to 4–6 X0 towards the
        end of the barrel (e.g. ``front_material_x0=2, front_material_rise_x0=8``);
        the default geometry has a uniform 3 X0.
    x0_mm
        Radiation length of the effective medium, mm (lead–liquid-argon
        accordion mixture ≈ 14 mm).
    moliere_radius_mm
        Molière radius R_M of the effective medium, mm.  R_M = X0 · E_s / E_c
        with E_s = 21.2 MeV (PDG, "Passage of particles through matter").
    """

    layer_names: tuple[str, ...]
    r_edges_mm: tuple[np.ndarray, ...]
    n_alpha: tuple[int, ...]
    depth_edges_x0: tuple[float, ...]
    front_material_x0: float = 3.0
    front_material_rise_x0: float = 0.0
    x0_mm: float = 14.0
    moliere_radius_mm: float = 27.0
    _offsets: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.layer_names)
        if not (len(self.r_edges_mm) == len(self.n_alpha) == n):
            raise ValueError(
                "layer_names, r_edges_mm and n_alpha must have one entry per layer; got "
                f"{n}, {len(self.r_edges_mm)}, {len(self.n_alpha)}"
            )
        if len(self.depth_edges_x0) != n + 1:
            raise ValueError(
                f"depth_edges_x0 needs n_layers + 1 = {n + 1} values, "
                f"got {len(self.depth_edges_x0)}"
            )
        if np.any(np.diff(self.depth_edges_x0) <= 0) or self.depth_edges_x0[0] < 0:
            raise ValueError(f"depth_edges_x0 must increase from >= 0, got {self.depth_edges_x0}")
        for i, edges in enumerate(self.r_edges_mm):
            edges = np.asarray(edges)
            if edges.ndim != 1 or len(edges) < 2 or edges[0] != 0 or np.any(np.diff(edges) <= 0):
                raise ValueError(f"r_edges_mm[{i}] must increase from 0, got {edges}")
        if any(a < 1 for a in self.n_alpha):
            raise ValueError(f"n_alpha must be >= 1 per layer, got {self.n_alpha}")
        sizes = [(len(e) - 1) * a for e, a in zip(self.r_edges_mm, self.n_alpha, strict=True)]
        object.__setattr__(self, "_offsets", tuple(int(x) for x in np.cumsum([0, *sizes])))

    @property
    def n_layers(self) -> int:
        """Number of layers."""
        return len(self.layer_names)

    @property
    def n_voxels(self) -> int:
        """Total number of voxels (length of the flat voxel vector)."""
        return self._offsets[-1]

    @property
    def n_r(self) -> tuple[int, ...]:
        """Number of radial bins of each layer."""
        return tuple(len(e) - 1 for e in self.r_edges_mm)

    @property
    def layer_slices(self) -> tuple[slice, ...]:
        """Voxel index range of each layer in the flat voxel vector."""
        return tuple(
            slice(a, b) for a, b in zip(self._offsets[:-1], self._offsets[1:], strict=True)
        )

    @property
    def layer_thickness_x0(self) -> np.ndarray:
        """Thickness of each layer at normal incidence, X0."""
        return np.diff(np.asarray(self.depth_edges_x0))

    @property
    def total_depth_x0(self) -> float:
        """Depth of the calorimeter (without the front material), X0."""
        return float(self.depth_edges_x0[-1])

    def front_material_at(self, theta_rad: np.ndarray) -> np.ndarray:
        """Dead material in front at incidence angle θ, X0 perpendicular to the layers."""
        return self.front_material_x0 + self.front_material_rise_x0 * np.asarray(theta_rad) ** 2

    def voxel_centres(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """Radial and angular centres of the voxels of one layer.

        Parameters
        ----------
        layer
            Layer index, ``0 <= layer < n_layers``.

        Returns
        -------
        r_mm, alpha_rad
            Arrays of length ``n_r[layer] * n_alpha[layer]`` in voxel order
            (α-major).  α bins cover [0, 2π); a layer without angular
            segmentation has α = π.
        """
        if not 0 <= layer < self.n_layers:
            raise IndexError(f"layer must be in [0, {self.n_layers}), got {layer}")
        edges = np.asarray(self.r_edges_mm[layer])
        r_c = 0.5 * (edges[1:] + edges[:-1])
        n_a = self.n_alpha[layer]
        a_c = (np.arange(n_a) + 0.5) * (2 * np.pi / n_a)
        return np.tile(r_c, n_a), np.repeat(a_c, len(r_c))

    def layer_of_voxel(self) -> np.ndarray:
        """Layer index of every voxel, shape ``(n_voxels,)``."""
        return np.repeat(np.arange(self.n_layers), np.diff(self._offsets))

    def layer_sums(self, voxel_energy: np.ndarray) -> np.ndarray:
        """Energy per layer: sums of ``voxel_energy`` (…, n_voxels) → (…, n_layers)."""
        voxel_energy = np.asarray(voxel_energy)
        if voxel_energy.shape[-1] != self.n_voxels:
            raise ValueError(
                f"voxel_energy must have {self.n_voxels} voxels in its last axis, "
                f"got shape {voxel_energy.shape}"
            )
        return np.stack([voxel_energy[..., s].sum(axis=-1) for s in self.layer_slices], axis=-1)


#: CaloChallenge dataset-1-photon-like geometry: 5 layers, 8 + 160 + 190 + 5 + 5 = 368 voxels.
DEFAULT_GEOMETRY = CaloGeometry(
    layer_names=("presampler", "strips", "middle", "back", "hadronic"),
    r_edges_mm=(
        _edges(0, 5, 10, 30, 50, 100, 200, 400, 600),
        _edges(0, 2, 4, 6, 8, 10, 12, 15, 20, 30, 40, 50, 70, 90, 120, 150, 200),
        _edges(0, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 130, 160, 200, 250, 300, 350, 400),
        _edges(0, 50, 100, 200, 400, 600),
        _edges(0, 100, 200, 400, 1000, 2000),
    ),
    n_alpha=(1, 10, 10, 1, 1),
    depth_edges_x0=(0.0, 1.0, 5.5, 21.5, 24.0, 26.0),
    front_material_x0=3.0,
    front_material_rise_x0=0.0,
    x0_mm=14.0,
    moliere_radius_mm=27.0,
)
