"""Dataset ``eventshapes``: e⁺e⁻ → Z → hadrons at √s = 91.2 GeV, event shapes vs αs.

Pythia 8 (Monash tune) with the final-state shower coupling
``TimeShower:alphaSvalue`` (αs) as the physics parameter; each event passes the
LEP-like detector :class:`hepml_course.sim.ee_detector.EEDetector` and the
hadronic selection, and its detector-level event shapes
(:mod:`hepml_course.data.event_shapes`) are stored.  Three trees with the same
branches:

* ``grid`` — N selected events at each αs of :data:`ALPHA_S_GRID` (0.110 … 0.150);
* ``reference`` — 3N events at :data:`ALPHA_S_REFERENCE` = 0.130;
* ``pseudo_data`` — 10N events at :data:`ALPHA_S_TRUE` = 0.1365 (Monash; not a grid
  value), the pool of pseudo-experiments.

See ``data/eventshapes.md`` for the datacard.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.event_shapes import SHAPE_NAMES
from hepml_course.data.spec import MAX_SEED, Branch, DatasetSpec, Shard, ShardOutput, even_shards

NAME = "eventshapes"
#: Selected events per grid value in one shard (the reference gets 3×, pseudo-data 10×).
SHARD_EVENTS = 2000
#: Pythia events generated per batch (fixed: the detector's random stream depends on it).
BATCH = 1000
#: Explicit mantissa bits kept in the stored float32 observables (of 23): relative
#: rounding ≤ 2⁻¹⁵ ≈ 3·10⁻⁵, far below any resolution, and the file ~20 % smaller.
STORED_MANTISSA_BITS = 14

#: e⁺e⁻ → γ*/Z → qq̄ (u, d, s, c, b) at the Z pole, pure Z (no γ* interference).
PROCESS_SETTINGS: tuple[str, ...] = (
    "Beams:idA = 11",
    "Beams:idB = -11",
    "Beams:eCM = 91.2",
    "PDF:lepton = off",
    "WeakSingleBoson:ffbar2gmZ = on",
    "WeakZ0:gmZmode = 2",
    "23:onMode = off",
    "23:onIfAny = 1 2 3 4 5",
)

#: The αs values of the ``grid`` tree: 0.110, 0.115, …, 0.150.
ALPHA_S_GRID: tuple[float, ...] = tuple(round(0.110 + 0.005 * i, 3) for i in range(9))
#: αs of the ``reference`` tree (the denominator of the likelihood ratios).
ALPHA_S_REFERENCE = 0.130
#: αs of the ``pseudo_data`` tree: the Monash value, between two grid points.
ALPHA_S_TRUE = 0.1365

#: Tree → (αs values, events per shard relative to the grid's per-value count).
TREE_SAMPLES: dict[str, tuple[tuple[float, ...], int]] = {
    "grid": (ALPHA_S_GRID, 1),
    "reference": ((ALPHA_S_REFERENCE,), 3),
    "pseudo_data": ((ALPHA_S_TRUE,), 10),
}
#: Number that identifies each tree in the derived seeds.
TREE_CODES: dict[str, int] = {"grid": 1, "reference": 2, "pseudo_data": 3}

#: Stored observables (detector level), in this order.
OBSERVABLES: tuple[str, ...] = SHAPE_NAMES

_DOCS: dict[str, tuple[str, str]] = {
    "one_minus_thrust": ("float32", "1 − T, T = max_n Σ|p·n| / Σ|p| (thrust)"),
    "c_parameter": ("float32", "C = 3(λ1λ2 + λ2λ3 + λ3λ1) of Θ_ab = Σ p_a p_b/|p| / Σ|p|"),
    "heavy_jet_mass": ("float32", "ρ_H = max(M1², M2²)/E_vis², hemispheres ⟂ the thrust axis"),
    "b_total": ("float32", "total broadening B_T = B1 + B2, B_i = Σ_{i∈H}|p×n| / (2Σ|p|)"),
    "b_wide": ("float32", "wide-jet broadening B_W = max(B1, B2)"),
    "y23": ("float32", "Durham (ee_kt) 3→2 jet transition y23, y = 2min(E²)(1−cosθ)/E_vis²"),
    "sphericity": ("float32", "S = 3/2(λ2 + λ3) of S_ab = Σ p_a p_b / Σ|p|²"),
    "n_charged": ("int16", "number of reconstructed charged tracks"),
    "n_neutral": ("int16", "number of neutral clusters (photons and neutral hadrons)"),
    "xi_mean": ("float32", "mean over the tracks of ξ = ln(E_beam/|p|), E_beam = √s/2"),
    "y34": ("float32", "Durham (ee_kt) 4→3 jet transition y34 (0 with < 4 particles)"),
    "y45": ("float32", "Durham (ee_kt) 5→4 jet transition y45 (0 with < 5 particles)"),
    "d_parameter": ("float32", "D = 27 λ1λ2λ3 of Θ_ab = Σ p_a p_b/|p| / Σ|p|"),
    "aplanarity": ("float32", "A = 3/2 λ3 (smallest eigenvalue) of S_ab = Σ p_a p_b / Σ|p|²"),
    "light_jet_mass": ("float32", "ρ_L = min(M1², M2²)/E_vis², hemispheres ⟂ the thrust axis"),
    "b_narrow": ("float32", "narrow-jet broadening B_N = min(B1, B2)"),
    "thrust_major": ("float32", "T_maj = max_{n ⟂ n_T} Σ|p·n| / Σ|p|"),
    "thrust_minor": ("float32", "T_min = Σ|p·n_min| / Σ|p|, n_min = n_T × n_maj"),
}

_BRANCHES: list[Branch] = [
    Branch("alpha_s", "float32", "", "Pythia TimeShower:alphaSvalue the event was generated with"),
    *(
        Branch(name, _DOCS[name][0], "", f"{_DOCS[name][1]}, detector level")
        for name in OBSERVABLES
    ),
]


def plan(n_events: int, seed: int, shard_events: int = SHARD_EVENTS) -> list[Shard]:
    """Shards of ``shard_events`` selected events per grid value (the last one smaller).

    Every shard produces its share of every tree: ``n`` events at each grid
    value, 3n for the reference and 10n for the pseudo-data.
    """
    return even_shards(NAME, n_events, seed, shard_events)


def sample_seed(shard_seed: int, tree: str, alpha_s: float) -> int:
    """Seed of one (tree, αs) sample of a shard, in [1, 900000000].

    ``SeedSequence([shard_seed, TREE_CODES[tree], round(αs · 10⁴)])``'s first
    32-bit word, mod 9·10⁸, plus 1: it seeds both Pythia (``Random:seed``) and
    the detector (``numpy.random.default_rng``).
    """
    if tree not in TREE_CODES:
        raise ValueError(f"unknown tree {tree!r}; choose one of {list(TREE_CODES)}")
    sequence = np.random.SeedSequence([int(shard_seed), TREE_CODES[tree], round(alpha_s * 1e4)])
    return int(sequence.generate_state(1, dtype=np.uint32)[0]) % MAX_SEED + 1


def _settings(alpha_s: float) -> tuple[str, ...]:
    return (*PROCESS_SETTINGS, f"TimeShower:alphaSvalue = {alpha_s:.4f}")


def simulate_batch(pythia, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ak.Array]:
    """Generate ``n`` events: the selection mask ``(n,)`` and the detector candidates."""
    from hepml_course.data.pythia import final_state
    from hepml_course.sim.ee_detector import EEDetector, passes_hadronic_selection

    fs = final_state(pythia.nextBatch(n))
    particles = ak.zip({"px": fs.p.px, "py": fs.p.py, "pz": fs.p.pz, "E": fs.p.e, "id": fs.id})
    candidates = EEDetector().apply(particles, rng)
    return passes_hadronic_selection(candidates), candidates


def round_mantissa(values: np.ndarray, bits: int = STORED_MANTISSA_BITS) -> np.ndarray:
    """float32 ``values`` rounded to nearest with ``bits`` explicit mantissa bits.

    Like ROOT's ``Float16_t``/``Double32_t`` truncation: the dropped low bits
    become zero, so the compressor stores them almost for free.  The relative
    change is at most 2^-(bits+1); signs, zeros and the order of values are
    kept (rounding is monotonic), NaN stays NaN.

    Parameters
    ----------
    values
        Any shape; converted to float32.
    bits
        Explicit mantissa bits to keep, 1 … 23 (23: unchanged).

    Returns
    -------
    numpy.ndarray
        float32, the shape of ``values``.
    """
    if not 1 <= int(bits) <= 23:
        raise ValueError(f"bits must be in 1 … 23 (float32 has 23 mantissa bits), got {bits}")
    values = np.asarray(values, dtype=np.float32)
    drop = 23 - int(bits)
    if drop == 0:
        return values.copy()
    raw = values.view(np.uint32)
    rounded = (raw + np.uint32(1 << (drop - 1))) & np.uint32((0xFFFFFFFF << drop) & 0xFFFFFFFF)
    return np.where(np.isfinite(values), rounded.view(np.float32), values)


def generate_sample(
    alpha_s: float, n_events: int, seed: int, batch: int = BATCH
) -> dict[str, np.ndarray]:
    """``n_events`` selected events at one αs: every branch of the schema.

    Parameters
    ----------
    alpha_s
        ``TimeShower:alphaSvalue``.
    n_events
        Selected events to return.
    seed
        Pythia ``Random:seed`` and the detector's NumPy seed.
    batch
        Events generated at a time (the shipped file used :data:`BATCH`).

    Returns
    -------
    dict of numpy.ndarray
        Branch name → values of shape ``(n_events,)``; the float32 observables
        rounded to :data:`STORED_MANTISSA_BITS` mantissa bits (:func:`round_mantissa`).
    """
    from hepml_course.data.event_shapes import event_shapes
    from hepml_course.data.pythia import make_pythia

    pythia = make_pythia(_settings(alpha_s), seed)
    rng = np.random.default_rng(seed)
    chunks: list[dict[str, np.ndarray]] = []
    kept = 0
    while kept < n_events:
        selected, candidates = simulate_batch(pythia, batch, rng)
        shapes = event_shapes(candidates[selected])
        chunks.append(shapes)
        kept += int(selected.sum())
    out = {k: np.concatenate([c[k] for c in chunks])[:n_events] for k in OBSERVABLES}
    columns = {"alpha_s": np.full(n_events, alpha_s, dtype=np.float32)}
    for name in OBSERVABLES:
        dtype = _DOCS[name][0]
        values = out[name].astype(dtype)
        columns[name] = round_mantissa(values) if dtype == "float32" else values
    return columns


def run_shard(shard: Shard) -> ShardOutput:
    """One shard: ``n`` events per grid value, ``3n`` reference and ``10n`` pseudo-data."""
    output: ShardOutput = {}
    for tree, (values, factor) in TREE_SAMPLES.items():
        parts = [
            generate_sample(a, factor * shard.n_events, sample_seed(shard.seed, tree, a))
            for a in values
        ]
        output[tree] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return output


SPEC = DatasetSpec(
    name=NAME,
    version="2",
    title="Pythia 8 e+e- → Z → hadrons at 91.2 GeV, detector-level event shapes vs αs(FSR)",
    generator="Pythia 8.317 (pythia8mc), FastJet 3.5 ee_kt, hepml_course EEDetector",
    filename="eventshapes.root",
    trees={tree: _BRANCHES for tree in TREE_SAMPLES},
    default_events=20_000,
    default_seed=20261207,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
)
