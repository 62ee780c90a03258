"""Dataset ``unfolding``: Pythia 8 Z(→μμ) + jet at 13 TeV, two generator settings.

Two trees with the same branches:

* ``sim`` — the nominal Pythia 8 (Monash tune), used as "simulation";
* ``nature`` — a varied Pythia 8 (larger final-state shower αs, harder
  Lund fragmentation function), used as pseudo-data.

For each event the leading anti-kt R = 0.4 jet (FastJet) is found at particle
level (all stable particles but muons and neutrinos) and at detector level
(after :class:`hepml_course.sim.jet_response.JetResponse`); six substructure
observables are stored at both levels (:mod:`hepml_course.data.jet_observables`).
An event is kept if it passes the jet selection at either level; the flags
``pass_gen`` / ``pass_reco`` mark inefficiencies and fakes.  See
``data/unfolding.md`` for the datacard.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.jet_observables import OBSERVABLE_UNITS, leading_jet_observables
from hepml_course.data.pythia import final_state, make_pythia
from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.sim.jet_response import JetResponse

NAME = "unfolding"
SHARD_EVENTS = 1000
BATCH = 500

#: Z + jet production at 13 TeV, Z → μμ only (pure Z, no γ*), with a pT-hat cut so
#: that few generated events fall below the jet selection.  Multiparton
#: interactions are off: they cost ~85 % of the generation time and the underlying
#: event is not the subject of the chapter (see the datacard).
PROCESS_SETTINGS: tuple[str, ...] = (
    "WeakBosonAndParton:qqbar2gmZg = on",
    "WeakBosonAndParton:qg2gmZq = on",
    "WeakZ0:gmZmode = 2",
    "23:onMode = off",
    "23:onIfAny = 13",
    "PhaseSpace:pTHatMin = 90.",
    "PartonLevel:MPI = off",
)

#: Generator settings of each sample on top of :data:`PROCESS_SETTINGS`.
SAMPLES: dict[str, tuple[str, ...]] = {
    "sim": (),
    "nature": (
        "TimeShower:alphaSvalue = 0.155",
        "StringZ:aLund = 0.5",
    ),
}

JET_R = 0.4
JET_PT_MIN_GEV = 100.0
JET_ETA_MAX = 2.0
#: Lower threshold for any jet to be considered the leading one (GeV).
JET_SEED_PT_GEV = 20.0
#: Offset between the sim and nature seeds of one shard.
NATURE_SEED_OFFSET = 12_345

RESPONSE = JetResponse()

#: Per-level observables: (suffix, dtype, doc).
_OBS_DOCS: dict[str, str] = {
    "pt": "leading-jet transverse momentum",
    "mass": "leading-jet invariant mass",
    "mult": "number of jet constituents (particles / detector candidates)",
    "width": "jet width Σ pT,i ΔR(i, jet) / pT,jet",
    "tau21": "N-subjettiness ratio τ2/τ1 (β = 1, one-pass kT axes, R0 = 0.4)",
    "zg": "SoftDrop (z_cut = 0.1, β = 0) groomed momentum fraction; 0 if no splitting passes",
    "lnrho": "ln ρ = ln(m² / pT²) of the jet",
}


def _branches() -> list[Branch]:
    out = [
        Branch(
            "pass_gen", "bool", "", "particle-level jet selection passed (pT > 100 GeV, |η| < 2)"
        ),
        Branch(
            "pass_reco", "bool", "", "detector-level jet selection passed (pT > 100 GeV, |η| < 2)"
        ),
        Branch(
            "jet_dr",
            "float32",
            "",
            "ΔR between the particle- and detector-level leading jets (NaN if one is missing)",
        ),
    ]
    for level, what in (("gen", "particle level"), ("reco", "detector level")):
        for obs, doc in _OBS_DOCS.items():
            dtype = "int16" if obs == "mult" else "float32"
            unit = OBSERVABLE_UNITS[obs]
            out.append(Branch(f"{level}_{obs}", dtype, unit, f"{doc}, {what} (NaN: no jet)"))
    return out


_BRANCHES = _branches()


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS` selected events of each sample."""
    return even_shards(NAME, n_events, seed, SHARD_EVENTS)


def _visible(fs: ak.Array) -> ak.Array:
    """Jet inputs: stable particles except muons (from the Z) and neutrinos."""
    aid = np.abs(fs.id)
    keep = (aid != 12) & (aid != 13) & (aid != 14) & (aid != 16)
    vis = fs[keep]
    return ak.zip({"px": vis.p.px, "py": vis.p.py, "pz": vis.p.pz, "E": vis.p.e, "id": vis.id})


def _passes(obs: dict[str, np.ndarray]) -> np.ndarray:
    pt = np.nan_to_num(obs["pt"], nan=0.0)
    eta = np.nan_to_num(obs["eta"], nan=99.0)
    return (pt > JET_PT_MIN_GEV) & (np.abs(eta) < JET_ETA_MAX)


def simulate_batch(pythia, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Generate ``n`` events and return all columns (before the selection)."""
    fs = final_state(pythia.nextBatch(n))
    vis = _visible(fs)
    gen = leading_jet_observables(vis[["px", "py", "pz", "E"]], JET_R, JET_SEED_PT_GEV)
    reco = leading_jet_observables(RESPONSE.apply(vis, rng), JET_R, JET_SEED_PT_GEV)
    dphi = (gen["phi"] - reco["phi"] + np.pi) % (2 * np.pi) - np.pi
    cols = {
        "pass_gen": _passes(gen),
        "pass_reco": _passes(reco),
        "jet_dr": np.hypot(gen["eta"] - reco["eta"], dphi),
    }
    for level, obs in (("gen", gen), ("reco", reco)):
        for key in _OBS_DOCS:
            value = obs[key]
            if key == "mult":
                value = np.nan_to_num(value, nan=0.0).astype(np.int16)
            cols[f"{level}_{key}"] = value
    return cols


def generate_sample(
    settings: tuple[str, ...], n_events: int, seed: int, batch: int = BATCH
) -> dict[str, np.ndarray]:
    """``n_events`` selected events (either level passes) of one generator setting.

    Events are generated ``batch`` at a time (the shipped file used the default).
    """
    pythia = make_pythia((*PROCESS_SETTINGS, *settings), seed)
    rng = np.random.default_rng(seed)
    chunks: list[dict[str, np.ndarray]] = []
    kept = 0
    while kept < n_events:
        cols = simulate_batch(pythia, batch, rng)
        sel = cols["pass_gen"] | cols["pass_reco"]
        chunks.append({k: v[sel] for k, v in cols.items()})
        kept += int(sel.sum())
    return {k: np.concatenate([c[k] for c in chunks])[:n_events] for k in chunks[0]}


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard: the same number of selected events for both samples."""
    return {
        "sim": generate_sample(SAMPLES["sim"], shard.n_events, shard.seed),
        "nature": generate_sample(
            SAMPLES["nature"], shard.n_events, (shard.seed + NATURE_SEED_OFFSET) % 900_000_000 + 1
        ),
    }


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title="Pythia 8 Z(→μμ) + jet, leading-jet substructure at particle and detector level",
    generator="Pythia 8.317 (pythia8mc), FastJet 3.5 + contrib, hepml_course JetResponse",
    filename="unfolding.root",
    trees={"sim": _BRANCHES, "nature": _BRANCHES},
    default_events=40_000,
    default_seed=20261130,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
)
