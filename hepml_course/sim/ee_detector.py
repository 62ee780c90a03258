"""A simple LEP-like (ALEPH-ish) detector for e⁺e⁻ → hadrons at the Z pole.

Turns stable generator-level particles into detector-level candidates:

* everything outside the acceptance |cos θ| < ``cos_theta_max`` is lost, and
  neutrinos are invisible;
* charged particles (PDG ids of :data:`hepml_course.sim.jet_response.CHARGED_IDS`)
  with true momentum p > ``track_p_min_gev`` are reconstructed as tracks with
  probability ``track_efficiency``; the curvature 1/p is smeared by a Gaussian of
  relative width σ_p/p = ``track_res_slope_per_gev``·p ⊕ ``track_res_const``;
  the direction is kept and the pion mass assumed;
* photons (including those of π⁰ decays, which are final-state particles) are
  electromagnetic clusters: σ_E/E = ``photon_stochastic``/√E ⊕ ``photon_constant``,
  kept if the measured energy is above ``photon_e_min_gev``;
* other neutral particles (n, K⁰_L ...) are hadronic clusters:
  σ_E/E = ``hadron_stochastic``/√E ⊕ ``hadron_constant``, threshold
  ``hadron_e_min_gev``;
* clusters keep the true direction and are massless (E = |p⃗|).

Charged particles that are not reconstructed as tracks are lost (no calorimeter
fallback).  The defaults follow the ALEPH detector (NIM A360 (1995) 481).  The
hadronic event selection (:func:`passes_hadronic_selection`) uses the
reconstructed tracks only.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np

from hepml_course.sim.jet_response import CHARGED_IDS, PHOTON_ID

#: PDG ids (absolute values) of neutrinos: invisible.
NEUTRINO_IDS = np.array([12, 14, 16])
#: Mass given to every track (GeV): the detector does not identify particles.
PION_MASS_GEV = 0.13957

#: Centre-of-mass energy of the hadronic selection (GeV).
SQRT_S_GEV = 91.2
#: Hadronic event selection: at least this many reconstructed tracks ...
MIN_CHARGED_TRACKS = 5
#: ... and a charged energy of at least this fraction of √s.
MIN_CHARGED_ENERGY_FRACTION = 0.15


@dataclass(frozen=True)
class EEDetector:
    """Parameters of the detector model (energies and momenta in GeV).

    Parameters
    ----------
    cos_theta_max
        Acceptance |cos θ| (θ: polar angle to the beam, the z axis) of every
        detector part.
    track_p_min_gev
        Tracking threshold on the true momentum p.
    track_efficiency
        Probability to reconstruct a charged particle above the threshold.
    track_res_slope_per_gev, track_res_const
        σ_p/p = slope·p ⊕ const (1/GeV, fraction), applied as a Gaussian on
        the curvature: 1/p_meas = (1/p)(1 + σ_p/p · g), g ~ N(0, 1).
    photon_stochastic, photon_constant
        Electromagnetic calorimeter σ_E/E = s/√(E/GeV) ⊕ c.
    photon_e_min_gev
        Photon cluster threshold on the measured energy.
    hadron_stochastic, hadron_constant
        Hadron calorimeter σ_E/E = s/√(E/GeV) ⊕ c for neutral hadrons.
    hadron_e_min_gev
        Neutral-hadron cluster threshold on the measured energy.
    """

    cos_theta_max: float = 0.95
    track_p_min_gev: float = 0.2
    track_efficiency: float = 0.98
    track_res_slope_per_gev: float = 6.0e-4
    track_res_const: float = 0.005
    photon_stochastic: float = 0.18
    photon_constant: float = 0.009
    photon_e_min_gev: float = 0.3
    hadron_stochastic: float = 0.85
    hadron_constant: float = 0.0
    hadron_e_min_gev: float = 0.5

    def __post_init__(self) -> None:
        checks = {
            "cos_theta_max": 0.0 < self.cos_theta_max <= 1.0,
            "track_efficiency": 0.0 <= self.track_efficiency <= 1.0,
        }
        for name in (
            "track_p_min_gev",
            "track_res_slope_per_gev",
            "track_res_const",
            "photon_stochastic",
            "photon_constant",
            "photon_e_min_gev",
            "hadron_stochastic",
            "hadron_constant",
            "hadron_e_min_gev",
        ):
            checks[name] = getattr(self, name) >= 0.0
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"EEDetector parameters out of range: "
                f"{ {name: getattr(self, name) for name in bad} }; cos_theta_max must be in "
                "(0, 1], track_efficiency in [0, 1], resolutions and thresholds ≥ 0"
            )

    def track_resolution(self, p_gev: np.ndarray) -> np.ndarray:
        """Relative momentum resolution σ_p/p of a track of momentum ``p_gev`` (GeV)."""
        return np.hypot(self.track_res_slope_per_gev * np.asarray(p_gev), self.track_res_const)

    def photon_resolution(self, e_gev: np.ndarray) -> np.ndarray:
        """Relative energy resolution σ_E/E of a photon of energy ``e_gev`` (GeV)."""
        root = np.sqrt(np.maximum(np.asarray(e_gev, dtype=np.float64), 1e-12))
        return np.hypot(self.photon_stochastic / root, self.photon_constant)

    def hadron_resolution(self, e_gev: np.ndarray) -> np.ndarray:
        """Relative energy resolution σ_E/E of a neutral hadron of energy ``e_gev`` (GeV)."""
        root = np.sqrt(np.maximum(np.asarray(e_gev, dtype=np.float64), 1e-12))
        return np.hypot(self.hadron_stochastic / root, self.hadron_constant)

    def apply(self, particles: ak.Array, rng: np.random.Generator | int) -> ak.Array:
        """Detector-level candidates from generator-level particles.

        Parameters
        ----------
        particles
            Jagged records (events × particles) with fields ``px``, ``py``,
            ``pz``, ``E`` (GeV) and ``id`` (PDG id): the stable final state.
        rng
            A seeded :class:`numpy.random.Generator`, or an integer seed.  The
            same generator state and particles give the same candidates.

        Returns
        -------
        awkward.Array
            Jagged records (events × candidates) with ``px``, ``py``, ``pz``,
            ``E`` (GeV, float64) and ``charged`` (bool: a track).

        Raises
        ------
        ValueError
            If a field is missing or a value is not finite.
        TypeError
            If ``rng`` is neither a Generator nor an integer.
        """
        if not isinstance(particles, ak.Array):
            raise TypeError(
                f"EEDetector.apply needs an awkward.Array of particles, got "
                f"{type(particles).__name__}"
            )
        missing = [f for f in ("px", "py", "pz", "E", "id") if f not in particles.fields]
        if missing:
            raise ValueError(
                f"EEDetector.apply needs particle fields px, py, pz, E (GeV) and id (PDG); "
                f"missing {missing} (got {particles.fields})"
            )
        if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
            rng = np.random.default_rng(int(rng))
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                "rng must be a numpy.random.Generator (np.random.default_rng(seed)) or an "
                f"integer seed, got {type(rng).__name__}"
            )
        counts = ak.to_numpy(ak.num(particles))
        flat = ak.flatten(particles)
        px, py, pz, e = (ak.to_numpy(flat[f]).astype(np.float64) for f in ("px", "py", "pz", "E"))
        if not all(np.isfinite(v).all() for v in (px, py, pz, e)):
            raise ValueError("particles contain NaN or infinite momenta/energies")
        pid = np.abs(ak.to_numpy(flat["id"]))
        n = len(px)
        p = np.sqrt(px**2 + py**2 + pz**2)
        cos_theta = np.divide(pz, p, out=np.ones_like(pz), where=p > 0)

        # one draw of each kind per particle, whatever its type: reproducible streams
        uniform = rng.random(n)
        gauss = rng.standard_normal(n)

        visible = ~np.isin(pid, NEUTRINO_IDS) & (np.abs(cos_theta) < self.cos_theta_max)
        charged = np.isin(pid, CHARGED_IDS)
        photon = pid == PHOTON_ID

        track = visible & charged & (p > self.track_p_min_gev) & (uniform < self.track_efficiency)
        curvature = (1.0 + self.track_resolution(p) * gauss) / np.maximum(p, 1e-12)
        p_track = 1.0 / np.maximum(np.abs(curvature), 1e-12)

        sigma = np.where(photon, self.photon_resolution(e), self.hadron_resolution(e))
        e_cluster = e * np.maximum(1.0 + sigma * gauss, 0.0)
        threshold = np.where(photon, self.photon_e_min_gev, self.hadron_e_min_gev)
        cluster = visible & ~charged & (e_cluster > threshold)

        keep = track | cluster
        p_meas = np.where(track, p_track, e_cluster)
        scale = np.divide(p_meas, p, out=np.zeros_like(p), where=p > 0)
        out_e = np.where(track, np.sqrt(p_track**2 + PION_MASS_GEV**2), e_cluster)

        event = np.repeat(np.arange(len(counts)), counts)
        new_counts = np.bincount(event[keep], minlength=len(counts))
        columns = {
            "px": px * scale,
            "py": py * scale,
            "pz": pz * scale,
            "E": out_e,
            "charged": track,
        }
        return ak.zip({k: ak.unflatten(v[keep], new_counts) for k, v in columns.items()})


def passes_hadronic_selection(candidates: ak.Array, sqrt_s_gev: float = SQRT_S_GEV) -> np.ndarray:
    """The hadronic event selection on detector candidates.

    An event passes with at least :data:`MIN_CHARGED_TRACKS` tracks and a charged
    energy Σ_tracks E ≥ :data:`MIN_CHARGED_ENERGY_FRACTION` · √s.

    Parameters
    ----------
    candidates
        Output of :meth:`EEDetector.apply` (fields ``E`` in GeV and ``charged``).
    sqrt_s_gev
        Centre-of-mass energy (GeV).

    Returns
    -------
    numpy.ndarray
        Boolean mask, shape ``(n_events,)``.
    """
    missing = [f for f in ("E", "charged") if f not in getattr(candidates, "fields", [])]
    if missing:
        raise ValueError(
            f"the hadronic selection needs detector candidates with fields E and charged "
            f"(EEDetector.apply output); missing {missing}"
        )
    tracks = ak.values_astype(candidates["charged"], bool)
    n_tracks = ak.to_numpy(ak.sum(tracks, axis=1))
    e_charged = ak.to_numpy(ak.sum(ak.where(tracks, candidates["E"], 0.0), axis=1))
    return (n_tracks >= MIN_CHARGED_TRACKS) & (
        e_charged >= MIN_CHARGED_ENERGY_FRACTION * sqrt_s_gev
    )
