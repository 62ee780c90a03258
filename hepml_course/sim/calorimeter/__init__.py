"""A physics-based simulation of electromagnetic showers in a sampling calorimeter.

The course's "reference simulation" (Geant4 cannot run offline here): GFLASH
longitudinal and lateral profiles with per-shower fluctuations, energy
deposited as discrete spots, front material, leakage, sampling fluctuations,
noise and dead cells, in a CaloChallenge-dataset-1-like voxel geometry.

>>> from hepml_course.sim.calorimeter import CalorimeterSimulator, sample_energies
>>> showers = CalorimeterSimulator().simulate(sample_energies(100, seed=1), seed=2)
>>> showers.voxel_energy_gev.shape
(100, 368)
"""

from hepml_course.sim.calorimeter.geometry import DEFAULT_GEOMETRY, CaloGeometry
from hepml_course.sim.calorimeter.lateral import GflashLateral
from hepml_course.sim.calorimeter.longitudinal import GflashLongitudinal
from hepml_course.sim.calorimeter.response import ReadoutResponse
from hepml_course.sim.calorimeter.simulator import (
    PARTICLES,
    CalorimeterSimulator,
    ShowerBatch,
    sample_energies,
)

__all__ = [
    "DEFAULT_GEOMETRY",
    "PARTICLES",
    "CaloGeometry",
    "CalorimeterSimulator",
    "GflashLateral",
    "GflashLongitudinal",
    "ReadoutResponse",
    "ShowerBatch",
    "sample_energies",
]
