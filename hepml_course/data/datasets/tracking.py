"""Dataset ``tracking``: barrel hits of pion events from ACTS fast simulation (GNN chapter).

ACTS (PyPI ``pyacts``) simulates charged pions from several vertices in the
Generic Detector with Fatras in a 2 T field; see
:mod:`hepml_course.data.acts_sim` and the datacard ``data/tracking.md``.
Most events have :data:`MAIN_MULTIPLICITY` pions; a few at other
multiplicities follow, for the timing-vs-size (scaling) study.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards

NAME = "tracking"
SHARD_EVENTS = 8
MAIN_MULTIPLICITY = 1000
#: One event at each of these multiplicities closes every run (scaling study).
SCALING_MULTIPLICITIES = (250, 500, 2000, 4000)

_EVENTS = [
    Branch("multiplicity", "int32", "", "number of generated primary pions in the event"),
    Branch("n_vertices", "int32", "", "number of gun vertices (pile-up-like collisions)"),
    Branch("Hit_x", "float32", "mm", "true hit position x (global frame)", jagged=True),
    Branch("Hit_y", "float32", "mm", "true hit position y", jagged=True),
    Branch("Hit_z", "float32", "mm", "true hit position z (along the beam)", jagged=True),
    Branch("Hit_volume", "int8", "", "ACTS volume id (8 = pixel, 13 = short strips)", jagged=True),
    Branch("Hit_layer", "int8", "", "ACTS layer id inside the volume (2, 4, 6, 8)", jagged=True),
    Branch(
        "Hit_particle",
        "int32",
        "",
        "index of the particle that made the hit in this event's Particle list (truth)",
        jagged=True,
    ),
    Branch("Particle_pt", "float32", "GeV", "true transverse momentum at production", jagged=True),
    Branch("Particle_eta", "float32", "", "true pseudorapidity at production", jagged=True),
    Branch("Particle_phi", "float32", "rad", "true azimuth at production", jagged=True),
    Branch("Particle_vx", "float32", "mm", "production vertex x", jagged=True),
    Branch("Particle_vy", "float32", "mm", "production vertex y", jagged=True),
    Branch("Particle_vz", "float32", "mm", "production vertex z", jagged=True),
    Branch("Particle_charge", "int8", "e", "electric charge", jagged=True),
    Branch("Particle_pdg", "int32", "", "PDG particle id", jagged=True),
    Branch(
        "Particle_primary",
        "bool",
        "",
        "True for gun pions, False for secondaries made in the material",
        jagged=True,
    ),
    Branch("Particle_nhits", "int16", "", "number of kept (barrel) hits", jagged=True),
]


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS` at the main multiplicity, then the scaling events.

    With fewer than ``2 × len(SCALING_MULTIPLICITIES)`` events, all events are at
    the main multiplicity.
    """
    scaling = SCALING_MULTIPLICITIES if n_events >= 2 * len(SCALING_MULTIPLICITIES) else ()
    n_main = n_events - len(scaling)
    shards = even_shards(NAME, n_main, seed, SHARD_EVENTS, {"n_particles": MAIN_MULTIPLICITY})
    for m in scaling:
        shards += even_shards(NAME, 1, seed, 1, {"n_particles": m}, first_index=len(shards))
    return shards


def run_shard(shard: Shard) -> ShardOutput:
    """Simulate one shard with ACTS (imported lazily) and return its columns."""
    from hepml_course.data.acts_sim import GunConfig, simulate_events

    gun = GunConfig(n_particles=int(shard.params["n_particles"]))
    events = simulate_events(shard.n_events, shard.seed, gun)
    columns: dict = {
        "multiplicity": np.full(shard.n_events, gun.n_vertices * gun.particles_per_vertex),
        "n_vertices": np.full(shard.n_events, gun.n_vertices),
    }
    for key in events[0]:
        collection, field = key.split("_", 1)
        flat = np.concatenate([ev[key] for ev in events])
        counts = [len(ev[key]) for ev in events]
        columns[f"{collection.capitalize()}_{field}"] = ak.unflatten(flat, counts)
    return {"events": columns}


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title="Barrel tracker hits of multi-vertex pion events (ACTS Fatras, Generic Detector, 2 T)",
    generator="ACTS 48.1 (pyacts) particle gun + Fatras, Generic Detector, constant 2 T field",
    filename="tracking.root",
    trees={"events": _EVENTS},
    default_events=36,
    default_seed=20261130,
    plan=plan,
    run_shard=run_shard,
    requires=("acts",),
    max_events=100_000,
)
