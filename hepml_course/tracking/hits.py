"""Hits of one event as plain NumPy columns, checked on the way in.

The tracking chapter works event by event.  :func:`event_hits` turns one
entry of the ``tracking`` dataset (an Awkward record) into a :class:`Hits`
object with cylindrical coordinates and a *layer index* 0–7 counted from the
beam pipe outwards (pixel barrel 0–3, short-strip barrel 4–7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from hepml_course.data.acts_sim import BARREL_LAYERS

#: (ACTS volume id, ACTS layer id) → layer index, inside → out: the barrel layers the
#: ``tracking`` dataset keeps (defined once, with the simulation).
LAYERS: tuple[tuple[int, int], ...] = BARREL_LAYERS
N_LAYERS = len(LAYERS)

REQUIRED_HIT_COLUMNS = ("x", "y", "z", "volume", "layer")


class HitsError(ValueError):
    """Hits with missing columns, wrong shapes, NaNs or unknown layers."""


@dataclass(frozen=True)
class Hits:
    """Hits of one event.

    Attributes
    ----------
    x, y, z
        Global position, mm.
    layer
        Layer index 0 … ``N_LAYERS - 1`` (inside → out).
    particle
        Index of the true particle (truth; ``-1`` if unknown).
    particle_pt, particle_eta, particle_nhits
        Per-particle truth (GeV, –, count), indexed by ``particle``; empty if
        the event has no truth.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    layer: np.ndarray
    particle: np.ndarray
    particle_pt: np.ndarray
    particle_eta: np.ndarray
    particle_nhits: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    @property
    def r(self) -> np.ndarray:
        """Transverse radius, mm."""
        return np.hypot(self.x, self.y)

    @property
    def phi(self) -> np.ndarray:
        """Azimuth, rad in (−π, π]."""
        return np.arctan2(self.y, self.x)

    @property
    def hit_pt(self) -> np.ndarray:
        """pT (GeV) of each hit's particle; NaN where unknown."""
        return self._per_hit(self.particle_pt)

    @property
    def hit_eta(self) -> np.ndarray:
        """η of each hit's particle; NaN where unknown."""
        return self._per_hit(self.particle_eta)

    def _per_hit(self, values: np.ndarray) -> np.ndarray:
        out = np.full(len(self), np.nan)
        ok = self.particle >= 0
        out[ok] = values[self.particle[ok]]
        return out


def layer_index(volume: np.ndarray, layer: np.ndarray) -> np.ndarray:
    """Map ACTS (volume, layer) ids to the layer index 0–7; −1 for other layers."""
    volume = np.asarray(volume)
    layer = np.asarray(layer)
    out = np.full(volume.shape, -1, dtype=np.int8)
    for i, (v, lay) in enumerate(LAYERS):
        out[(volume == v) & (layer == lay)] = i
    return out


def _column(source: Any, name: str) -> np.ndarray:
    return np.asarray(source[name], dtype=np.float64)


def make_hits(hit_columns: Mapping[str, Any], particles: Mapping[str, Any] | None = None) -> Hits:
    """Build :class:`Hits` from columns, checking them.

    Parameters
    ----------
    hit_columns
        ``x, y, z`` (mm), ``volume``, ``layer`` (ACTS ids) and optionally
        ``particle`` (truth index).
    particles
        Optional per-particle truth with ``pt`` (GeV), ``eta``, ``nhits``.

    Raises
    ------
    HitsError
        Missing columns, columns of different lengths, NaN or infinite
        positions, or hits on layers that are not in :data:`LAYERS`.
    """
    fields = set(hit_columns.keys()) if hasattr(hit_columns, "keys") else set()
    missing = [c for c in REQUIRED_HIT_COLUMNS if c not in fields]
    if missing:
        raise HitsError(
            f"hits lack the column(s) {missing}; expected {list(REQUIRED_HIT_COLUMNS)} "
            f"(+ optional 'particle'), got {sorted(fields)}. Pass an event of the "
            f"'tracking' dataset, e.g. events[i].Hit"
        )
    x, y, z = (_column(hit_columns, c) for c in ("x", "y", "z"))
    volume = np.asarray(hit_columns["volume"])
    lay = np.asarray(hit_columns["layer"])
    lengths = {len(a) for a in (x, y, z, volume, lay)}
    if len(lengths) != 1 or x.ndim != 1:
        raise HitsError(f"hit columns must be 1-D and of equal length, got lengths {lengths}")
    if not (np.isfinite(x).all() and np.isfinite(y).all() and np.isfinite(z).all()):
        raise HitsError("hit positions contain NaN or infinite values; drop those hits first")
    index = layer_index(volume, lay)
    if (index < 0).any():
        pairs = zip(volume[index < 0], lay[index < 0], strict=True)
        bad = sorted({(int(v), int(a)) for v, a in pairs})
        raise HitsError(
            f"hits on (volume, layer) {bad[:5]} are not barrel layers {list(LAYERS)}; "
            f"select barrel hits first"
        )
    if "particle" in fields:
        particle = np.asarray(hit_columns["particle"], dtype=np.int64)
    else:
        particle = np.full(len(x), -1, dtype=np.int64)
    if particles is not None:
        p_pt, p_eta = _column(particles, "pt"), _column(particles, "eta")
        p_n = np.asarray(particles["nhits"], dtype=np.int64)
    else:
        p_pt = p_eta = np.zeros(0)
        p_n = np.zeros(0, dtype=np.int64)
    if len(particle) and particle.max() >= len(p_pt) and particles is not None:
        raise HitsError("hit particle indices exceed the number of particles of the event")
    return Hits(x, y, z, index, particle, p_pt, p_eta, p_n)


def event_hits(event: Any) -> Hits:
    """:class:`Hits` of one event of the ``tracking`` dataset (``data.load("tracking")[i]``)."""
    try:
        hit, particle = event["Hit"], event["Particle"]
    except Exception as err:  # awkward raises several kinds for a missing field
        raise HitsError(
            "an event of the 'tracking' dataset needs the collections 'Hit' and 'Particle' "
            "(load it with hepml_course.data.load('tracking'))"
        ) from err
    return make_hits(
        {k: np.asarray(hit[k]) for k in hit.fields},
        {k: np.asarray(particle[k]) for k in particle.fields},
    )


def simulated_hits(event: Mapping[str, Any]) -> Hits:
    """:class:`Hits` of one event straight from the simulation.

    Parameters
    ----------
    event
        One entry of :func:`hepml_course.data.acts_sim.simulate_events`
        (``hit_*`` and ``particle_*`` columns).
    """
    hit = {k[len("hit_") :]: v for k, v in event.items() if k.startswith("hit_")}
    particle = {k[len("particle_") :]: v for k, v in event.items() if k.startswith("particle_")}
    return make_hits(hit, particle)
