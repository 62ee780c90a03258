"""Leading-jet substructure observables with FastJet (and its contrib).

Clusters anti-kt jets from per-event particle lists and computes, for the
leading jet of each event, the six observables of the OmniFold paper
(Andreassen et al., PRL 124 (2020) 182001): mass, constituent multiplicity,
width, N-subjettiness ratio τ21, SoftDrop groomed momentum fraction z_g and
ln ρ = ln(m²/pT²), plus its pT, η and φ.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

#: Output columns of :func:`leading_jet_observables` and their units.
OBSERVABLE_UNITS: dict[str, str] = {
    "pt": "GeV",
    "eta": "",
    "phi": "rad",
    "mass": "GeV",
    "mult": "",
    "width": "",
    "tau21": "",
    "zg": "",
    "lnrho": "",
}

#: SoftDrop settings for z_g (β = 0 is the modified mass-drop tagger).
SOFTDROP_ZCUT = 0.1
SOFTDROP_BETA = 0.0
#: ln ρ uses max(m, MASS_FLOOR_GEV) so that one-constituent jets stay finite (GeV).
MASS_FLOOR_GEV = 0.1


def _delta_phi(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a - b + np.pi) % (2 * np.pi) - np.pi


def leading_jet_observables(
    particles: ak.Array, radius: float = 0.4, pt_min_gev: float = 20.0
) -> dict[str, np.ndarray]:
    """Observables of the leading anti-kt jet of each event.

    Parameters
    ----------
    particles
        Jagged records (events × particles) with ``px``, ``py``, ``pz``, ``E`` (GeV).
    radius
        Jet radius R.
    pt_min_gev
        Only jets above this pT (GeV) are considered; events without one get NaN.

    Returns
    -------
    dict of numpy.ndarray
        One float64 value per event for each key of :data:`OBSERVABLE_UNITS`
        (NaN where the event has no jet above ``pt_min_gev``).  The width is
        Σ pT,i ΔR(i, jet) / pT,jet; τ21 = τ2/τ1 (β = 1, one-pass kT axes, R0 = R;
        0 for one-constituent jets); z_g is the SoftDrop (z_cut = 0.1, β = 0)
        momentum fraction, 0 when SoftDrop finds no passing splitting;
        ln ρ = ln(max(m, 0.1 GeV)² / pT²).
    """
    import fastjet

    missing = {"px", "py", "pz", "E"} - set(particles.fields)
    if missing:
        raise ValueError(f"particles need fields px, py, pz, E (GeV); missing {missing}")
    n_events = len(particles)
    parts = ak.zip({f: ak.values_astype(particles[f], np.float64) for f in ("px", "py", "pz", "E")})
    seq = fastjet.ClusterSequence(parts, fastjet.JetDefinition(fastjet.antikt_algorithm, radius))
    jets = seq.inclusive_jets(min_pt=pt_min_gev)
    cons = seq.constituents(min_pt=pt_min_gev)
    jet_pt = np.hypot(jets.px, jets.py)
    idx = ak.argmax(jet_pt, axis=1, keepdims=True)
    lead = ak.firsts(jets[idx])
    has = ~ak.to_numpy(ak.is_none(lead))

    out = {k: np.full(n_events, np.nan) for k in OBSERVABLE_UNITS}
    if not has.any():
        return out
    lead = lead[has]
    lc = ak.firsts(cons[idx])[has]
    jpx, jpy, jpz, je = (ak.to_numpy(lead[f]) for f in ("px", "py", "pz", "E"))
    pt = np.hypot(jpx, jpy)
    eta = np.arcsinh(jpz / pt)
    phi = np.arctan2(jpy, jpx)
    mass = np.sqrt(np.maximum(je**2 - jpx**2 - jpy**2 - jpz**2, 0.0))

    cpt = np.hypot(lc.px, lc.py)
    ceta = np.arcsinh(lc.pz / np.maximum(cpt, 1e-12))
    cphi = np.arctan2(lc.py, lc.px)
    counts = ak.num(cpt)
    dr = np.hypot(
        ceta - ak.unflatten(np.repeat(eta, counts), counts),
        _delta_phi(cphi, ak.unflatten(np.repeat(phi, counts), counts)),
    )
    width = ak.to_numpy(ak.sum(cpt * dr, axis=1)) / pt

    ca = fastjet.JetDefinition(fastjet.cambridge_algorithm, 10.0)
    tau = ak.to_numpy(fastjet.ClusterSequence(lc, ca).njettiness(njets=[1, 2], beta=1.0, R0=radius))
    tau21 = np.divide(tau[:, 1], tau[:, 0], out=np.zeros(len(pt)), where=tau[:, 0] > 0)
    sd = fastjet.ClusterSequence(lc, ca).exclusive_jets_softdrop_grooming(
        njets=1, beta=SOFTDROP_BETA, symmetry_cut=SOFTDROP_ZCUT, R0=radius
    )
    zg = np.clip(ak.to_numpy(sd.symmetrysoftdrop), 0.0, 0.5)

    values = {
        "pt": pt,
        "eta": eta,
        "phi": phi,
        "mass": mass,
        "mult": ak.to_numpy(counts).astype(np.float64),
        "width": width,
        "tau21": tau21,
        "zg": zg,
        "lnrho": np.log(np.maximum(mass, MASS_FLOOR_GEV) ** 2 / pt**2),
    }
    for key, v in values.items():
        out[key][has] = v
    return out
