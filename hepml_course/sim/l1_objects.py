"""Level-1-trigger-like objects and calorimeter regions from generator-level particles.

A deliberately simple emulation of what the first trigger level of a CMS-like
detector sees, in the spirit of the ADC2021 anomaly-detection challenge
(Govorkova et al., Sci. Data 9 (2022) 118) and of CMS's CICADA trigger:

* **e/γ candidates** (the L1 calorimeter cannot tell an electron from a
  photon: there is no tracker at L1): final-state electrons and photons with
  pT > ``eg_pt_min_gev``, |η| < ``eg_eta_max``, relative isolation below
  ``eg_iso_max`` (Σ pT of the other visible particles within ΔR < 0.3 over the
  candidate pT), efficiency ``eg_efficiency``.
* **Muons**: final-state muons with pT > ``mu_pt_min_gev``, |η| < ``mu_eta_max``,
  efficiency ``mu_efficiency``; L1 muon momenta are coarse (``mu_resolution``).
* **Jets**: anti-kt R = 0.4 (FastJet) on the visible particles except muons,
  |η| < ``jet_eta_max``, kept if the *smeared* pT exceeds ``jet_pt_min_gev``.
* **Missing transverse momentum**: minus the vector sum of the visible
  non-muon particles within |η| < 5 (the calorimeters), each component smeared
  by ``met_stochastic`` · √(ΣET) GeV.
* **Calorimeter regions** (CICADA-like): ET of the visible non-muon particles
  within |η| < 3 summed in 18 φ × 14 η regions (20° in φ; 7 η regions per side
  with the boundaries of :data:`REGION_ETA_EDGES`), smeared with a calorimeter
  resolution and stored as integer counts of ``region_lsb_gev`` (0.5 GeV, a 10-bit
  word as in the hardware).

All momenta are in GeV, angles in rad.  Objects are pT-ordered, and the
kinematics are rounded to L1-like granularity (0.5 GeV in pT, 0.01 in η and φ).
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np

from hepml_course.jagged import jagged_isin

#: η boundaries of the 14 calorimeter regions (7 per side, |η| < 3), CMS-like.
_ETA_EDGES_POSITIVE = (0.348, 0.696, 1.044, 1.392, 1.74, 2.172, 3.0)
REGION_ETA_EDGES = np.array(
    [*(-e for e in reversed(_ETA_EDGES_POSITIVE)), 0.0, *_ETA_EDGES_POSITIVE]
)
#: Number of regions in φ (20° each) and in η.
N_PHI_REGIONS = 18
N_ETA_REGIONS = 14
#: PDG ids of invisible particles (neutrinos).
NEUTRINOS = (12, 14, 16)


@dataclass(frozen=True)
class L1Response:
    """Parameters of the Level-1-like emulation (defaults documented in ``data/l1.md``).

    Parameters
    ----------
    eg_pt_min_gev, eg_eta_max, eg_iso_max, eg_efficiency, eg_resolution
        e/γ candidates: threshold (GeV), acceptance, relative isolation cut,
        efficiency and constant term of σ(pT)/pT (stochastic term 0.3/√pT added).
    mu_pt_min_gev, mu_eta_max, mu_efficiency, mu_resolution
        Muons: threshold (GeV), acceptance, efficiency, σ(pT)/pT.
    jet_pt_min_gev, jet_eta_max, jet_stochastic, jet_constant
        Jets: threshold on smeared pT (GeV), acceptance and resolution
        σ(pT)/pT = ``jet_stochastic``/√pT ⊕ ``jet_constant``.
    met_stochastic
        MET: Gaussian noise per component of ``met_stochastic`` · √(ΣET / GeV) GeV.
    region_stochastic, region_constant, region_lsb_gev, region_max_counts
        Regions: resolution σ(ET)/ET = stochastic/√ET ⊕ constant, the ET unit
        (least significant bit, GeV) and the saturation value (counts).
    max_eg, max_muons, max_jets
        How many objects of each kind the trigger keeps.
    """

    eg_pt_min_gev: float = 3.0
    eg_eta_max: float = 3.0
    eg_iso_max: float = 0.5
    eg_efficiency: float = 0.95
    eg_resolution: float = 0.05
    mu_pt_min_gev: float = 3.0
    mu_eta_max: float = 2.4
    mu_efficiency: float = 0.95
    mu_resolution: float = 0.15
    jet_pt_min_gev: float = 15.0
    jet_eta_max: float = 4.0
    jet_stochastic: float = 1.0
    jet_constant: float = 0.1
    met_stochastic: float = 0.6
    region_stochastic: float = 0.8
    region_constant: float = 0.05
    region_lsb_gev: float = 0.5
    region_max_counts: int = 1023
    max_eg: int = 4
    max_muons: int = 4
    max_jets: int = 10


def _round(values: ak.Array, step: float) -> ak.Array:
    return np.round(values / step) * step


def _smear_pt(pt: ak.Array, rel_sigma: ak.Array, rng: np.random.Generator) -> ak.Array:
    """Multiply each pT by a Gaussian (1 + rel_sigma · z), floored at zero."""
    counts = ak.num(pt)
    flat_pt = ak.to_numpy(ak.flatten(pt))
    flat_sigma = ak.to_numpy(ak.flatten(ak.broadcast_arrays(rel_sigma, pt)[0]))
    smeared = flat_pt * (1.0 + flat_sigma * rng.standard_normal(len(flat_pt)))
    return ak.unflatten(np.clip(smeared, 0.0, None), counts)


def _keep_efficient(mask: ak.Array, efficiency: float, rng: np.random.Generator) -> ak.Array:
    counts = ak.num(mask)
    lucky = rng.random(int(ak.sum(counts))) < efficiency
    return mask & ak.unflatten(lucky, counts)


def _pack(
    pt: ak.Array, eta: ak.Array, phi: ak.Array, keep: ak.Array, n_max: int
) -> dict[str, ak.Array]:
    """Select, pT-order, truncate to ``n_max`` and round to L1 granularity."""
    pt, eta, phi = pt[keep], eta[keep], phi[keep]
    order = ak.argsort(pt, ascending=False)
    pt, eta, phi = pt[order][:, :n_max], eta[order][:, :n_max], phi[order][:, :n_max]
    return {"pt": _round(pt, 0.5), "eta": _round(eta, 0.01), "phi": _round(phi, 0.01)}


def region_image(
    eta: ak.Array,
    phi: ak.Array,
    et: ak.Array,
    response: L1Response,
    rng: np.random.Generator,
) -> np.ndarray:
    """Calorimeter-region ET image of each event, in counts of ``region_lsb_gev``.

    Parameters
    ----------
    eta, phi, et
        Jagged (events × particles) pseudorapidity, azimuth (rad) and transverse
        energy (GeV) of the particles that deposit energy in the calorimeters.
    response
        Resolution and digitisation parameters.
    rng
        Random generator for the smearing.

    Returns
    -------
    numpy.ndarray
        ``uint16`` array of shape (events, 18 φ regions, 14 η regions).
    """
    n_events = len(et)
    counts = ak.to_numpy(ak.num(et))
    event = np.repeat(np.arange(n_events), counts)
    flat_eta = ak.to_numpy(ak.flatten(eta))
    flat_phi = ak.to_numpy(ak.flatten(phi))
    flat_et = ak.to_numpy(ak.flatten(et))
    inside = np.abs(flat_eta) < REGION_ETA_EDGES[-1]
    i_eta = np.searchsorted(REGION_ETA_EDGES, flat_eta[inside], side="right") - 1
    i_eta = np.clip(i_eta, 0, N_ETA_REGIONS - 1)
    i_phi = np.floor(np.mod(flat_phi[inside], 2 * np.pi) / (2 * np.pi / N_PHI_REGIONS))
    i_phi = np.clip(i_phi.astype(np.int64), 0, N_PHI_REGIONS - 1)
    cell = (event[inside] * N_PHI_REGIONS + i_phi) * N_ETA_REGIONS + i_eta
    true_et = np.bincount(
        cell, weights=flat_et[inside], minlength=n_events * N_PHI_REGIONS * N_ETA_REGIONS
    )
    sigma = np.sqrt(
        response.region_stochastic**2 * true_et + (response.region_constant * true_et) ** 2
    )
    measured = true_et + sigma * rng.standard_normal(true_et.shape)
    digits = np.clip(np.floor(measured / response.region_lsb_gev), 0, response.region_max_counts)
    return digits.astype(np.uint16).reshape(n_events, N_PHI_REGIONS, N_ETA_REGIONS)


def _isolation(cand: ak.Array, others: ak.Array) -> ak.Array:
    """Σ pT of ``others`` within 0 < ΔR < 0.3 of each candidate, divided by its pT."""
    pairs = ak.cartesian({"c": cand, "o": others}, nested=True)
    dr = pairs.c.deltaR(pairs.o)
    near = (dr < 0.3) & (dr > 1e-6)
    return ak.sum(ak.where(near, pairs.o.pt, 0.0), axis=-1) / cand.pt


def _jets(visible: ak.Array) -> dict[str, ak.Array]:
    import fastjet
    import vector

    inputs = ak.zip(
        {"px": visible.px, "py": visible.py, "pz": visible.pz, "E": visible.e},
        with_name="Momentum4D",
        behavior=vector.backends.awkward.behavior,
    )
    sequence = fastjet.ClusterSequence(inputs, fastjet.JetDefinition(fastjet.antikt_algorithm, 0.4))
    raw = sequence.inclusive_jets(min_pt=5.0)
    jets = vector.zip({"px": raw.px, "py": raw.py, "pz": raw.pz, "E": raw.E})
    return {"pt": jets.pt, "eta": jets.eta, "phi": jets.phi}


def emulate(
    final_state: ak.Array, response: L1Response, rng: np.random.Generator
) -> dict[str, ak.Array | np.ndarray]:
    """Turn final-state particles into L1-like objects and a region image.

    Parameters
    ----------
    final_state
        Jagged Pythia final-state particles with fields ``id`` and ``p`` (a
        vector Momentum4D record), as :func:`hepml_course.data.pythia.final_state`
        returns them (with ``vector.register_awkward()`` done).
    response
        Emulation parameters.
    rng
        Random generator (smearing and efficiencies).

    Returns
    -------
    dict
        ``Egamma_pt/eta/phi``, ``Muon_pt/eta/phi``, ``Jet_pt/eta/phi`` (jagged,
        GeV / rad), ``MET_pt`` (GeV), ``MET_phi`` (rad) and ``Region_et``
        (uint16 counts, shape (events, 18, 14)).
    """
    p4 = final_state.p
    abs_id = np.abs(final_state.id)
    invisible = jagged_isin(abs_id, NEUTRINOS)
    is_mu = abs_id == 13
    calo = p4[~invisible & ~is_mu]
    n_events = len(p4)
    out: dict[str, ak.Array | np.ndarray] = {}

    # e/γ candidates
    is_eg = ((abs_id == 11) | (abs_id == 22)) & (p4.pt > response.eg_pt_min_gev)
    is_eg = is_eg & (np.abs(p4.eta) < response.eg_eta_max)
    eg = p4[is_eg]
    iso = _isolation(eg, calo[(calo.pt > 0.5) & (np.abs(calo.eta) < 3.0)])
    keep = _keep_efficient(iso < response.eg_iso_max, response.eg_efficiency, rng)
    rel = np.sqrt(response.eg_resolution**2 + 0.3**2 / np.maximum(eg.pt, 1.0))
    for k, v in _pack(_smear_pt(eg.pt, rel, rng), eg.eta, eg.phi, keep, response.max_eg).items():
        out[f"Egamma_{k}"] = v

    # muons
    mu = p4[is_mu]
    keep = (mu.pt > response.mu_pt_min_gev) & (np.abs(mu.eta) < response.mu_eta_max)
    keep = _keep_efficient(keep, response.mu_efficiency, rng)
    mu_pt = _smear_pt(mu.pt, ak.full_like(mu.pt, response.mu_resolution), rng)
    for k, v in _pack(mu_pt, mu.eta, mu.phi, keep, response.max_muons).items():
        out[f"Muon_{k}"] = v

    # jets
    jets = _jets(calo[np.abs(calo.eta) < 5.0])
    rel = np.sqrt(
        response.jet_stochastic**2 / np.maximum(jets["pt"], 1.0) + response.jet_constant**2
    )
    jet_pt = _smear_pt(jets["pt"], rel, rng)
    keep = (jet_pt > response.jet_pt_min_gev) & (np.abs(jets["eta"]) < response.jet_eta_max)
    for k, v in _pack(jet_pt, jets["eta"], jets["phi"], keep, response.max_jets).items():
        out[f"Jet_{k}"] = v

    # missing transverse momentum from the calorimeters
    in_calo = calo[np.abs(calo.eta) < 5.0]
    sum_et = ak.to_numpy(ak.sum(in_calo.pt, axis=1))
    noise = response.met_stochastic * np.sqrt(sum_et)
    met_x = -ak.to_numpy(ak.sum(in_calo.px, axis=1)) + noise * rng.standard_normal(n_events)
    met_y = -ak.to_numpy(ak.sum(in_calo.py, axis=1)) + noise * rng.standard_normal(n_events)
    out["MET_pt"] = np.round(np.hypot(met_x, met_y) / 0.5) * 0.5
    out["MET_phi"] = np.round(np.arctan2(met_y, met_x), 2)

    out["Region_et"] = region_image(calo.eta, calo.phi, calo.pt, response, rng)
    return out
