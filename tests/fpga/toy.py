"""A small synthetic stand-in for the jet data: 16 features, 5 classes (tests only)."""

from __future__ import annotations

import numpy as np


def toy_jets(n: int = 4000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs in 16 dimensions with class-dependent means and widths.

    Returns raw features (n, 16) with HEP-like scales (masses in GeV, multiplicities)
    and integer labels (n,) in 0..4.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, size=n)
    centres = rng.normal(0.0, 1.0, size=(5, 16))
    x = centres[y] + rng.normal(0.0, 1.0, size=(n, 16)) * (0.8 + 0.1 * y[:, None])
    # give the columns different units and offsets, as real jet features have
    x = x * np.geomspace(0.01, 100.0, 16) + np.linspace(-5.0, 200.0, 16)
    return x, y
