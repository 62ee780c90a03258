"""Constituent inputs of the particle taggers, fitted on training jets only.

(Feature standardisation is :class:`hepml_course.nn.Standardiser`.)  The
preprocessor remembers its padding length and refuses inputs that do not
match, with a message saying what is wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.nn.validation import NotFittedError, check_array

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

    Attributes
    ----------
    mean_, scale_ : numpy.ndarray, shape (7,)
        Learned mean and width of each input of :data:`CONSTITUENT_INPUTS`.
    """

    def __init__(self, n_particles: int) -> None:
        self.n_particles = int(n_particles)
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def _raw(self, particles: Any, mask: Any) -> np.ndarray:
        if np.ndim(particles) != 3 or np.shape(particles)[2] != 4:
            raise ValueError(
                "constituents must have shape (n_jets, n_particles, 4) with (pT, Δη, Δφ, E); "
                f"got {np.shape(particles)}"
            )
        particles = check_array(particles, name="constituent array", ndim=3, n_features=4)
        mask = np.asarray(mask, dtype=bool)
        if particles.shape[1] != self.n_particles:
            raise ValueError(
                f"constituents are padded to {particles.shape[1]} particles but this "
                f"preprocessing (and the model) expects {self.n_particles}; load them with "
                f"n_particles={self.n_particles}"
            )
        if mask.shape != particles.shape[:2]:
            raise ValueError(f"mask shape {mask.shape} does not match {particles.shape[:2]}")
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

    def fit(self, particles: Any, mask: Any) -> ConstituentPreprocessor:
        """Learn per-input mean and width over the real constituents of training jets."""
        feats = self._raw(particles, mask)
        real = feats[np.asarray(mask, dtype=bool)]
        if len(real) == 0:
            raise ValueError("no real constituents to fit on (the mask is all False)")
        self.mean_ = real.mean(axis=0)
        std = real.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0).astype(np.float32)
        return self

    def transform(self, particles: Any, mask: Any) -> np.ndarray:
        """Standardised inputs ``(n_jets, n_particles, 7)``; padded slots are zero."""
        if self.mean_ is None or self.scale_ is None:
            raise NotFittedError(
                "ConstituentPreprocessor is not fitted: call fit() on training jets"
            )
        feats = self._raw(particles, mask)
        out = (feats - self.mean_) / self.scale_
        return np.where(np.asarray(mask, bool)[..., None], out, 0.0).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state (stored in the model record, so it is checksummed)."""
        if self.mean_ is None or self.scale_ is None:
            raise NotFittedError("ConstituentPreprocessor is not fitted yet: nothing to save")
        return {
            "n_particles": self.n_particles,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> ConstituentPreprocessor:
        """Inverse of :meth:`to_dict`."""
        out = cls(state["n_particles"])
        out.mean_ = np.asarray(state["mean"], dtype=np.float32)
        out.scale_ = np.asarray(state["scale"], dtype=np.float32)
        return out
