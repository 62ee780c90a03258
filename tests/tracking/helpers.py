"""Synthetic events for the tracking tests: ideal helices through the 8 barrel layers."""

from __future__ import annotations

import numpy as np

from hepml_course.tracking.hits import LAYERS, Hits, make_hits

RADII_MM = np.array([32.0, 72.0, 116.0, 172.0, 260.0, 360.0, 500.0, 660.0])


def helix_event(n_particles: int = 50, seed: int = 1, pt_range=(0.6, 10.0)) -> Hits:
    """Particles from vertices spread in z, each with one hit per layer (B = 2 T).

    The azimuth at radius r of a particle with charge q and transverse
    momentum pT (GeV) is φ0 − q·asin(0.3·B·r / (2 pT)) (r in m).
    """
    rng = np.random.default_rng(seed)
    pt = np.exp(rng.uniform(np.log(pt_range[0]), np.log(pt_range[1]), n_particles))
    eta = rng.uniform(-1.0, 1.0, n_particles)
    phi0 = rng.uniform(-np.pi, np.pi, n_particles)
    q = rng.choice([-1, 1], n_particles)
    vz = rng.normal(0.0, 50.0, n_particles)
    cols = {k: [] for k in ("x", "y", "z", "volume", "layer", "particle")}
    for i in range(n_particles):
        for lay, r in enumerate(RADII_MM):
            phi = phi0[i] - q[i] * np.arcsin(0.3 * 2.0 * r / 1000.0 / (2 * pt[i]))
            cols["x"].append(r * np.cos(phi))
            cols["y"].append(r * np.sin(phi))
            cols["z"].append(vz[i] + r * np.sinh(eta[i]))
            cols["volume"].append(LAYERS[lay][0])
            cols["layer"].append(LAYERS[lay][1])
            cols["particle"].append(i)
    particles = {"pt": pt, "eta": eta, "nhits": np.full(n_particles, len(RADII_MM))}
    return make_hits({k: np.asarray(v) for k, v in cols.items()}, particles)
