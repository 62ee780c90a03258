"""Validation of padded jet constituents at the door of the foundation models (private)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.nn.validation import check_array

#: Relative tolerance of the E ≥ pT check (float32 rounding of massless constituents).
_E_TOLERANCE = 1e-4
_FIX = (
    "feature order must be (pt, deta, dphi, e), pT-ordered (hardest first) with zero "
    "padding at the end; load constituents with hepml_course.classification.load_jets or "
    "pad_constituents"
)


def check_constituents(
    particles: Any, mask: Any, *, n_particles: int | None = None, name: str = "particles"
) -> tuple[np.ndarray, np.ndarray]:
    """Check padded constituents and return them as ``(float32 array, bool mask)``.

    Parameters
    ----------
    particles
        ``(n_jets, N, 4)`` constituents: pT [GeV], Δη, Δφ [rad], E [GeV],
        pT-ordered (hardest first), padded with trailing slots.
    mask
        ``(n_jets, N)``: True for a real constituent; every True comes before every False.
    n_particles
        Required padding length ``N`` (``None``: any).
    name
        How the error messages call the array.

    Raises
    ------
    ValueError
        Wrong shape, NaN/inf, padding that is not trailing, negative pT, E < pT,
        or constituents that are not pT-ordered; the message says how to fix it.
    """
    if np.ndim(particles) != 3 or np.shape(particles)[-1] != 4:
        raise ValueError(
            f"{name} must have shape (n_jets, n_particles, 4) with columns (pt, deta, dphi, e); "
            f"got shape {np.shape(particles)}"
        )
    parts = check_array(particles, name=name, ndim=3, n_features=4)
    mask = np.asarray(mask)
    if mask.shape != parts.shape[:2]:
        raise ValueError(
            f"mask must have shape {parts.shape[:2]} (jets, particles) like {name}, "
            f"got {mask.shape}"
        )
    mask = mask.astype(bool)
    if n_particles is not None and parts.shape[1] != n_particles:
        raise ValueError(
            f"{name} are padded to {parts.shape[1]} particles but {n_particles} are expected: "
            f"load them with n_particles={n_particles}"
        )
    if np.any(mask[:, 1:] & ~mask[:, :-1]):
        bad = int(np.flatnonzero(np.any(mask[:, 1:] & ~mask[:, :-1], axis=1))[0])
        raise ValueError(
            f"padding must be trailing (mask True before False in every jet), but jet {bad} "
            "has a real constituent after a padded slot: " + _FIX
        )
    if not np.any(mask):
        raise ValueError("the mask is all False: there are no real constituents")
    pt, e = parts[..., 0], parts[..., 3]
    if np.any((pt < 0) & mask):
        raise ValueError(f"{name} column 0 (pT) has negative values: " + _FIX)
    if np.any((e < pt * (1 - _E_TOLERANCE)) & mask):
        raise ValueError(f"{name} has E (column 3) < pT (column 0) for real constituents: " + _FIX)
    ordered = np.where(mask, pt, -np.inf)
    if np.any((ordered[:, 1:] > ordered[:, :-1]) & mask[:, 1:]):
        raise ValueError(f"{name} rows are not pT-ordered: " + _FIX)
    return parts, mask
