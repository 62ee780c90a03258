"""ACTS fast simulation (``pyacts``) of pion events in the Generic Detector.

A particle gun shoots charged pions from several Gaussian-smeared vertices
(a crude pile-up), Fatras propagates them through the ACTS *Generic Detector*
in a constant 2 T solenoid field with material interactions, and the
TrackML-style CSV output is read back into NumPy arrays.  Only the barrel
layers listed in :data:`BARREL_LAYERS` are kept.

``acts`` is imported inside :func:`simulate_events` only: it is an optional
dependency (extra ``tracking-gen``) needed to regenerate the data, not to use it.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hepml_course.data.errors import GenerationError

#: (ACTS volume id, ACTS layer id) of the kept barrel layers, inside → out:
#: pixel barrel (volume 8, r ≈ 32, 72, 116, 172 mm) and short-strip barrel
#: (volume 13, r ≈ 260, 360, 500, 660 mm) of the Generic Detector.
BARREL_LAYERS: tuple[tuple[int, int], ...] = (
    (8, 2),
    (8, 4),
    (8, 6),
    (8, 8),
    (13, 2),
    (13, 4),
    (13, 6),
    (13, 8),
)

B_FIELD_T = 2.0


@dataclass(frozen=True)
class GunConfig:
    """Particle-gun settings of one simulation run.

    Parameters
    ----------
    n_particles
        Charged pions per event (split evenly between vertices).
    particles_per_vertex
        Pions per vertex; ``n_particles // particles_per_vertex`` vertices.
    pt_min_gev, pt_max_gev
        Transverse-momentum range (log-uniform), GeV.
    eta_max
        Pseudorapidity range ``|η| < eta_max`` (uniform).
    vertex_sigma_z_mm, vertex_sigma_xy_mm
        Gaussian spread of the vertices, mm.
    """

    n_particles: int = 1000
    particles_per_vertex: int = 25
    pt_min_gev: float = 0.5
    pt_max_gev: float = 20.0
    eta_max: float = 1.5
    vertex_sigma_z_mm: float = 50.0
    vertex_sigma_xy_mm: float = 0.0125

    @property
    def n_vertices(self) -> int:
        """Number of vertices per event."""
        return max(1, self.n_particles // self.particles_per_vertex)


def decode_geometry_id(geometry_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ACTS ``GeometryIdentifier`` → (volume id, layer id).

    The 64-bit identifier packs volume (bits 56–63) and layer (bits 36–47).
    """
    g = np.asarray(geometry_id, dtype=np.uint64)
    volume = (g >> np.uint64(56)).astype(np.int16)
    layer = ((g >> np.uint64(36)) & np.uint64(0xFFF)).astype(np.int16)
    return volume, layer


def _read_csv(path: Path) -> dict[str, np.ndarray]:
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    columns = list(zip(*body, strict=True)) if body else [()] * len(header)
    out: dict[str, np.ndarray] = {}
    for name, col in zip(header, columns, strict=True):
        if name.startswith("particle_id") or name in {"geometry_id", "particle_type", "process"}:
            out[name] = np.array(col, dtype=np.uint64 if name == "geometry_id" else np.int64)
        else:
            out[name] = np.array(col, dtype=np.float64)
    return out


_BARCODE = (
    "particle_id_pv",
    "particle_id_sv",
    "particle_id_part",
    "particle_id_gen",
    "particle_id_subpart",
)


def _barcodes(table: dict[str, np.ndarray]) -> np.ndarray:
    return np.stack([table[k] for k in _BARCODE], axis=1)


def convert_event(hits: dict[str, np.ndarray], particles: dict[str, np.ndarray]) -> dict:
    """Turn one event's ACTS CSV tables into the course's hit and particle columns.

    Parameters
    ----------
    hits
        Columns of ``eventN-hits.csv`` (``tx, ty, tz`` in mm, ``geometry_id``, barcode).
    particles
        Columns of ``eventN-particles_simulated.csv`` (``px, py, pz`` in GeV,
        ``vx, vy, vz`` in mm, ``q``, ``particle_type``, barcode).

    Returns
    -------
    dict
        ``hit_*`` and ``particle_*`` NumPy arrays (see the ``tracking`` datacard).
        Hits are restricted to :data:`BARREL_LAYERS` and sorted by layer then
        azimuth (so that the hit order carries no truth).
    """
    volume, layer = decode_geometry_id(hits["geometry_id"])
    layer_index = np.full(len(volume), -1, dtype=np.int16)
    for i, (v, lay) in enumerate(BARREL_LAYERS):
        layer_index[(volume == v) & (layer == lay)] = i
    keep = layer_index >= 0
    x, y, z = hits["tx"][keep], hits["ty"][keep], hits["tz"][keep]
    layer_index = layer_index[keep]
    order = np.lexsort((np.arctan2(y, x), layer_index))

    pcodes = _barcodes(particles)
    lookup = {tuple(c): i for i, c in enumerate(pcodes.tolist())}
    hcodes = _barcodes(hits)[keep][order]
    hit_particle = np.array([lookup.get(tuple(c), -1) for c in hcodes.tolist()], dtype=np.int32)

    px, py, pz = particles["px"], particles["py"], particles["pz"]
    pt = np.hypot(px, py)
    n_hits = np.bincount(hit_particle[hit_particle >= 0], minlength=len(pt))
    primary = (particles["particle_id_sv"] == 0) & (particles["particle_id_gen"] == 0)
    return {
        "hit_x": x[order],
        "hit_y": y[order],
        "hit_z": z[order],
        "hit_volume": volume[keep][order],
        "hit_layer": layer[keep][order],
        "hit_particle": hit_particle,
        "particle_pt": pt,
        "particle_eta": np.arcsinh(pz / np.maximum(pt, 1e-12)),
        "particle_phi": np.arctan2(py, px),
        "particle_vx": particles["vx"],
        "particle_vy": particles["vy"],
        "particle_vz": particles["vz"],
        "particle_charge": particles["q"],
        "particle_pdg": particles["particle_type"],
        "particle_primary": primary,
        "particle_nhits": n_hits,
    }


def simulate_events(n_events: int, seed: int, gun: GunConfig) -> list[dict]:
    """Simulate ``n_events`` events with ACTS and return their converted columns.

    Parameters
    ----------
    n_events
        Number of events.
    seed
        Seed of ACTS's random-number service (same seed → same events).
    gun
        Particle-gun settings.

    Returns
    -------
    list of dict
        One :func:`convert_event` result per event.

    Raises
    ------
    GenerationError
        If ``pyacts`` is not installed or ACTS writes no output.
    """
    try:
        import acts
        import acts.examples
        from acts.examples.simulation import (
            EtaConfig,
            MomentumConfig,
            ParticleConfig,
            PhiConfig,
            addFatras,
            addParticleGun,
        )
    except ImportError as err:
        raise GenerationError(
            "regenerating the tracking data needs ACTS: "
            "`pip install 'hepml-course[tracking-gen]'` (PyPI pyacts==48.1.0)"
        ) from err

    u = acts.UnitConstants
    quiet = acts.logging.WARNING
    with tempfile.TemporaryDirectory(prefix="hepml-acts-") as tmp:
        out = Path(tmp)
        detector = acts.examples.GenericDetector()
        geometry = detector.trackingGeometry()
        field = acts.ConstantBField(acts.Vector3(0.0, 0.0, B_FIELD_T * u.T))
        rnd = acts.examples.RandomNumbers(seed=int(seed))
        seq = acts.examples.Sequencer(events=n_events, numThreads=1, logLevel=quiet)
        sxy, sz = gun.vertex_sigma_xy_mm * u.mm, gun.vertex_sigma_z_mm * u.mm
        vertex = acts.examples.GaussianVertexGenerator(
            mean=acts.Vector4(0, 0, 0, 0), stddev=acts.Vector4(sxy, sxy, sz, 0)
        )
        addParticleGun(
            seq,
            outputDirCsv=out,
            momentumConfig=MomentumConfig(
                gun.pt_min_gev * u.GeV, gun.pt_max_gev * u.GeV, transverse=True, logUniform=True
            ),
            etaConfig=EtaConfig(-gun.eta_max, gun.eta_max, uniform=True),
            phiConfig=PhiConfig(0.0, 360.0 * u.degree),
            particleConfig=ParticleConfig(
                gun.particles_per_vertex, acts.PdgParticle.ePionPlus, randomizeCharge=True
            ),
            multiplicity=gun.n_vertices,
            vtxGen=vertex,
            rnd=rnd,
            logLevel=quiet,
        )
        addFatras(
            seq, geometry, field, rnd, enableInteractions=True, outputDirCsv=out, logLevel=quiet
        )
        seq.run()
        events = []
        for i in range(n_events):
            hits = out / f"event{i:09d}-hits.csv"
            parts = out / f"event{i:09d}-particles_simulated.csv"
            if not hits.exists() or not parts.exists():
                raise GenerationError(f"ACTS wrote no output for event {i} in {out}")
            events.append(convert_event(_read_csv(hits), _read_csv(parts)))
    return events
