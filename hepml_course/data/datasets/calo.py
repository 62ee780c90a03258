"""Dataset ``calo``: photon showers in the course's sampling calorimeter (regression, generative).

:class:`hepml_course.sim.calorimeter.CalorimeterSimulator` simulates photons
with energies log-uniform in 1–250 GeV in the CaloChallenge-dataset-1-like
geometry (5 layers, 368 voxels).  Voxel energies are reconstructed energies at
the electromagnetic scale (visible energy / sampling fraction), with noise and
zero suppression.  See ``data/calo.md`` for the datacard.
"""

from __future__ import annotations

import numpy as np

from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CalorimeterSimulator, sample_energies

NAME = "calo"
SHARD_EVENTS = 1000
E_MIN_GEV = 1.0
E_MAX_GEV = 250.0

SIMULATOR = CalorimeterSimulator(particle="photon")

_SHOWERS = [
    Branch("incident_energy_gev", "float32", "GeV", "energy of the incident photon (truth)"),
    Branch(
        "voxel_energy_gev",
        "float32",
        "GeV",
        "reconstructed energy per voxel at the EM scale (visible / sampling fraction), "
        "after noise and zero suppression",
        shape=(DEFAULT_GEOMETRY.n_voxels,),
    ),
    Branch("front_loss_gev", "float32", "GeV", "true energy lost in the material in front"),
    Branch(
        "leakage_gev", "float32", "GeV", "true energy leaking out at the back or outside the grid"
    ),
    Branch("deposited_gev", "float32", "GeV", "true energy deposited inside the voxel grid"),
    Branch(
        "visible_gev", "float32", "GeV", "energy seen by the active medium (before calibration)"
    ),
    Branch("pdg", "int32", "", "PDG code of the incident particle (22 = photon)"),
    Branch("theta_rad", "float32", "rad", "incidence angle to the calorimeter normal"),
    Branch("impact_x_mm", "float32", "mm", "x offset of the impact point from the grid centre"),
    Branch("impact_y_mm", "float32", "mm", "y offset of the impact point from the grid centre"),
    Branch(
        "conversion_depth_x0",
        "float32",
        "X0",
        "depth along the axis of the photon conversion (shower start)",
    ),
    Branch("shower_max_x0", "float32", "X0", "GFLASH T of this shower (from the shower start)"),
]


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS` showers."""
    return even_shards(NAME, n_events, seed, SHARD_EVENTS)


def simulate_shard(
    shard: Shard, simulator: CalorimeterSimulator, e_min_gev: float, e_max_gev: float
) -> ShardOutput:
    """One shard of showers: log-uniform energies in [e_min_gev, e_max_gev] GeV, simulated.

    Shared by the calorimeter datasets (``calo``, ``calo_material``): the energies
    use the shard's seed, the simulation the seed + 1; tree ``showers`` with the
    branches of this module.
    """
    energy = sample_energies(shard.n_events, shard.seed, "log-uniform", e_min_gev, e_max_gev)
    columns = simulator.simulate(energy, seed=shard.seed + 1).columns()
    wanted = {b.name for b in _SHOWERS}
    return {"showers": {k: np.asarray(v) for k, v in columns.items() if k in wanted}}


def run_shard(shard: Shard) -> ShardOutput:
    """Draw the energies and simulate one shard of showers."""
    return simulate_shard(shard, SIMULATOR, E_MIN_GEV, E_MAX_GEV)


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title="Photon showers (1–250 GeV) in a voxelised sampling EM calorimeter (GFLASH-based)",
    generator="hepml_course CalorimeterSimulator (GFLASH profiles, spots, sampling, noise)",
    filename="calo.root",
    trees={"showers": _SHOWERS},
    default_events=15_000,
    default_seed=20261201,
    plan=plan,
    run_shard=run_shard,
    requires=(),
)
