"""Dataset ``jets``: boosted g / q / W / Z / t jets at 13 TeV for the jet-tagging chapter.

Pythia 8 generates QCD dijets, W + jet, Z + jet and all-hadronic tt̄ with the
hard-process pT in [600, 1200] GeV; FastJet clusters anti-kt R = 0.8 jets
from the visible final state.  Each jet is labelled by truth matching
(gluon / light quark by the nearest outgoing hard parton; W, Z, t when the
resonance and all its decay quarks lie within ΔR < 0.8 of the jet axis) and
described by the 16 high-level features of the public hls4ml LHC jet dataset
(see :mod:`hepml_course.data.jet_substructure`) plus its kinematics,
N-subjettiness ratios and its 50 hardest constituents.  Classes are balanced:
every shard produces a fixed number of jets of one class (g and q share
QCD shards).

Trees: ``jets`` (main sample, high-level branches), ``particles`` (the same
jets with their constituents) and ``mpi_on`` (a smaller sample with
multi-parton interactions switched on, 2/3 of the size; the main sample has
them off to halve the generation time).  See ``data/jets.md`` for the datacard.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.errors import GenerationError
from hepml_course.data.jet_substructure import HLF_FEATURES, groomed_features, zlogz
from hepml_course.data.pythia import final_state, make_pythia, sigma_pb
from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards
from hepml_course.jagged import jagged_isin

NAME = "jets"
CLASS_NAMES: tuple[str, ...] = ("g", "q", "w", "z", "t")
#: Jets of one class per shard (QCD shards hold this many g *and* q jets).
SHARD_JETS = 500
#: Multi-parton interactions in the main sample (off: they cost ≈ 2× the CPU time),
#: and the size of the sample with the opposite setting (tree ``mpi_on``): 2/3 gives
#: 2 000 jets per class for the shipped 15 000 jets, enough to train a tagger on it
#: (the domain-adaptation reference).  Version 1 had 1/8 (375 jets per class).
MAIN_MPI = False
OTHER_MPI_FRACTION = 2 / 3
N_CONSTITUENTS = 50
JET_R = 0.8
JET_PT_MIN_GEV = 500.0
JET_ETA_MAX = 2.0
PTHAT_MIN_GEV = 600.0
PTHAT_MAX_GEV = 1200.0
SOFTDROP_ZCUT = 0.1
SOFTDROP_BETA = 0.0
#: Events generated per Pythia batch, and the give-up limit (events per requested jet).
BATCH_EVENTS = 100
MAX_EVENTS_PER_JET = 40
#: Float mantissa bits kept for constituent branches (relative precision 2^-11 ≈ 5e-4):
#: the dropped bits are noise for the models and compress badly.
KEPT_MANTISSA_BITS = 10

_HADRONIC = ("1 2 3 4 5",)
_WINDOW = (f"PhaseSpace:pTHatMin = {PTHAT_MIN_GEV}", f"PhaseSpace:pTHatMax = {PTHAT_MAX_GEV}")

#: Physics process per class group: Pythia settings on top of the common 13 TeV ones.
PROCESSES: dict[str, dict] = {
    "qcd": {
        "classes": ("g", "q"),
        "settings": ("HardQCD:all = on", *_WINDOW),
    },
    "w": {
        "classes": ("w",),
        "settings": (
            "WeakBosonAndParton:qqbar2Wg = on",
            "WeakBosonAndParton:qg2Wq = on",
            "24:onMode = off",
            f"24:onIfAny = {_HADRONIC[0]}",
            *_WINDOW,
        ),
    },
    "z": {
        "classes": ("z",),
        "settings": (
            "WeakBosonAndParton:qqbar2gmZg = on",
            "WeakBosonAndParton:qg2gmZq = on",
            "WeakZ0:gmZmode = 2",
            "23:onMode = off",
            f"23:onIfAny = {_HADRONIC[0]}",
            *_WINDOW,
        ),
    },
    "t": {
        "classes": ("t",),
        "settings": (
            "Top:gg2ttbar = on",
            "Top:qqbar2ttbar = on",
            "24:onMode = off",
            f"24:onIfAny = {_HADRONIC[0]}",
            *_WINDOW,
        ),
    },
}

#: Resonance PDG id and number of decay quarks that must lie inside the jet.
_RESONANCE = {"w": (24, 2), "z": (23, 2), "t": (6, 3)}
_NEUTRINOS = (12, 14, 16)


def _const(name: str, unit: str, doc: str) -> Branch:
    return Branch(name, "float32", unit, doc, jagged=True)


_HLF_DOCS = {
    "j_zlogz": "Σ z log z over the constituents, z = pT_i / pT_jet",
    "j_c1_b0_mmdt": "C1 β=0 = e2 (β=0) of the mMDT-groomed jet",
    "j_c1_b1_mmdt": "C1 β=1 = e2 (β=1) of the groomed jet",
    "j_c1_b2_mmdt": "C1 β=2 = e2 (β=2) of the groomed jet",
    "j_c2_b1_mmdt": "C2 β=1 = e3/e2² of the groomed jet",
    "j_c2_b2_mmdt": "C2 β=2 = e3/e2² of the groomed jet",
    "j_d2_b1_mmdt": "D2 β=1 = e3/e2³ of the groomed jet",
    "j_d2_b2_mmdt": "D2 β=2 = e3/e2³ of the groomed jet",
    "j_d2_a1_b1_mmdt": "D2 α=1 β=1 = e3(α)/e2(β)^(3α/β) of the groomed jet",
    "j_d2_a1_b2_mmdt": "D2 α=1 β=2 = e3(α)/e2(β)^(3α/β) of the groomed jet",
    "j_m2_b1_mmdt": "M2 β=1 = 1e3/e2 of the groomed jet",
    "j_m2_b2_mmdt": "M2 β=2 = 1e3/e2 of the groomed jet",
    "j_n2_b1_mmdt": "N2 β=1 = 2e3/e2² of the groomed jet",
    "j_n2_b2_mmdt": "N2 β=2 = 2e3/e2² of the groomed jet",
    "j_mass_mmdt": "mass of the mMDT-groomed jet",
    "j_multiplicity": "number of constituents of the (ungroomed) jet",
}

_HLF_BRANCHES = [
    Branch("label", "int8", "", "truth class: 0 = g, 1 = q, 2 = W, 3 = Z, 4 = t"),
    Branch("sigma_pb", "float32", "pb", "Pythia cross section of the generating process"),
    Branch("j_pt", "float32", "GeV", "jet transverse momentum"),
    Branch("j_eta", "float32", "", "jet pseudorapidity"),
    Branch("j_mass", "float32", "GeV", "jet invariant mass (ungroomed)"),
    Branch("j_tau21", "float32", "", "N-subjettiness ratio τ2/τ1 (β = 1)"),
    Branch("j_tau32", "float32", "", "N-subjettiness ratio τ3/τ2 (β = 1)"),
    *(
        Branch(f, "float32", "GeV" if f == "j_mass_mmdt" else "", _HLF_DOCS[f])
        for f in HLF_FEATURES
    ),
]
_PART_BRANCHES = [
    _const("Part_pt", "GeV", "constituent pT (50 hardest, pT-ordered)"),
    _const("Part_deta", "", "constituent η minus jet η"),
    _const("Part_dphi", "rad", "constituent φ minus jet φ, wrapped to [-π, π)"),
    _const("Part_e", "GeV", "constituent energy"),
]
#: Tree ``particles``: the high-level branches plus the constituents.
_PARTICLES = [*_HLF_BRANCHES, *_PART_BRANCHES]
#: Every ``PARTICLE_EVERY``-th jet of a class in a shard also goes to tree ``particles``.
PARTICLE_EVERY = 1


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_JETS` jets per class; ``n_events`` counts jets of tree ``jets``.

    The QCD process fills g and q together, so its shards hold twice as many
    jets.  After the shards of trees ``jets``/``particles`` (MPI off) come the
    MPI-on shards of tree ``mpi_on`` (:data:`OTHER_MPI_FRACTION` of the size).
    """
    per_class = n_events // len(CLASS_NAMES)
    if per_class <= 0:
        raise ValueError(f"need at least {len(CLASS_NAMES)} jets (one per class), got {n_events}")
    per_class_other = max(1, round(per_class * OTHER_MPI_FRACTION))
    shards: list[Shard] = []
    for mpi, n_class in ((MAIN_MPI, per_class), (not MAIN_MPI, per_class_other)):
        for process, cfg in PROCESSES.items():
            k = len(cfg["classes"])
            params = {"process": process, "mpi": mpi}
            shards += even_shards(
                NAME, n_class * k, seed, SHARD_JETS * k, params, first_index=len(shards)
            )
    return shards


def _delta_r(eta1, phi1, eta2, phi2):
    dphi = np.mod(phi1 - phi2 + np.pi, 2 * np.pi) - np.pi
    return np.sqrt((eta1 - eta2) ** 2 + dphi**2)


def _flat(x: ak.Array) -> tuple[np.ndarray, np.ndarray]:
    """Flat values and offsets of a jagged (events × objects) array."""
    counts = ak.to_numpy(ak.num(x))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return ak.to_numpy(ak.flatten(x)), offsets


def _eta_phi(px, py, pz) -> tuple[np.ndarray, np.ndarray]:
    pt = np.hypot(px, py)
    return np.arcsinh(pz / np.maximum(pt, 1e-12)), np.arctan2(py, px)


def _truth(events: ak.Array, process: str) -> dict:
    """Truth objects per event (flat arrays + offsets).

    QCD: the outgoing hard partons (``eta``, ``phi``, ``id``).  W/Z/t: the last
    copy of the resonance (``eta``, ``phi``) and its decay quarks
    (``q_eta``, ``q_phi``; for t also the W's quarks).
    """
    prt = events["prt"]
    aid = np.abs(prt.id)

    def pick(mask: ak.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        sel = prt[mask]
        px, off = _flat(sel.p.px)
        eta, phi = _eta_phi(px, _flat(sel.p.py)[0], _flat(sel.p.pz)[0])
        return eta, phi, off

    if process == "qcd":
        hard = (prt.status == -23) & ((aid == 21) | (aid <= 5))
        eta, phi, off = pick(hard)
        return {"eta": eta, "phi": phi, "off": off, "id": _flat(aid[hard])[0]}
    pdg, _ = _RESONANCE[process]
    mother_id = aid[prt.mother1]
    quark = (aid >= 1) & (aid <= 5)
    # decay quarks: first copies whose mother is the W/Z/t (or, for t, its W)
    decay = quark & jagged_isin(mother_id, (pdg, 24))
    # last copy of the resonance: its first daughter is no longer a copy of itself
    res = (aid == pdg) & (prt.daughter1 > 0) & (aid[prt.daughter1] != pdg)
    eta, phi, off = pick(res)
    q_eta, q_phi, q_off = pick(decay)
    return {"eta": eta, "phi": phi, "off": off, "q_eta": q_eta, "q_phi": q_phi, "q_off": q_off}


def _label_jet(truth: dict, ev: int, eta: float, phi: float, process: str) -> int:
    """Class index of one jet, or -1 if it matches nothing (or a b quark for QCD)."""
    a, b = truth["off"][ev], truth["off"][ev + 1]
    if b == a:
        return -1
    dr = _delta_r(truth["eta"][a:b], truth["phi"][a:b], eta, phi)
    i = int(np.argmin(dr))
    if dr[i] > JET_R:
        return -1
    if process == "qcd":
        pdg = truth["id"][a + i]
        if pdg == 21:
            return CLASS_NAMES.index("g")
        return CLASS_NAMES.index("q") if pdg <= 4 else -1
    _, n_quarks = _RESONANCE[process]
    a, b = truth["q_off"][ev], truth["q_off"][ev + 1]
    inside = _delta_r(truth["q_eta"][a:b], truth["q_phi"][a:b], eta, phi) < JET_R
    return CLASS_NAMES.index(process) if inside.sum() >= n_quarks else -1


def _round_mantissa(x: np.ndarray, bits: int = KEPT_MANTISSA_BITS) -> np.ndarray:
    """Zero the low mantissa bits of float32 values (round to nearest)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    drop = 23 - bits
    u = x.view(np.uint32)
    u = (u + np.uint32(1 << (drop - 1))) & np.uint32(~((1 << drop) - 1) & 0xFFFFFFFF)
    return u.view(np.float32)


def _jet_features(constituents: ak.Array) -> dict[str, np.ndarray]:
    """Substructure of jets given as lists of constituents (px, py, pz, E in GeV)."""
    import fastjet

    n_jets = len(constituents)
    # one "event" per jet; C/A is what the exclusive (one-jet) declustering expects
    cs = fastjet.ClusterSequence(
        constituents, fastjet.JetDefinition(fastjet.cambridge_algorithm, JET_R)
    )
    taus = cs.njettiness(njets=[1, 2, 3], beta=1.0, R0=JET_R)
    tau = ak.to_numpy(taus)  # (n_jets, 3): τ1, τ2, τ3
    t1, t2, t3 = tau[:, 0], tau[:, 1], tau[:, 2]
    groomed = cs.exclusive_jets_softdrop_grooming(
        njets=1, beta=SOFTDROP_BETA, symmetry_cut=SOFTDROP_ZCUT, R0=JET_R
    )
    g = groomed.constituents
    gpx, goff = _flat(g.px)
    gpy, gpz, ge = (_flat(g[k])[0] for k in ("py", "pz", "E"))
    gpt = np.hypot(gpx, gpy)
    gy = 0.5 * np.log(np.maximum(ge + gpz, 1e-12) / np.maximum(ge - gpz, 1e-12))
    gphi = np.arctan2(gpy, gpx)
    cpx, coff = _flat(constituents.px)
    cpt = np.hypot(cpx, _flat(constituents.py)[0])
    out: dict[str, np.ndarray] = {f: np.zeros(n_jets) for f in HLF_FEATURES}
    for i in range(n_jets):
        s = slice(goff[i], goff[i + 1])
        for k, v in groomed_features(gpt[s], gy[s], gphi[s]).items():
            out[k][i] = v
        out["j_zlogz"][i] = zlogz(cpt[coff[i] : coff[i + 1]])
    out["j_mass_mmdt"] = ak.to_numpy(groomed.msoftdrop)
    out["j_multiplicity"] = ak.to_numpy(ak.num(constituents)).astype(np.float64)
    out["j_tau21"] = np.where(t1 > 0, t2 / np.maximum(t1, 1e-12), 0.0)
    out["j_tau32"] = np.where(t2 > 0, t3 / np.maximum(t2, 1e-12), 0.0)
    return out


#: Key of ``need`` when any jet is accepted, matched to a truth class or not.
ANY_JET = -1


def _process_batch(
    events: ak.Array, process: str, need: dict[int, int], any_jet: bool = False
) -> list[dict]:
    """Cluster, label and select the jets of one batch; returns per-jet records (no features).

    Of each event only the two leading jets are considered; ``need`` (class →
    jets still wanted, or :data:`ANY_JET` → jets still wanted with ``any_jet``)
    is decremented in place.  With ``any_jet`` every jet within the acceptance
    is kept, and its label is its truth class or -1 when it matches none.
    """
    import fastjet

    fs = final_state(events)
    visible = fs[~jagged_isin(np.abs(fs.id), _NEUTRINOS)]
    inputs = ak.zip({"px": visible.p.px, "py": visible.p.py, "pz": visible.p.pz, "E": visible.p.e})
    cs = fastjet.ClusterSequence(inputs, fastjet.JetDefinition(fastjet.antikt_algorithm, JET_R))
    jets = cs.inclusive_jets(min_pt=JET_PT_MIN_GEV)
    consts = cs.constituents(min_pt=JET_PT_MIN_GEV)
    jpx, joff = _flat(jets.px)
    jpy, jpz, je = (_flat(jets[k])[0] for k in ("py", "pz", "E"))
    jpt = np.hypot(jpx, jpy)
    jeta, jphi = _eta_phi(jpx, jpy, jpz)
    jmass = np.sqrt(np.maximum(je**2 - jpx**2 - jpy**2 - jpz**2, 0.0))
    flat_consts = ak.flatten(consts, axis=1)  # one list of constituents per jet
    c_off = np.concatenate([[0], np.cumsum(ak.to_numpy(ak.num(flat_consts)))])
    c_cols = {k: ak.to_numpy(ak.flatten(flat_consts[k])) for k in ("px", "py", "pz", "E")}
    truth = _truth(events, process)
    records = []
    for ev in range(len(events)):
        a, b = joff[ev], joff[ev + 1]
        for j in a + np.argsort(-jpt[a:b])[:2]:  # the two leading jets
            if abs(jeta[j]) > JET_ETA_MAX:
                continue
            label = _label_jet(truth, ev, jeta[j], jphi[j], process)
            key = ANY_JET if any_jet else label
            if (label < 0 and not any_jet) or need.get(key, 0) <= 0:
                continue
            need[key] -= 1
            s = slice(c_off[j], c_off[j + 1])
            records.append(
                {
                    "label": label,
                    "pt": jpt[j],
                    "eta": jeta[j],
                    "phi": jphi[j],
                    "mass": jmass[j],
                    "c": {k: v[s] for k, v in c_cols.items()},
                }
            )
    return records


def generate_columns(
    process: str,
    n_jets: int,
    seed: int,
    *,
    mpi: bool,
    shard_index: int = 0,
    any_jet: bool = False,
    mantissa_bits: int = KEPT_MANTISSA_BITS,
    with_energy: bool = True,
) -> dict[str, np.ndarray | ak.Array]:
    """Generate ``n_jets`` jets of one process: the branches of tree ``particles``.

    Parameters
    ----------
    process
        A key of :data:`PROCESSES`.
    n_jets
        Jets to keep: split evenly over the process's classes, or, with
        ``any_jet``, any jets in the acceptance (labelled -1 if unmatched).
    seed
        Pythia seed.
    mpi
        Multi-parton interactions on or off.
    shard_index
        Only for error messages.
    any_jet
        Keep jets whatever their truth match (an unlabelled sample); jets are
        then in generation order, otherwise sorted by class.
    mantissa_bits
        Float mantissa bits kept in the constituent branches.
    with_energy
        Include ``Part_e`` (False: the energies are left out; a reader takes
        the massless E = pT cosh η).

    Returns
    -------
    dict
        Branch name → array (the constituents jagged), in the order of
        ``_PARTICLES`` (without ``Part_e`` if not ``with_energy``).
    """
    from hepml_course.data.pythia import generate_events

    cfg = PROCESSES[process]
    if any_jet:
        need = {ANY_JET: n_jets}
    else:
        classes = [CLASS_NAMES.index(c) for c in cfg["classes"]]
        per = n_jets // len(classes)
        need = {c: per for c in classes}
        need[classes[0]] += n_jets - per * len(classes)
    pythia = make_pythia((*cfg["settings"], f"PartonLevel:MPI = {'on' if mpi else 'off'}"), seed)
    records: list[dict] = []
    n_generated = 0
    while sum(need.values()) > 0:
        if n_generated > MAX_EVENTS_PER_JET * n_jets:
            raise GenerationError(
                f"jets shard {shard_index} ({process}): only {len(records)} of "
                f"{n_jets} jets after {n_generated} events; check the settings"
            )
        events = generate_events(pythia, BATCH_EVENTS)
        n_generated += BATCH_EVENTS
        records += _process_batch(events, process, need, any_jet=any_jet)
    sigma = sigma_pb(pythia)
    if not any_jet:
        records.sort(key=lambda r: r["label"])  # stable: generation order within a class
    consts = ak.Array([{k: r["c"][k] for k in ("px", "py", "pz", "E")} for r in records])
    consts = ak.zip({k: consts[k] for k in ("px", "py", "pz", "E")})
    feats = _jet_features(consts)

    pt = np.hypot(consts.px, consts.py)
    order = ak.argsort(pt, ascending=False)[:, :N_CONSTITUENTS]
    c = consts[order]
    cpt = np.hypot(c.px, c.py)
    p = np.sqrt(c.px**2 + c.py**2 + c.pz**2)
    ceta = np.arctanh(c.pz / np.maximum(p, 1e-9))
    cphi = np.arctan2(c.py, c.px)
    jeta = np.array([r["eta"] for r in records])
    jphi = np.array([r["phi"] for r in records])
    dphi = np.mod(cphi - jphi[:, None] + np.pi, 2 * np.pi) - np.pi
    counts = ak.num(c)

    def jag(x: ak.Array) -> ak.Array:
        flat = _round_mantissa(ak.to_numpy(ak.flatten(x)).astype(np.float32), mantissa_bits)
        return ak.unflatten(flat, counts)

    columns = {
        "label": np.array([r["label"] for r in records]),
        "sigma_pb": np.full(len(records), sigma),
        "j_pt": np.array([r["pt"] for r in records]),
        "j_eta": jeta,
        "j_mass": np.array([r["mass"] for r in records]),
        "j_tau21": feats.pop("j_tau21"),
        "j_tau32": feats.pop("j_tau32"),
        **feats,
        "Part_pt": jag(cpt),
        "Part_deta": jag(ceta - jeta[:, None]),
        "Part_dphi": jag(dphi),
        "Part_e": jag(c.E),
    }
    if not with_energy:
        del columns["Part_e"]
    return columns


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard: ``shard.n_events`` jets, split evenly over the process's classes."""
    main = shard.params.get("mpi", MAIN_MPI) == MAIN_MPI
    columns = generate_columns(
        shard.params["process"],
        shard.n_events,
        shard.seed,
        mpi=bool(shard.params.get("mpi", MAIN_MPI)),
        shard_index=shard.index,
    )
    hlf = {b.name: columns[b.name] for b in _HLF_BRANCHES}
    if not main:
        return {"jets": _empty(_HLF_BRANCHES), "particles": _empty(_PARTICLES), "mpi_on": hlf}
    # the subset with constituents: every PARTICLE_EVERY-th jet of each class
    label = columns["label"]
    rank = np.zeros(len(label), dtype=np.int64)
    for c in np.unique(label):
        rank[label == c] = np.arange(np.sum(label == c))
    keep = np.flatnonzero(rank % PARTICLE_EVERY == 0)
    particles = {k: v[keep] for k, v in columns.items()}
    return {"jets": hlf, "particles": particles, "mpi_on": _empty(_HLF_BRANCHES)}


def _empty(branches: list[Branch]) -> dict:
    return {b.name: _empty_jagged() if b.jagged else np.zeros(0, b.dtype) for b in branches}


def _empty_jagged() -> ak.Array:
    return ak.unflatten(np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64))


SPEC = DatasetSpec(
    name=NAME,
    version="2",
    title="Boosted g / q / W / Z / t jets (anti-kt R = 0.8, pT ≈ 0.6–1.2 TeV) at 13 TeV",
    generator=(
        "Pythia 8.317 (pythia8mc), FastJet 3.5 anti-kt R = 0.8 + contrib SoftDrop/Nsubjettiness"
    ),
    filename="jets.root",
    trees={"jets": _HLF_BRANCHES, "particles": _PARTICLES, "mpi_on": _HLF_BRANCHES},
    default_events=15_000,
    default_seed=20261130,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
)
