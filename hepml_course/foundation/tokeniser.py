"""Discrete tokens of jet constituents (OmniJet-α style, binned rather than VQ-learned).

Each real constituent becomes one integer: its bin in (log pT, Δη, Δφ), with
bin edges at quantiles of the training constituents (so every bin holds a
similar share of them).  Padded slots get the id :attr:`BinnedTokeniser.pad_id`.
The tokens are the targets of masked-particle pre-training
(:mod:`hepml_course.foundation.pretrain`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.foundation._checks import check_constituents
from hepml_course.nn.artifacts import sha256_json
from hepml_course.nn.validation import NotFittedError

#: Format tag of :meth:`BinnedTokeniser.to_dict`.
TOKENISER_FORMAT = "hepml-course-binned-tokeniser/1"
_MIN_PT_GEV = 1e-6


def _coordinates(particles: np.ndarray) -> np.ndarray:
    """``(..., 3)`` binning coordinates: log(pT/GeV), Δη, Δφ [rad]."""
    log_pt = np.log(np.maximum(particles[..., 0], _MIN_PT_GEV))
    return np.stack([log_pt, particles[..., 1], particles[..., 2]], axis=-1)


class BinnedTokeniser:
    """Constituents → integer tokens by binning (log pT, Δη, Δφ).

    Parameters
    ----------
    n_bins
        Bins in (log pT, Δη, Δφ); the vocabulary holds their product plus one
        padding id.

    Attributes
    ----------
    edges_ : list of numpy.ndarray
        Interior bin edges per coordinate (``n_bins[i] - 1`` each): log(pT/GeV),
        Δη, Δφ [rad].  Values beyond the outer edges fall in the first/last bin.
    """

    def __init__(self, *, n_bins: tuple[int, int, int] = (8, 12, 12)) -> None:
        bins = tuple(int(b) for b in n_bins)
        if len(bins) != 3 or min(bins) < 1:
            raise ValueError(f"n_bins must be three positive bin counts (pT, Δη, Δφ), got {n_bins}")
        self.n_bins = bins
        self.edges_: list[np.ndarray] | None = None

    @property
    def n_tokens(self) -> int:
        """Number of constituent tokens (without the padding id)."""
        return int(np.prod(self.n_bins))

    @property
    def pad_id(self) -> int:
        """Token id of padded slots (the last id)."""
        return self.n_tokens

    @property
    def vocab_size(self) -> int:
        """Constituent tokens plus the padding id."""
        return self.n_tokens + 1

    def fit(self, particles: Any, mask: Any) -> BinnedTokeniser:
        """Place the bin edges at quantiles of the real training constituents.

        Parameters
        ----------
        particles
            ``(n_jets, N, 4)``: pT [GeV], Δη, Δφ [rad], E [GeV], pT-ordered, zero padded.
        mask
            ``(n_jets, N)`` bool, True for real constituents.
        """
        parts, mask = check_constituents(particles, mask)
        coords = _coordinates(parts[mask]).astype(np.float64)
        edges = []
        for i, n in enumerate(self.n_bins):
            q = np.quantile(coords[:, i], np.linspace(0, 1, n + 1)[1:-1])
            edges.append(np.asarray(q, dtype=np.float64))
        self.edges_ = edges
        return self

    def _check_fitted(self) -> list[np.ndarray]:
        if self.edges_ is None:
            raise NotFittedError(
                "BinnedTokeniser is not fitted: call fit(particles, mask) on training jets"
            )
        return self.edges_

    def transform(self, particles: Any, mask: Any) -> np.ndarray:
        """Token ids ``(n_jets, N)`` int64; padded slots are :attr:`pad_id`."""
        edges = self._check_fitted()
        parts, mask = check_constituents(particles, mask)
        coords = _coordinates(parts)
        idx = [np.searchsorted(edges[i], coords[..., i], side="right") for i in range(3)]
        _, n_eta, n_phi = self.n_bins
        tokens = (idx[0] * n_eta + idx[1]) * n_phi + idx[2]
        return np.where(mask, tokens, self.pad_id).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able state (the bin edges)."""
        edges = self._check_fitted()
        return {
            "format": TOKENISER_FORMAT,
            "n_bins": list(self.n_bins),
            "edges": [e.tolist() for e in edges],
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> BinnedTokeniser:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(state, dict) or state.get("format") != TOKENISER_FORMAT:
            raise ValueError(
                f"not a BinnedTokeniser state (format {TOKENISER_FORMAT!r} expected): "
                "build it with BinnedTokeniser.to_dict()"
            )
        out = cls(n_bins=tuple(state["n_bins"]))
        edges = [np.asarray(e, dtype=np.float64) for e in state["edges"]]
        if [len(e) for e in edges] != [n - 1 for n in out.n_bins]:
            raise ValueError("BinnedTokeniser state: the edges do not match n_bins (damaged)")
        out.edges_ = edges
        return out

    @property
    def fingerprint(self) -> str:
        """sha256 of the tokeniser's state: equal fingerprints ⇔ identical tokens."""
        return sha256_json(self.to_dict())

    def __repr__(self) -> str:
        fitted = "fitted" if self.edges_ is not None else "not fitted"
        return f"BinnedTokeniser(n_bins={self.n_bins}, {fitted})"
