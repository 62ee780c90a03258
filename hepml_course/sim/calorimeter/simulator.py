"""The course's reference calorimeter simulation: GFLASH spots in a voxelised sampling calorimeter.

For each incident photon or electron the simulator

1. draws the incidence angle θ (all depths scale with 1/cos θ), a jitter of the
   impact point and of the direction, and — for photons — the depth of the
   first conversion (exponential, mean 9/7 X0: the photon mean free path);
2. draws the shower's own longitudinal parameters (T, α) from the correlated
   GFLASH distributions (:mod:`.longitudinal`);
3. deposits the energy as N ≈ ``spots_per_gev`` · E discrete spots: each spot
   gets a depth from the shower's gamma profile and a radius from the GFLASH
   core + tail lateral profile at its depth (:mod:`.lateral`), so the cost per
   shower grows linearly with energy;
4. sorts the spots into the front material (energy lost before the
   calorimeter), the layers' r × α voxels, or out of the calorimeter (back or
   lateral leakage);
5. applies the readout (:mod:`.response`): sampling fluctuations per spot,
   calibration to the EM scale, the constant term, dead cells, electronic noise
   and zero suppression.

Everything is vectorised with NumPy over all spots of a chunk of showers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from hepml_course.sim.calorimeter.geometry import DEFAULT_GEOMETRY, CaloGeometry
from hepml_course.sim.calorimeter.lateral import GflashLateral
from hepml_course.sim.calorimeter.longitudinal import GflashLongitudinal
from hepml_course.sim.calorimeter.response import ReadoutResponse

#: PDG codes of the particles the simulator knows.
PARTICLES = {"photon": 22, "electron": 11}

#: Mean free path of a high-energy photon before pair conversion, X0 (9/7 X0, PDG).
PHOTON_MEAN_FREE_PATH_X0 = 9.0 / 7.0

_LONGITUDINAL = GflashLongitudinal()
_LATERAL = GflashLateral()
_RESPONSE = ReadoutResponse()


@dataclass
class ShowerBatch:
    """Simulated showers: the voxel energies plus the truth.

    All arrays have length ``n`` (number of showers) in their first axis.

    Attributes
    ----------
    incident_energy_gev
        Energy of the incident particle, GeV (float32).
    voxel_energy_gev
        Reconstructed energy per voxel at the EM scale (visible energy divided
        by the layer's sampling fraction), after noise and zero suppression,
        GeV, shape (n, n_voxels), float32.
    pdg
        PDG code of the incident particle (22 photon, 11 electron).
    theta_rad
        Incidence angle to the calorimeter normal, rad (known in a real
        detector from the cluster position); it sets the dead material in
        front (:meth:`CaloGeometry.front_material_at`).
    impact_x_mm, impact_y_mm
        Offset of the true impact point from the voxel grid's centre, mm.
    conversion_depth_x0
        Depth along the axis where the shower starts (photon conversion; 0 for
        electrons), X0 from the front of the dead material.
    shower_max_x0
        This shower's GFLASH T (depth of the maximum of its profile, X0 from the
        shower start).
    shower_alpha
        This shower's GFLASH shape α.
    front_loss_gev
        True energy deposited in the dead material before the calorimeter, GeV.
    leakage_gev
        True energy deposited behind the last layer or outside the voxel grid
        laterally, GeV.
    deposited_gev
        True energy deposited inside the voxel grid, GeV (incident − front loss
        − leakage).
    visible_gev
        Energy seen by the active medium (before calibration, noise, constant
        term and dead cells), GeV.
    n_spots
        Number of energy spots of the shower.
    """

    incident_energy_gev: np.ndarray
    voxel_energy_gev: np.ndarray
    pdg: np.ndarray
    theta_rad: np.ndarray
    impact_x_mm: np.ndarray
    impact_y_mm: np.ndarray
    conversion_depth_x0: np.ndarray
    shower_max_x0: np.ndarray
    shower_alpha: np.ndarray
    front_loss_gev: np.ndarray
    leakage_gev: np.ndarray
    deposited_gev: np.ndarray
    visible_gev: np.ndarray
    n_spots: np.ndarray

    def __len__(self) -> int:
        return len(self.incident_energy_gev)

    def columns(self) -> dict[str, np.ndarray]:
        """All fields as a name → array dictionary."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def concatenate(cls, batches: list[ShowerBatch]) -> ShowerBatch:
        """Join batches in order."""
        return cls(
            **{f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(cls)}
        )


def sample_energies(
    n: int,
    seed: int,
    mode: str = "log-uniform",
    e_min_gev: float = 1.0,
    e_max_gev: float = 250.0,
) -> np.ndarray:
    """Incident energies, GeV.

    Parameters
    ----------
    n
        Number of energies.
    seed
        Random seed.
    mode
        ``"log-uniform"`` (flat in ln E between the bounds) or ``"discrete"``
        (powers of two in MeV inside the bounds, equally often — the
        CaloChallenge dataset-1 scheme).
    e_min_gev, e_max_gev
        Energy range, GeV.
    """
    if n < 0 or not 0 < e_min_gev < e_max_gev:
        raise ValueError(f"need n >= 0 and 0 < e_min < e_max, got {n}, {e_min_gev}, {e_max_gev}")
    rng = np.random.default_rng(seed)
    if mode == "log-uniform":
        return np.exp(rng.uniform(np.log(e_min_gev), np.log(e_max_gev), n))
    if mode == "discrete":
        k = np.arange(np.ceil(np.log2(e_min_gev * 1000)), np.floor(np.log2(e_max_gev * 1000)) + 1)
        if len(k) == 0:
            raise ValueError(f"no power of two MeV in [{e_min_gev}, {e_max_gev}] GeV")
        return 2.0 ** rng.choice(k, n) / 1000.0
    raise ValueError(f"mode must be 'log-uniform' or 'discrete', got {mode!r}")


@dataclass(frozen=True)
class CalorimeterSimulator:
    """Physics-based fast simulation of EM showers in a voxelised sampling calorimeter.

    Parameters
    ----------
    geometry
        Layers and voxels (:data:`~.geometry.DEFAULT_GEOMETRY`).
    longitudinal, lateral
        GFLASH profile parameters of the medium.
    response
        Readout: sampling fraction and term, constant term, noise, dead cells,
        number of spots per GeV.
    particle
        ``"photon"`` or ``"electron"``.
    theta_max_rad
        Incidence angles are uniform in [0, theta_max_rad] (0.6 rad ≈ |η| < 0.64
        in a barrel).
    impact_sigma_mm
        Gaussian jitter of the impact point around the grid centre, mm.
    direction_sigma_rad
        Gaussian jitter of the direction relative to the grid axis, rad.
    max_spots_per_chunk
        Memory bound: showers are simulated in chunks of about this many spots.
    """

    geometry: CaloGeometry = DEFAULT_GEOMETRY
    longitudinal: GflashLongitudinal = _LONGITUDINAL
    lateral: GflashLateral = _LATERAL
    response: ReadoutResponse = _RESPONSE
    particle: str = "photon"
    theta_max_rad: float = 0.6
    impact_sigma_mm: float = 2.0
    direction_sigma_rad: float = 0.005
    max_spots_per_chunk: int = 2_000_000

    def __post_init__(self) -> None:
        if self.particle not in PARTICLES:
            raise ValueError(f"particle must be one of {sorted(PARTICLES)}, got {self.particle!r}")
        if not 0 <= self.theta_max_rad < 1.4:
            raise ValueError(f"theta_max_rad must be in [0, 1.4), got {self.theta_max_rad}")
        self.response.check(self.geometry)

    def simulate(self, incident_energy_gev: np.ndarray, seed: int) -> ShowerBatch:
        """Simulate one shower per incident energy.

        Parameters
        ----------
        incident_energy_gev
            Energies of the incident particles, GeV, shape (n,); must be finite
            and above ≈ 0.25 GeV (GFLASH's validity).
        seed
            Random seed: the same energies and seed give the same showers.

        Returns
        -------
        ShowerBatch
        """
        energy = np.asarray(incident_energy_gev, dtype=np.float64)
        if energy.ndim != 1:
            raise ValueError(f"incident_energy_gev must be 1-D, got shape {energy.shape}")
        if not np.all(np.isfinite(energy)):
            raise ValueError("incident_energy_gev contains NaN or infinite values")
        rng = np.random.default_rng(seed)
        n_spots = np.maximum(rng.poisson(self.response.spots_per_gev * energy), 1)
        chunks, start, acc = [], 0, 0
        for i, n in enumerate(n_spots):
            acc += int(n)
            if acc >= self.max_spots_per_chunk:
                chunks.append((start, i + 1))
                start, acc = i + 1, 0
        if start < len(energy) or not chunks:
            chunks.append((start, len(energy)))
        batches = [self._simulate_chunk(energy[a:b], n_spots[a:b], rng) for a, b in chunks]
        return ShowerBatch.concatenate(batches)

    def _simulate_chunk(
        self, energy: np.ndarray, n_spots: np.ndarray, rng: np.random.Generator
    ) -> ShowerBatch:
        geo, resp = self.geometry, self.response
        n = len(energy)
        n_vox = geo.n_voxels
        # --- per shower: incidence, jitter, conversion, GFLASH parameters
        theta = rng.uniform(0.0, self.theta_max_rad, n)
        cos_theta = np.cos(theta)
        impact = rng.normal(0.0, self.impact_sigma_mm, (2, n))
        slope = rng.normal(0.0, self.direction_sigma_rad, (2, n))
        if self.particle == "photon":
            start = rng.exponential(PHOTON_MEAN_FREE_PATH_X0, n)
        else:
            start = np.zeros(n)
        t_max, alpha = self.longitudinal.sample_params(energy, rng)

        # --- per spot
        owner = np.repeat(np.arange(n), n_spots)
        t = GflashLongitudinal.sample_depths(t_max[owner], alpha[owner], rng)
        along = start[owner] + t  # X0 along the axis from the front of the dead material
        depth = along * cos_theta[owner]  # X0 at normal incidence
        depth -= geo.front_material_at(theta)[owner]  # X0 from the calorimeter's front face
        layer = np.searchsorted(geo.depth_edges_x0, depth, side="right") - 1  # -1: front, 5: back
        radius = self.lateral.sample_radius(t / t_max[owner], energy[owner], rng)
        radius *= geo.moliere_radius_mm
        phi = rng.uniform(0.0, 2 * np.pi, len(owner))
        along_mm = along * geo.x0_mm
        x = impact[0][owner] + slope[0][owner] * along_mm + radius * np.cos(phi)
        y = impact[1][owner] + slope[1][owner] * along_mm + radius * np.sin(phi)
        r = np.hypot(x, y)
        a = np.mod(np.arctan2(y, x), 2 * np.pi)

        voxel = np.full(len(owner), -1, dtype=np.int64)
        shape = np.ones(len(owner))
        k_layer = resp.spot_gamma_shape()
        for k, sl in enumerate(geo.layer_slices):
            in_k = np.flatnonzero(layer == k)
            edges = np.asarray(geo.r_edges_mm[k])
            r_bin = np.searchsorted(edges, r[in_k], side="right") - 1
            inside = r_bin < len(edges) - 1
            n_a = geo.n_alpha[k]
            a_bin = np.minimum((a[in_k] * (n_a / (2 * np.pi))).astype(np.int64), n_a - 1)
            voxel[in_k[inside]] = sl.start + a_bin[inside] * (len(edges) - 1) + r_bin[inside]
            shape[in_k] = k_layer[k]

        e_spot = (energy / n_spots)[owner]
        front = layer < 0
        in_grid = voxel >= 0
        fluct = rng.gamma(shape, 1.0 / shape)
        front_loss = np.bincount(owner, weights=e_spot * front, minlength=n)
        deposited = np.bincount(owner, weights=e_spot * in_grid, minlength=n)
        f_spot = np.asarray(resp.sampling_fraction)[np.clip(layer, 0, geo.n_layers - 1)]
        visible = np.bincount(owner, weights=e_spot * fluct * f_spot * in_grid, minlength=n)
        em_scale = np.bincount(
            owner[in_grid] * n_vox + voxel[in_grid],
            weights=(e_spot * fluct)[in_grid],
            minlength=n * n_vox,
        ).reshape(n, n_vox)

        # --- readout: constant term, dead cells, noise, zero suppression, digitisation
        em_scale *= (1.0 + resp.constant_term * rng.standard_normal(n))[:, None]
        em_scale[:, list(resp.dead_voxels)] = 0.0
        noise = resp.noise_per_voxel_gev(geo)
        em_scale += rng.standard_normal((n, n_vox)) * noise
        em_scale[em_scale <= resp.threshold_sigma * noise] = 0.0
        em_scale[:, list(resp.dead_voxels)] = 0.0
        if resp.lsb_mev > 0:
            lsb_gev = resp.lsb_mev / 1000.0
            em_scale = np.round(em_scale / lsb_gev) * lsb_gev

        f32 = np.float32
        return ShowerBatch(
            incident_energy_gev=energy.astype(f32),
            voxel_energy_gev=em_scale.astype(f32),
            pdg=np.full(n, PARTICLES[self.particle], dtype=np.int32),
            theta_rad=theta.astype(f32),
            impact_x_mm=impact[0].astype(f32),
            impact_y_mm=impact[1].astype(f32),
            conversion_depth_x0=start.astype(f32),
            shower_max_x0=t_max.astype(f32),
            shower_alpha=alpha.astype(f32),
            front_loss_gev=front_loss.astype(f32),
            leakage_gev=(energy - front_loss - deposited).astype(f32),
            deposited_gev=deposited.astype(f32),
            visible_gev=visible.astype(f32),
            n_spots=n_spots.astype(np.int32),
        )
