"""Voxel-energy preprocessing shared by the generators.

A shower is split into parts that are easier to learn than raw energies,
layer by layer (layers of ``layer_sizes`` voxels, in voxel order):

* the **layer energies** ``e_l`` over the incident energy, stored as
  ``log(e_l / E_inc + ε)`` — a few explicit numbers that carry the
  longitudinal profile and the total deposited energy;
* the **shape** inside each layer: voxel energies normalised to their layer's
  energy, ``f_i = E_i / e_l``, stored as ``log(f_i + ε)``: the logarithm turns
  the orders of magnitude between the core and the tail of a shower into a
  few units.

Empty voxels (below the readout threshold) would all sit at ``log ε``: a spike
that continuous generators cannot reproduce.  During training they are
*dequantised* — given a small random energy ``thr · exp(−u)``, u uniform in
[gap, gap + span] (drawn afresh every epoch), where ``thr`` is the voxel's
readout threshold — which makes the distribution continuous while leaving a
gap of ``gap`` e-folds below the threshold between "empty" and "hit"
voxels (a generator that blurs the two populations would otherwise turn many
empty cells into spurious hits).  Layer energies are computed before the
noise is added.

Every column is then standardised (mean 0, standard deviation 1 over the
training set).  The condition is ``log(E_inc / 1 GeV)``, standardised too.

The inverse transform undoes the steps: voxel energy = fraction × layer
energy.  The readout threshold ``thr`` of each voxel is the smallest positive
energy seen in training in its layer (voxels never hit in training, e.g. dead
cells, stay empty); the boundary between empty and hit lies in the middle of
the dequantisation gap: values below ``thr · exp(−gap/2)`` become 0 (this
removes the dequantisation noise and gives generated showers the reference's
sparsity) and values between that and ``thr`` become ``thr``.  The surviving
voxels are rescaled so that each layer keeps its generated energy.  Generated
values outside the range seen in training are clipped to it first (a guard
against generator overshoots).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from hepml_course.metrics.generative import check_showers

#: Threshold of a voxel never hit in training (GeV): generated energy there is dropped.
NEVER = 1e30


@dataclass
class ShowerPreprocessor:
    """Transform showers to the generators' standardised space and back.

    Parameters
    ----------
    eps
        Floor added to the fractions before the logarithm.
    gap, span
        Dequantisation of empty voxels: energy ``thr · exp(−u)``, u uniform
        in [gap, gap + span] (e-folds below the readout threshold).
    layer_sizes
        Number of voxels of each layer, in voxel order (e.g.
        ``[s.stop - s.start for s in geometry.layer_slices]``); ``None`` treats
        all voxels as one layer.
    """

    eps: float = 1e-6
    layer_sizes: tuple[int, ...] | None = None
    gap: float = 1.0
    span: float = 2.0
    mean_: np.ndarray | None = field(default=None, repr=False)
    std_: np.ndarray | None = field(default=None, repr=False)
    cond_mean_: float = 0.0
    cond_std_: float = 1.0
    threshold_gev_: np.ndarray | None = field(default=None, repr=False)
    n_voxels_: int = 0
    min_: np.ndarray | None = field(default=None, repr=False)
    max_: np.ndarray | None = field(default=None, repr=False)

    @property
    def fitted(self) -> bool:
        """True once :meth:`fit` (or :meth:`from_dict`) has set the statistics."""
        return self.mean_ is not None

    @property
    def n_features(self) -> int:
        """Number of columns in the transformed space (voxels + one energy per layer)."""
        return self.n_voxels_ + len(self._sizes())

    def _sizes(self) -> tuple[int, ...]:
        return tuple(self.layer_sizes) if self.layer_sizes else (self.n_voxels_,)

    def _bounds(self) -> list[tuple[int, int]]:
        edges = np.cumsum([0, *self._sizes()])
        return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]

    def _raw(
        self,
        voxels_gev: np.ndarray,
        e_inc_gev: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        voxels, e_inc = check_showers(voxels_gev, e_inc_gev)
        voxels = np.clip(voxels, 0.0, None)
        if sum(self._sizes()) != voxels.shape[1]:
            raise ValueError(
                f"the preprocessor expects {sum(self._sizes())} voxels "
                f"(layers {self._sizes()}), got {voxels.shape[1]}"
            )
        if np.any(voxels.sum(axis=1) <= 0):
            bad = int(np.sum(voxels.sum(axis=1) <= 0))
            raise ValueError(
                f"{bad} shower(s) deposit no energy; their shape is undefined. "
                "Select showers with voxels.sum(axis=1) > 0 first."
            )
        noised = voxels
        if rng is not None:
            u = rng.uniform(self.gap, self.gap + self.span, size=voxels.shape)
            noised = np.where(voxels > 0, voxels, self.noise_gev_[None, :] * np.exp(-u))
        shapes, energies = [], []
        for a, b in self._bounds():
            e_layer = voxels[:, a:b].sum(axis=1)
            if rng is not None:  # an empty layer gets an energy below its threshold
                u = rng.uniform(self.gap, self.gap + self.span, size=len(e_layer))
                noise = self.noise_gev_[a:b].min() * np.exp(-u)
                e_layer_log = np.where(e_layer > 0, e_layer, noise)
            else:
                e_layer_log = e_layer
            denom = np.where(e_layer > 0, e_layer, noised[:, a:b].sum(axis=1))
            denom = np.where(denom > 0, denom, 1.0)
            shapes.append(np.log(noised[:, a:b] / denom[:, None] + self.eps))
            energies.append(np.log(e_layer_log / e_inc + self.eps))
        return np.column_stack([*shapes, *energies])

    def fit(self, voxels_gev: np.ndarray, e_inc_gev: np.ndarray) -> ShowerPreprocessor:
        """Learn the standardisation and the readout threshold from training showers.

        Parameters
        ----------
        voxels_gev
            (n_showers, n_voxels) voxel energies, GeV.  Negative values
            (noise) are clipped at 0.
        e_inc_gev
            (n_showers,) incident energies, GeV.
        """
        voxels = np.asarray(voxels_gev, dtype=np.float64)
        if voxels.ndim != 2:
            raise ValueError(f"voxel energies must be 2D (n_showers, n_voxels), got {voxels.shape}")
        self.n_voxels_ = voxels.shape[1]
        # zero suppression is a per-layer threshold: the smallest positive energy in the
        # layer (per voxel it would be biased upwards for rarely hit voxels)
        per_voxel = np.where(voxels > 0, voxels, NEVER).min(axis=0)
        self.threshold_gev_ = np.full(self.n_voxels_, NEVER)
        for a, b in self._bounds():
            hit = per_voxel[a:b] < NEVER
            if np.any(hit):
                self.threshold_gev_[a:b][hit] = per_voxel[a:b][hit].min()
        raw = self._raw(voxels_gev, e_inc_gev, rng=np.random.default_rng(0))
        self.mean_ = raw.mean(axis=0)
        self.std_ = np.maximum(raw.std(axis=0), 1e-3)
        self.min_, self.max_ = raw.min(axis=0), raw.max(axis=0)
        cond = np.log(np.asarray(e_inc_gev, dtype=np.float64))
        self.cond_mean_, self.cond_std_ = float(cond.mean()), float(max(cond.std(), 1e-3))
        return self

    def _require_fit(self) -> None:
        if not self.fitted:
            raise RuntimeError("the preprocessor is not fitted: call fit(voxels, e_inc) first")

    def condition(self, e_inc_gev: np.ndarray) -> np.ndarray:
        """Standardised ``log E_inc``, shape (n, 1), float32."""
        self._require_fit()
        e_inc = np.asarray(e_inc_gev, dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(e_inc)) or np.any(e_inc <= 0):
            raise ValueError("incident energies must be finite and > 0 GeV")
        return ((np.log(e_inc) - self.cond_mean_) / self.cond_std_)[:, None].astype(np.float32)

    @property
    def noise_gev_(self) -> np.ndarray:
        """Upper end of the dequantisation noise per voxel, GeV (the threshold; the smallest
        threshold for voxels never hit)."""
        hit = self.threshold_gev_ < NEVER
        floor = self.threshold_gev_[hit].min() if np.any(hit) else 1e-3
        return np.where(hit, self.threshold_gev_, floor)

    def transform(
        self,
        voxels_gev: np.ndarray,
        e_inc_gev: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Showers → (features (n, n_voxels + 1), condition (n, 1)), both float32.

        With ``rng``, empty voxels are dequantised (filled with uniform noise
        below their threshold) — for training; without, the transform is exact.
        """
        self._require_fit()
        raw = self._raw(voxels_gev, e_inc_gev, rng)
        x = (raw - self.mean_) / self.std_
        return x.astype(np.float32), self.condition(e_inc_gev)

    def inverse_transform(self, x: np.ndarray, e_inc_gev: np.ndarray) -> np.ndarray:
        """Standardised features → voxel energies (n, n_voxels), GeV."""
        self._require_fit()
        x = np.asarray(x, dtype=np.float64)
        e_inc = np.asarray(e_inc_gev, dtype=np.float64).reshape(-1)
        if x.ndim != 2 or x.shape[1] != self.n_features or len(x) != len(e_inc):
            raise ValueError(
                f"expected features of shape ({len(e_inc)}, {self.n_features}), got {x.shape}"
            )
        # generators can overshoot: stay inside the range seen in training
        raw = np.clip(x * self.std_ + self.mean_, self.min_, self.max_)
        voxels = np.zeros((len(x), self.n_voxels_))
        for k, (a, b) in enumerate(self._bounds()):
            e_layer = np.clip(np.exp(raw[:, self.n_voxels_ + k]) - self.eps, 0.0, None) * e_inc
            frac = np.clip(np.exp(raw[:, a:b]) - self.eps, 0.0, None)
            layer = frac * e_layer[:, None]
            thr = self.threshold_gev_[None, a:b]
            hit = layer >= thr * np.exp(-0.5 * self.gap)
            layer = np.where(hit, np.maximum(layer, thr), 0.0)
            kept = layer.sum(axis=1)
            scale = np.divide(e_layer, kept, out=np.zeros_like(kept), where=kept > 0)
            voxels[:, a:b] = layer * scale[:, None]
        return voxels

    def to_dict(self) -> dict:
        """JSON-serialisable state."""
        self._require_fit()
        return {
            "eps": self.eps,
            "gap": self.gap,
            "span": self.span,
            "mean": self.mean_.tolist(),
            "std": self.std_.tolist(),
            "cond_mean": self.cond_mean_,
            "cond_std": self.cond_std_,
            "threshold_gev": self.threshold_gev_.tolist(),
            "n_voxels": self.n_voxels_,
            "min": self.min_.tolist(),
            "max": self.max_.tolist(),
            "layer_sizes": list(self.layer_sizes) if self.layer_sizes else None,
        }

    @classmethod
    def from_dict(cls, state: dict) -> ShowerPreprocessor:
        """Rebuild a fitted preprocessor from :meth:`to_dict` output."""
        return cls(
            eps=float(state["eps"]),
            gap=float(state.get("gap", 1.0)),
            span=float(state.get("span", 2.0)),
            mean_=np.asarray(state["mean"], dtype=np.float64),
            std_=np.asarray(state["std"], dtype=np.float64),
            cond_mean_=float(state["cond_mean"]),
            cond_std_=float(state["cond_std"]),
            threshold_gev_=np.asarray(state["threshold_gev"], dtype=np.float64),
            n_voxels_=int(state["n_voxels"]),
            min_=np.asarray(state["min"], dtype=np.float64),
            max_=np.asarray(state["max"], dtype=np.float64),
            layer_sizes=tuple(state["layer_sizes"]) if state.get("layer_sizes") else None,
        )
