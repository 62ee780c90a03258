"""Refinement of generated showers by reweighting (the likelihood-ratio trick).

A classifier trained to separate generated (source) from reference (target)
showers learns ``f(x) = r / (r + g)``, so ``w(x) = f / (1 − f)`` estimates the
density ratio ``r(x) / g(x)``.  Weighting each generated shower by ``w`` makes
weighted generated distributions match the reference — the refinement used
e.g. by CMS to correct fast simulation (and by DCTR-style reweighting of
generators).  The classifier is the package's one reweighter,
:class:`hepml_course.nn.ClassifierReweighter` (``fit_samples(generated,
reference)``, then ``weights(generated)``), on high-level features (see
:func:`hepml_course.metrics.generative.high_level_features`).

The weights cost statistical power: the effective sample size
``(Σw)² / Σw²`` (:func:`effective_sample_size`) says how much.
"""

from __future__ import annotations

import numpy as np


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish effective sample size (Σw)² / Σw² of a weighted sample of shape (n,)."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError(f"weights must be a non-empty 1-D array, got shape {w.shape}")
    if np.any(w < 0) or not np.all(np.isfinite(w)) or np.sum(w**2) <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return float(w.sum() ** 2 / np.sum(w**2))
