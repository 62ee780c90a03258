"""Dataset ``l1``: Level-1-trigger-like events for the anomaly-detection chapter.

Pythia 8 at 13 TeV generates a Standard-Model background mixture weighted by
cross section (minimum bias + QCD in pT-hat slices, W → ℓν, Z/γ* → ℓℓ, tt̄) and
four ADC2021-like signals (A → 4ℓ, leptoquark → bτ, h⁰ → ττ, H± → τν).
:mod:`hepml_course.sim.l1_objects` turns each event into the objects a
Level-1 trigger sees (MET, ≤ 4 e/γ, ≤ 4 muons, ≤ 10 jets) and an 18 × 14
calorimeter-region ET image.  See ``data/l1.md`` for the datacard.

Weights: ``weight`` (pb) is σ / N_generated of the event's process, so Σ weight
over the background is the non-diffractive inelastic cross section; the trigger
rate of a selection at 40 MHz is 40 MHz × Σ w(pass) / Σ w(background)
(:mod:`hepml_course.metrics.trigger`).  Minimum-bias events whose hardest
interaction has pT-hat ≥ :data:`MB_PTHAT_MAX_GEV` are dropped: the QCD slices
cover them (stitching).
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.pythia import final_state, generate_events, make_pythia, sigma_pb
from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.sim.l1_objects import L1Response, emulate

NAME = "l1"
SHARD_EVENTS = 500
MB_PTHAT_MAX_GEV = 15.0

_LEPTONIC_W = ("24:onMode = off", "24:onIfAny = 11 13 15")
_LEPTONIC_Z = ("23:onMode = off", "23:onIfAny = 11 13 15")


def _qcd(lo: float, hi: float | None) -> tuple[str, ...]:
    settings = ("HardQCD:all = on", f"PhaseSpace:pTHatMin = {lo}")
    return settings + ((f"PhaseSpace:pTHatMax = {hi}",) if hi is not None else ())


#: name → code, signal flag, share of the requested events, Pythia settings.
PROCESSES: dict[str, dict] = {
    "minbias": {
        "code": 0,
        "signal": False,
        "fraction": 0.25,
        "settings": ("SoftQCD:nonDiffractive = on",),
    },
    "qcd_15_30": {"code": 1, "signal": False, "fraction": 0.08, "settings": _qcd(15.0, 30.0)},
    "qcd_30_60": {"code": 2, "signal": False, "fraction": 0.08, "settings": _qcd(30.0, 60.0)},
    "qcd_60_120": {"code": 3, "signal": False, "fraction": 0.08, "settings": _qcd(60.0, 120.0)},
    "qcd_120_250": {"code": 4, "signal": False, "fraction": 0.08, "settings": _qcd(120.0, 250.0)},
    "qcd_250": {"code": 5, "signal": False, "fraction": 0.08, "settings": _qcd(250.0, None)},
    "w_lnu": {
        "code": 6,
        "signal": False,
        "fraction": 0.04,
        "settings": ("WeakSingleBoson:ffbar2W = on", *_LEPTONIC_W),
    },
    "z_ll": {
        "code": 7,
        "signal": False,
        "fraction": 0.03,
        "settings": (
            "WeakSingleBoson:ffbar2gmZ = on",
            "PhaseSpace:mHatMin = 50.",
            *_LEPTONIC_Z,
        ),
    },
    "ttbar": {
        "code": 8,
        "signal": False,
        "fraction": 0.03,
        "settings": ("Top:gg2ttbar = on", "Top:qqbar2ttbar = on"),
    },
    "A_4l": {
        "code": 10,
        "signal": True,
        "fraction": 0.0625,
        "settings": (
            "HiggsSM:gg2H = on",
            "25:m0 = 50.",
            "25:mWidth = 0.01",
            "25:onMode = off",
            "25:onIfMatch = 23 23",
            "23:onMode = off",
            "23:onIfAny = 11 13",
            "23:mMin = 3.",
        ),
    },
    "LQ_btau": {
        "code": 11,
        "signal": True,
        "fraction": 0.0625,
        "settings": (
            "LeptoQuark:gg2LQLQbar = on",
            "LeptoQuark:qqbar2LQLQbar = on",
            "42:m0 = 80.",
            "42:chargeType = 2",
            "42:oneChannel = 1 1.0 0 5 -15",
        ),
    },
    "h0_tautau": {
        "code": 12,
        "signal": True,
        "fraction": 0.0625,
        "settings": (
            "HiggsSM:gg2H = on",
            "25:m0 = 60.",
            "25:onMode = off",
            "25:onIfMatch = 15 -15",
        ),
    },
    "Hpm_taunu": {
        "code": 13,
        "signal": True,
        "fraction": 0.0625,
        "settings": (
            "Higgs:useBSM = on",
            "HiggsBSM:ffbar2H+- = on",
            "37:m0 = 60.",
            "37:onMode = off",
            "37:onIfMatch = -15 16",
        ),
    },
}

#: process code → name.
PROCESS_NAMES: dict[int, str] = {cfg["code"]: name for name, cfg in PROCESSES.items()}
#: Names of the signal processes, in code order.
SIGNALS: tuple[str, ...] = tuple(n for n, c in PROCESSES.items() if c["signal"])
#: Codes of the background processes.
BACKGROUND_CODES: tuple[int, ...] = tuple(c["code"] for c in PROCESSES.values() if not c["signal"])

RESPONSE = L1Response()

_EVENTS = [
    Branch(
        "process",
        "int8",
        "",
        "process code: 0 minimum bias, 1–5 QCD pT-hat slices, 6 W → ℓν, 7 Z/γ* → ℓℓ, 8 tt̄, "
        "10 A → 4ℓ, 11 LQ → bτ, 12 h⁰ → ττ, 13 H± → τν",
    ),
    Branch("weight", "float64", "pb", "cross-section weight σ / N_generated of the process"),
    Branch("Gen_pTHat", "float32", "GeV", "pT of the hard (or hardest) interaction (truth)"),
    Branch("MET_pt", "float32", "GeV", "L1 missing transverse momentum (calorimeter)"),
    Branch("MET_phi", "float32", "rad", "azimuth of the L1 missing transverse momentum"),
    Branch("Egamma_pt", "float32", "GeV", "L1 e/γ candidate transverse momentum", jagged=True),
    Branch("Egamma_eta", "float32", "", "L1 e/γ candidate pseudorapidity", jagged=True),
    Branch("Egamma_phi", "float32", "rad", "L1 e/γ candidate azimuth", jagged=True),
    Branch("Muon_pt", "float32", "GeV", "L1 muon transverse momentum", jagged=True),
    Branch("Muon_eta", "float32", "", "L1 muon pseudorapidity", jagged=True),
    Branch("Muon_phi", "float32", "rad", "L1 muon azimuth", jagged=True),
    Branch("Jet_pt", "float32", "GeV", "L1 jet transverse momentum", jagged=True),
    Branch("Jet_eta", "float32", "", "L1 jet pseudorapidity", jagged=True),
    Branch("Jet_phi", "float32", "rad", "L1 jet azimuth", jagged=True),
    Branch(
        "Region_et",
        "uint16",
        "0.5 GeV",
        "calorimeter-region ET in counts of 0.5 GeV, [18 φ regions, 14 η regions]",
        shape=(18, 14),
    ),
]


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS`, process after process (shares of :data:`PROCESSES`)."""
    shards: list[Shard] = []
    remaining = n_events
    names = list(PROCESSES)
    for i, process in enumerate(names):
        last = i == len(names) - 1
        n = remaining if last else round(n_events * PROCESSES[process]["fraction"])
        n = min(n, remaining)
        remaining -= n
        if n <= 0:
            continue
        params = {"process": process, "n_process": n}
        shards += even_shards(NAME, n, seed, SHARD_EVENTS, params, first_index=len(shards))
    return shards


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard of one process and emulate the Level-1 view of it."""
    import vector

    vector.register_awkward()
    name = shard.params["process"]
    process = PROCESSES[name]
    pythia = make_pythia(process["settings"], shard.seed)
    events = generate_events(pythia, shard.n_events)
    weight = sigma_pb(pythia) / shard.params["n_process"]
    pthat = np.sqrt(ak.to_numpy(events.info.pT2Hat))
    if name == "minbias":  # stitching: harder interactions come from the QCD slices
        keep = pthat < MB_PTHAT_MAX_GEV
        events, pthat = events[keep], pthat[keep]
    rng = np.random.default_rng(shard.seed)
    objects = emulate(final_state(events), RESPONSE, rng)
    n = len(events)
    columns = {
        "process": np.full(n, process["code"]),
        "weight": np.full(n, weight),
        "Gen_pTHat": pthat,
        **objects,
    }
    return {"events": columns}


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title="Level-1-like trigger objects and calorimeter regions: SM mixture + 4 BSM signals",
    generator="Pythia 8.317 (pythia8mc), FastJet 3.5 anti-kt R = 0.4, hepml_course L1Response",
    filename="l1.root",
    trees={"events": _EVENTS},
    default_events=48_000,
    default_seed=20261130,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
)
