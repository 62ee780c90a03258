"""Dataset ``calo_material``: photon showers behind dead material that varies with the angle.

The same simulator and geometry as the ``calo`` dataset
(:class:`hepml_course.sim.calorimeter.CalorimeterSimulator`), with one change:
the dead material in front grows with the incidence angle θ,
``front_material_x0 + front_material_rise_x0 · θ²`` = 2 + 8 θ² X0 perpendicular
to the layers (2 X0 at θ = 0 to 4.9 X0 at θ = 0.6 rad, traversed over a path
longer by 1/cos θ), like the material budget of a barrel detector growing
towards larger |η|.  Energies are log-uniform in 1–20 GeV, where the front
loss matters.  θ (``theta_rad``) is stored: a real detector knows the impact
angle from the cluster position (η), so a calibration may use it as an input.
Used by the chapter *Uncertainties, systematics and domain shift* (mixture
density network).  See ``data/calo_material.md`` for the datacard.
"""

from __future__ import annotations

import dataclasses

from hepml_course.data.datasets.calo import _SHOWERS, simulate_shard
from hepml_course.data.spec import DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CalorimeterSimulator

NAME = "calo_material"
SHARD_EVENTS = 1000
E_MIN_GEV = 1.0
E_MAX_GEV = 20.0
#: Dead material in front at normal incidence and its rise with θ², X0.
FRONT_MATERIAL_X0 = 2.0
FRONT_MATERIAL_RISE_X0 = 8.0

GEOMETRY = dataclasses.replace(
    DEFAULT_GEOMETRY,
    front_material_x0=FRONT_MATERIAL_X0,
    front_material_rise_x0=FRONT_MATERIAL_RISE_X0,
)
SIMULATOR = CalorimeterSimulator(geometry=GEOMETRY, particle="photon")


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS` showers."""
    return even_shards(NAME, n_events, seed, SHARD_EVENTS)


def run_shard(shard: Shard) -> ShardOutput:
    """Draw the energies and simulate one shard of showers behind the varying material."""
    return simulate_shard(shard, SIMULATOR, E_MIN_GEV, E_MAX_GEV)


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title=(
        "Photon showers (1–20 GeV) behind angle-dependent dead material (2–4.9 X0) "
        "in the course's sampling EM calorimeter"
    ),
    generator=(
        "hepml_course CalorimeterSimulator (GFLASH profiles, spots, sampling, noise), "
        "front material 2 + 8 θ² X0"
    ),
    filename="calo_material.root",
    trees={"showers": _SHOWERS},
    default_events=14_000,
    default_seed=20261207,
    plan=plan,
    run_shard=run_shard,
    requires=(),
)
