"""Small synthetic inputs for the anomaly tests (no dataset needed)."""

from __future__ import annotations

import awkward as ak
import numpy as np


def toy_events(n: int = 6, seed: int = 0) -> ak.Array:
    """l1-like events with a few objects and a region image."""
    rng = np.random.default_rng(seed)

    def coll(mean_n: float) -> dict:
        counts = rng.poisson(mean_n, n)
        k = int(counts.sum())
        return {
            "pt": ak.unflatten(rng.exponential(20.0, k).astype(np.float32), counts),
            "eta": ak.unflatten(rng.uniform(-2, 2, k).astype(np.float32), counts),
            "phi": ak.unflatten(rng.uniform(-3, 3, k).astype(np.float32), counts),
        }

    return ak.zip(
        {
            "process": np.arange(n) % 2,
            "weight": np.ones(n),
            "MET_pt": rng.exponential(10.0, n).astype(np.float32),
            "MET_phi": rng.uniform(-3, 3, n).astype(np.float32),
            "Egamma": ak.zip(coll(1.0)),
            "Muon": ak.zip(coll(6.0)),
            "Jet": ak.zip(coll(12.0)),
            "Region_et": rng.integers(0, 20, (n, 18, 14)).astype(np.uint16),
        },
        depth_limit=1,
    )


def structured(n: int, seed: int, dim: int = 57, latent: int = 2) -> np.ndarray:
    """Points near a ``latent``-dimensional plane in ``dim`` dimensions (normal data)."""
    rng = np.random.default_rng(seed)
    basis = np.random.default_rng(99).normal(size=(latent, dim)) / np.sqrt(dim)
    z = rng.normal(size=(n, latent))
    return (z @ basis + 0.01 * rng.normal(size=(n, dim))).astype(np.float32)
