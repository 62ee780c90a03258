"""Preprocessing fitted on training jets only: feature standardisation and constituent inputs.

Both transformers remember what they were fitted on (feature names, padding
length) and refuse inputs that do not match, with a message saying what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Per-constituent network inputs built by :class:`ConstituentPreprocessor`.
CONSTITUENT_INPUTS: tuple[str, ...] = (
    "deta",
    "dphi",
    "log_pt",
    "log_e",
    "log_pt_rel",
    "log_e_rel",
    "delta_r",
)


def check_finite(x: np.ndarray, what: str) -> None:
    """Raise ``ValueError`` naming ``what`` if ``x`` holds NaN or infinity."""
    if not np.all(np.isfinite(x)):
        n = int(np.size(x) - np.isfinite(x).sum())
        raise ValueError(f"{what} contains {n} NaN/infinite value(s); clean or drop those jets")


class Standardiser:
    """Shift and scale each feature to zero mean and unit variance (fitted on training data).

    Parameters
    ----------
    feature_names
        Names of the columns, checked again at :meth:`transform`.
    """

    def __init__(self, feature_names: Sequence[str]) -> None:
        self.feature_names = tuple(feature_names)
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def _check(self, x: np.ndarray, feature_names: Sequence[str] | None) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if feature_names is not None and tuple(feature_names) != self.feature_names:
            raise ValueError(
                "feature names differ from the ones the preprocessing was fitted with: "
                f"expected {list(self.feature_names)}, got {list(feature_names)}"
            )
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(
                f"expected an array of shape (n_jets, {len(self.feature_names)}) with columns "
                f"{list(self.feature_names)}, got shape {x.shape}"
            )
        check_finite(x, "feature array")
        return x

    def fit(self, x: np.ndarray, feature_names: Sequence[str] | None = None) -> Standardiser:
        """Learn mean and standard deviation of each column of ``x`` (n_jets, n_features)."""
        x = self._check(x, feature_names)
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0).astype(np.float32)
        return self

    def transform(self, x: np.ndarray, feature_names: Sequence[str] | None = None) -> np.ndarray:
        """Standardised copy of ``x`` (float32)."""
        if self.mean_ is None:
            raise RuntimeError("Standardiser is not fitted yet: call fit(x_train) first")
        x = self._check(x, feature_names)
        return ((x - self.mean_) / self.scale_).astype(np.float32)


class ConstituentPreprocessor:
    """Turn padded constituents (pT, Δη, Δφ, E) into standardised network inputs.

    Inputs per constituent (ParticleNet/ParT habit): Δη, Δφ, log pT, log E,
    log(pT/pT_jet), log(E/E_jet), ΔR, where the jet sums are over the stored
    constituents.  Means and widths are fitted on the *real* (unmasked)
    constituents of the training jets; padded slots stay zero.

    Parameters
    ----------
    n_particles
        Padding length the inputs must have.
    """

    def __init__(self, n_particles: int) -> None:
        self.n_particles = int(n_particles)
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def _raw(self, particles: np.ndarray, mask: np.ndarray) -> np.ndarray:
        particles = np.asarray(particles, dtype=np.float32)
        mask = np.asarray(mask, dtype=bool)
        if particles.ndim != 3 or particles.shape[2] != 4:
            raise ValueError(
                "constituents must have shape (n_jets, n_particles, 4) with (pT, Δη, Δφ, E); "
                f"got {particles.shape}"
            )
        if particles.shape[1] != self.n_particles:
            raise ValueError(
                f"constituents are padded to {particles.shape[1]} particles but this "
                f"preprocessing (and the model) expects {self.n_particles}; load them with "
                f"n_particles={self.n_particles}"
            )
        if mask.shape != particles.shape[:2]:
            raise ValueError(f"mask shape {mask.shape} does not match {particles.shape[:2]}")
        check_finite(particles, "constituent array")
        pt, deta, dphi, e = (particles[..., i] for i in range(4))
        safe_pt = np.where(mask, np.maximum(pt, 1e-6), 1.0)
        safe_e = np.where(mask, np.maximum(e, 1e-6), 1.0)
        jet_pt = np.maximum(safe_pt.sum(axis=1, where=mask, initial=0.0), 1e-6)[:, None]
        jet_e = np.maximum(safe_e.sum(axis=1, where=mask, initial=0.0), 1e-6)[:, None]
        feats = np.stack(
            [
                deta,
                dphi,
                np.log(safe_pt),
                np.log(safe_e),
                np.log(safe_pt / jet_pt),
                np.log(safe_e / jet_e),
                np.hypot(deta, dphi),
            ],
            axis=-1,
        )
        return np.where(mask[..., None], feats, 0.0).astype(np.float32)

    def fit(self, particles: np.ndarray, mask: np.ndarray) -> ConstituentPreprocessor:
        """Learn per-input mean and width over the real constituents of training jets."""
        feats = self._raw(particles, mask)
        real = feats[np.asarray(mask, dtype=bool)]
        if len(real) == 0:
            raise ValueError("no real constituents to fit on (the mask is all False)")
        self.mean_ = real.mean(axis=0)
        std = real.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0).astype(np.float32)
        return self

    def transform(self, particles: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Standardised inputs ``(n_jets, n_particles, 7)``; padded slots are zero."""
        if self.mean_ is None:
            raise RuntimeError("ConstituentPreprocessor is not fitted: call fit() on training jets")
        feats = self._raw(particles, mask)
        out = (feats - self.mean_) / self.scale_
        return np.where(np.asarray(mask, bool)[..., None], out, 0.0).astype(np.float32)
