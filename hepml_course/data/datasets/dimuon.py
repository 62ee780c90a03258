"""Dataset ``dimuon``: Drell–Yan Z/γ* → μμ and tt̄ → μνb μνb at 13 TeV (intro chapter).

Pythia 8 generates the events (MPI, ISR, FSR and hadronisation on), FastJet
clusters anti-kt R = 0.4 jets from the visible final state, and
:class:`hepml_course.sim.muon_response.MuonResponse` turns true muons into
reconstructed ones.  Branch names follow the CMS NanoAOD habit (``Muon_pt``).
See ``data/dimuon.md`` for the datacard.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.pythia import final_state, generate_events, make_pythia, sigma_pb
from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.jagged import jagged_isin
from hepml_course.sim.muon_response import MuonResponse

NAME = "dimuon"
SHARD_EVENTS = 1000

#: Process settings on top of the common 13 TeV ones (see the datacard).
PROCESSES: dict[str, dict] = {
    "dy": {
        "code": 0,
        "fraction": 0.9,
        "settings": (
            "WeakSingleBoson:ffbar2gmZ = on",
            "23:onMode = off",
            "23:onIfAny = 13",
            "PhaseSpace:mHatMin = 50.",
        ),
    },
    "ttbar": {
        "code": 1,
        "fraction": 0.1,
        "settings": (
            "Top:gg2ttbar = on",
            "Top:qqbar2ttbar = on",
            "24:onMode = off",
            "24:onIfAny = 13",
        ),
    },
}

JET_R = 0.4
JET_PT_MIN_GEV = 20.0
JET_ETA_MAX = 4.7
ISO_CONE = 0.3
MET_RESOLUTION_GEV = 8.0
NEUTRINOS = (12, 14, 16)

MUON_RESPONSE = MuonResponse()

_EVENTS = [
    Branch("process", "int8", "", "physics process: 0 = Drell–Yan Z/γ* → μμ, 1 = tt̄ → μνb μνb"),
    Branch("weight", "float64", "pb", "cross-section weight: sum over a process = σ × BR"),
    Branch("Gen_mHat", "float32", "GeV", "invariant mass of the hard process (truth)"),
    Branch("Muon_pt", "float32", "GeV", "reconstructed muon transverse momentum", jagged=True),
    Branch("Muon_eta", "float32", "", "reconstructed muon pseudorapidity", jagged=True),
    Branch("Muon_phi", "float32", "rad", "reconstructed muon azimuth", jagged=True),
    Branch(
        "Muon_charge", "int8", "e", "reconstructed muon charge (from the curvature)", jagged=True
    ),
    Branch(
        "Muon_iso",
        "float32",
        "",
        "relative isolation: Σ pT of charged particles in ΔR < 0.3, divided by the muon pT",
        jagged=True,
    ),
    Branch(
        "GenMuon_pt", "float32", "GeV", "true final-state muon transverse momentum", jagged=True
    ),
    Branch("GenMuon_eta", "float32", "", "true final-state muon pseudorapidity", jagged=True),
    Branch("GenMuon_phi", "float32", "rad", "true final-state muon azimuth", jagged=True),
    Branch("GenMuon_charge", "int8", "e", "true final-state muon charge", jagged=True),
    Branch("Jet_pt", "float32", "GeV", "anti-kt R = 0.4 jet transverse momentum", jagged=True),
    Branch("Jet_eta", "float32", "", "jet pseudorapidity", jagged=True),
    Branch("Jet_phi", "float32", "rad", "jet azimuth", jagged=True),
    Branch("Jet_mass", "float32", "GeV", "jet invariant mass", jagged=True),
    Branch("MET_pt", "float32", "GeV", "missing transverse momentum (neutrinos, smeared)"),
    Branch("MET_phi", "float32", "rad", "azimuth of the missing transverse momentum"),
]


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_EVENTS`: first the Drell–Yan share, then tt̄."""
    shards: list[Shard] = []
    remaining = n_events
    for i, (process, cfg) in enumerate(PROCESSES.items()):
        last = i == len(PROCESSES) - 1
        n = remaining if last else round(n_events * cfg["fraction"])
        remaining -= n
        if n <= 0:
            continue
        params = {"process": process, "n_process": n}
        shards += even_shards(NAME, n, seed, SHARD_EVENTS, params, first_index=len(shards))
    return shards


def _isolation(mu: ak.Array, charged: ak.Array) -> ak.Array:
    """Σ pT of charged particles within ΔR < 0.3 of each muon (muon excluded), over its pT."""
    pairs = ak.cartesian({"mu": mu, "trk": charged}, nested=True)
    dr = pairs.mu.deltaR(pairs.trk)
    near = (dr < ISO_CONE) & (dr > 1e-6)
    return ak.sum(ak.where(near, pairs.trk.pt, 0.0), axis=-1) / mu.pt


def _jets(visible: ak.Array) -> dict[str, ak.Array]:
    import fastjet
    import vector

    inputs = ak.zip(
        {"px": visible.px, "py": visible.py, "pz": visible.pz, "E": visible.e},
        with_name="Momentum4D",
        behavior=vector.backends.awkward.behavior,
    )
    sequence = fastjet.ClusterSequence(
        inputs, fastjet.JetDefinition(fastjet.antikt_algorithm, JET_R)
    )
    raw = sequence.inclusive_jets(min_pt=JET_PT_MIN_GEV)
    jets = vector.zip({"px": raw.px, "py": raw.py, "pz": raw.pz, "E": raw.E})
    jets = jets[np.abs(jets.eta) < JET_ETA_MAX]
    jets = jets[ak.argsort(jets.pt, ascending=False)]
    return {"pt": jets.pt, "eta": jets.eta, "phi": jets.phi, "mass": jets.mass}


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard of one process and apply the detector response."""
    import vector

    vector.register_awkward()
    process = PROCESSES[shard.params["process"]]
    pythia = make_pythia(process["settings"], shard.seed)
    events = generate_events(pythia, shard.n_events)
    # Σ weight over a process = σ: each shard's events share its cross-section estimate
    weight = np.full(shard.n_events, sigma_pb(pythia) / shard.params["n_process"])
    rng = np.random.default_rng(shard.seed)

    fs = final_state(events)
    p4 = fs.p
    abs_id = np.abs(fs.id)
    is_mu = abs_id == 13
    gen_mu = fs[is_mu]
    gen_mu = gen_mu[ak.argsort(gen_mu.p.pt, ascending=False)]
    gen_q = ak.where(gen_mu.id == 13, -1, 1)  # PDG 13 is μ⁻
    reco = MUON_RESPONSE.apply(gen_mu.p.pt, gen_mu.p.eta, gen_mu.p.phi, gen_q, rng)
    order = ak.argsort(reco["pt"], ascending=False)
    reco = {k: v[order] for k, v in reco.items()}

    # charged visible particles for isolation: pythia8mc exposes no charge, so use
    # the PDG table of the final-state particles present here
    charged = p4[_is_charged(fs.id) & ~is_mu & (p4.pt > 0.5) & (np.abs(p4.eta) < 2.5)]
    reco_p4 = vector.zip({"pt": reco["pt"], "eta": reco["eta"], "phi": reco["phi"], "mass": 0.1057})
    iso = _isolation(reco_p4, charged)

    invisible = jagged_isin(abs_id, NEUTRINOS)
    visible = p4[~invisible & ~is_mu]
    jets = _jets(visible)

    nu = p4[invisible]
    met_x = ak.to_numpy(ak.sum(nu.px, axis=1)) + rng.normal(0.0, MET_RESOLUTION_GEV, shard.n_events)
    met_y = ak.to_numpy(ak.sum(nu.py, axis=1)) + rng.normal(0.0, MET_RESOLUTION_GEV, shard.n_events)

    columns = {
        "process": np.full(shard.n_events, process["code"]),
        "weight": weight,
        "Gen_mHat": ak.to_numpy(events.info.mHat),
        "Muon_pt": reco["pt"],
        "Muon_eta": reco["eta"],
        "Muon_phi": reco["phi"],
        "Muon_charge": reco["charge"],
        "Muon_iso": iso,
        "GenMuon_pt": gen_mu.p.pt,
        "GenMuon_eta": gen_mu.p.eta,
        "GenMuon_phi": gen_mu.p.phi,
        "GenMuon_charge": gen_q,
        "Jet_pt": jets["pt"],
        "Jet_eta": jets["eta"],
        "Jet_phi": jets["phi"],
        "Jet_mass": jets["mass"],
        "MET_pt": np.hypot(met_x, met_y),
        "MET_phi": np.arctan2(met_y, met_x),
    }
    return {"events": columns}


#: PDG ids of the long-lived charged particles that reach a tracker.
_CHARGED_IDS = np.array([11, 13, 211, 321, 2212, 3112, 3222, 3312, 3334])


def _is_charged(pdg_id: ak.Array) -> ak.Array:
    return jagged_isin(np.abs(pdg_id), _CHARGED_IDS)


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title="Drell–Yan Z/γ* → μμ and tt̄ → μμ + X at 13 TeV with a simple muon response",
    generator="Pythia 8.317 (pythia8mc), FastJet 3.5 anti-kt R = 0.4, hepml_course MuonResponse",
    filename="dimuon.root",
    trees={"events": _EVENTS},
    default_events=30_000,
    default_seed=20261123,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
)
