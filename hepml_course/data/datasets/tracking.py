"""Dataset ``tracking``: barrel hits of pion events from ACTS fast simulation (GNN chapter).

ACTS (PyPI ``pyacts``) simulates charged pions from several vertices in the
Generic Detector with Fatras in a 2 T field; see
:mod:`hepml_course.data.acts_sim` and the datacard ``data/tracking.md``.
Layout of the shipped sample (version 2, 49 events; see :func:`plan`):

- events 0–31: :data:`MAIN_MULTIPLICITY` pions (the chapter's train/test events),
- events 32–35: one event at each of :data:`SCALING_MULTIPLICITIES` (scaling study),
- events 36–47: :data:`MIXTURE_EVENTS_EACH` events at each of
  :data:`MIXTURE_MULTIPLICITIES` (the density mixture the GNN trains on),
- event 48: one event at :data:`DENSE_MULTIPLICITY` pions.

Events 0–35 are identical to version 1's 36 events (same shards, same seeds).
``hepml-course data generate tracking --particles N`` makes every event of a run
have ``N`` pions (plan option ``particles``).
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards

NAME = "tracking"
SHARD_EVENTS = 8
MAIN_MULTIPLICITY = 1000
#: One event at each of these multiplicities follows the main events (scaling study).
SCALING_MULTIPLICITIES = (250, 500, 2000, 4000)
#: Multiplicities of the GNN's training mixture (events 36–47 of the shipped sample).
MIXTURE_MULTIPLICITIES = (250, 500, 2000, 5000)
#: Events per mixture multiplicity (the tracking chapter: 2 train + 1 validation).
MIXTURE_EVENTS_EACH = 3
#: Multiplicity of the one dense event that closes a full-size run.
DENSE_MULTIPLICITY = 10000
#: Events that follow the main ones in a full-size run (scaling, mixture, dense).
TAIL_EVENTS = len(SCALING_MULTIPLICITIES) + len(MIXTURE_MULTIPLICITIES) * MIXTURE_EVENTS_EACH + 1
#: Main events of the shipped sample (events 0–31; the chapter trains on 0–23, tests on 24–31).
MAIN_EVENTS = 4 * SHARD_EVENTS
#: Smallest run with the full version-2 layout: the main events plus the tail (49).
FULL_LAYOUT_EVENTS = MAIN_EVENTS + TAIL_EVENTS
#: Pions per gun vertex (:class:`hepml_course.data.acts_sim.GunConfig`): ``particles``
#: must be a multiple of it.
PIONS_PER_VERTEX = 25
#: Largest ``particles`` (pions per event) a run accepts.
MAX_PARTICLES = 100_000
#: Largest number of pions (events × pions per event) in one ``--particles`` run.
MAX_RUN_PIONS = 100_000 * MAIN_MULTIPLICITY

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


def check_particles(particles: object, n_events: int) -> int:
    """Validate the ``particles`` option (pions per event) of a run.

    Parameters
    ----------
    particles
        Requested pions per event.
    n_events
        Events of the run (their product with ``particles`` is limited too).

    Returns
    -------
    int
        ``particles``.

    Raises
    ------
    ValueError
        Not an integer (bools and floats are refused), not a multiple of
        :data:`PIONS_PER_VERTEX`, outside ``[25, MAX_PARTICLES]``, or a run of more
        than :data:`MAX_RUN_PIONS` pions in total.
    """
    what = "--particles (pions per event of dataset 'tracking')"
    if isinstance(particles, bool) or not isinstance(particles, int | np.integer):
        raise ValueError(f"{what} must be an integer, got {particles!r}: e.g. --particles 10000")
    p = int(particles)
    if not PIONS_PER_VERTEX <= p <= MAX_PARTICLES:
        raise ValueError(
            f"{what} must be between {PIONS_PER_VERTEX} and {MAX_PARTICLES:,}, got {p}: the gun "
            f"shoots {PIONS_PER_VERTEX} pions per vertex, and events above {MAX_PARTICLES:,} "
            "pions take hours each; generate at most that many"
        )
    if p % PIONS_PER_VERTEX:
        low = p - p % PIONS_PER_VERTEX
        raise ValueError(
            f"{what} must be a multiple of {PIONS_PER_VERTEX} (the gun shoots "
            f"{PIONS_PER_VERTEX} pions per vertex), got {p}: use {low} or "
            f"{low + PIONS_PER_VERTEX}"
        )
    if n_events * p > MAX_RUN_PIONS:
        raise ValueError(
            f"{n_events} events × {p} pions is above the limit of {MAX_RUN_PIONS:,} pions per run "
            f"for dataset 'tracking' (such a run would take weeks): generate at most "
            f"{MAX_RUN_PIONS // p} events of {p} pions per run, with different --seed values if "
            "you need more"
        )
    return p


def particles_run_seed(seed: int, particles: int) -> int:
    """Run seed of a ``particles`` run, derived from ``(seed, particles)``.

    Parameters
    ----------
    seed
        The user's run seed (non-negative).
    particles
        Pions per event.

    Returns
    -------
    int
        A seed in ``[0, 2**32)``, different for every ``(seed, particles)`` pair
        (up to hash collisions), so that runs at different multiplicities, and the
        shipped sample, share no random stream.
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    sequence = np.random.SeedSequence([seed, particles])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def plan(n_events: int, seed: int, particles: int | None = None) -> list[Shard]:
    """The shards of a run: fixed by ``(n_events, seed, particles)`` only.

    Without ``particles``:

    - ``n_events >= FULL_LAYOUT_EVENTS`` (49, the shipped size): ``n_events - 17``
      events at :data:`MAIN_MULTIPLICITY` (shards of :data:`SHARD_EVENTS`), then one
      one-event shard per :data:`SCALING_MULTIPLICITIES`, one shard of
      :data:`MIXTURE_EVENTS_EACH` events per :data:`MIXTURE_MULTIPLICITIES` (in
      that order) and one shard with one :data:`DENSE_MULTIPLICITY` event.  Shard
      indices run on, so the main and scaling shards have version 1's indices and
      seeds;
    - ``8 <= n_events < 49``: main events, then the 4 scaling events (version 1);
    - ``n_events < 8``: all events at the main multiplicity.

    With ``particles``: every event has ``particles`` pions, in shards of
    ``max(1, SHARD_EVENTS * MAIN_MULTIPLICITY // particles)`` events (dense events
    run one per shard, so they parallelise).  Shard seeds then derive from
    ``(seed, particles)`` (:func:`particles_run_seed`): the gun draws its pions
    in sequence, so reusing the plain shard seeds would make the first 1000 pions
    of a ``--particles 10000`` event with the shipped seed those of shipped
    (training) event 0.

    Parameters
    ----------
    n_events
        Events of the run.
    seed
        Run seed (shard seeds derive from it and the shard index).
    particles
        Pions per event (a multiple of 25 in [25, 100000]); None for the layout above.

    Raises
    ------
    ValueError
        Bad ``particles`` (see :func:`check_particles`).
    """
    if particles is not None:
        p = check_particles(particles, n_events)
        per_shard = max(1, SHARD_EVENTS * MAIN_MULTIPLICITY // p)
        run_seed = particles_run_seed(seed, p)
        return even_shards(NAME, n_events, run_seed, per_shard, {"n_particles": p})
    tail: list[tuple[int, int]] = []  # (events, multiplicity), one shard each
    if n_events >= 2 * len(SCALING_MULTIPLICITIES):
        tail += [(1, m) for m in SCALING_MULTIPLICITIES]
    if n_events >= FULL_LAYOUT_EVENTS:
        tail += [(MIXTURE_EVENTS_EACH, m) for m in MIXTURE_MULTIPLICITIES]
        tail += [(1, DENSE_MULTIPLICITY)]
    n_main = n_events - sum(n for n, _ in tail)
    shards = even_shards(NAME, n_main, seed, SHARD_EVENTS, {"n_particles": MAIN_MULTIPLICITY})
    for n, m in tail:
        shards += even_shards(NAME, n, seed, n, {"n_particles": m}, first_index=len(shards))
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
    version="2",
    title="Barrel tracker hits of multi-vertex pion events (ACTS Fatras, Generic Detector, 2 T)",
    generator="ACTS 48.1 (pyacts) particle gun + Fatras, Generic Detector, constant 2 T field",
    filename="tracking.root",
    trees={"events": _EVENTS},
    default_events=FULL_LAYOUT_EVENTS,
    default_seed=20261130,
    plan=plan,
    run_shard=run_shard,
    requires=("acts",),
    max_events=100_000,
    plan_options=("particles",),
)
