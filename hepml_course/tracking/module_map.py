"""Module map: bounded graph construction learned from which detector regions tracks connect.

The barrel is cut into *modules*: on every layer, ``n_phi`` sectors in azimuth
(the same for all layers) × ``n_z`` sectors along the beam (equal widths over
the layer's length).  :meth:`ModuleMap.fit` records, from true segments of
training events, which module pairs on adjacent layers real particles connect.
Physics does not depend on the azimuth, so a connection is stored as
(inner layer, inner z sector, outer z sector, φ-sector offset): every φ sector
shares the statistics of all others and the map is dense after a few events.

:meth:`ModuleMap.candidates` then pairs each hit only with the hits of the
modules its own module is mapped to (a binned lookup: hits sorted by module,
read back with offsets), so the work is proportional to the number of
candidate pairs — hits × (hits per mapped region) — instead of every hit
meeting a whole φ window along the full length of the next layer.
The geometric cuts (:class:`~hepml_course.tracking.graph.GeometricCuts`)
are applied afterwards by :func:`~hepml_course.tracking.graph.build_graph_module_map`.

This follows the idea of the ATLAS GNN4ITk module map (real silicon modules
and per-pair cuts there; equal-size sectors and global cuts here).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hepml_course.tracking.hits import N_LAYERS, Hits

#: Hits up to this factor beyond a layer's learned half-length go to its last z
#: sector; hits further out raise :class:`ModuleMapError` (another geometry).
OUTSIDE_FACTOR = 1.25
#: Version of the saved-map format (``ModuleMap.save``).
FORMAT = "hepml-course-module-map/1"


class ModuleMapError(ValueError):
    """A module map that cannot be used: missing, corrupt, or made for another geometry."""


def _sector_phi(phi: np.ndarray, n_phi: int) -> np.ndarray:
    sector = np.floor((phi + np.pi) / (2 * np.pi) * n_phi).astype(np.int64)
    return np.clip(sector, 0, n_phi - 1)


@dataclass(frozen=True)
class ModuleMap:
    """Which module pairs on adjacent layers real particles connect.

    Attributes
    ----------
    n_phi
        Azimuthal sectors per layer (width 2π / n_phi rad).
    n_z
        Sectors along z per layer.
    z_half_mm
        Half-length of each layer, mm, shape (N_LAYERS,): sector edges are
        ``linspace(-z_half, z_half, n_z + 1)``.
    radius_mm
        Mean radius of each layer in the training events, mm, shape (N_LAYERS,)
        (used to recognise events of another geometry).
    connections
        int64 array of shape (n_connections, 4): (inner layer, inner z sector,
        outer z sector, φ-sector offset outer − inner).
    n_segments
        Number of true training segments the map was learned from.
    """

    n_phi: int
    n_z: int
    z_half_mm: np.ndarray
    radius_mm: np.ndarray
    connections: np.ndarray
    n_segments: int = 0

    # --- learning -------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        events: Sequence[Hits],
        *,
        n_phi: int = 128,
        n_z: int = 24,
        pt_min_gev: float = 0.8,
        z_margin_mm: float = 5.0,
    ) -> ModuleMap:
        """Learn the map from the true segments of ``events``.

        Parameters
        ----------
        events
            Training events with truth (``Hits.particle``).
        n_phi, n_z
            Sectors per layer in azimuth and along z.  The φ sectors must be
            wider than the largest azimuthal step of a kept segment, so that
            offsets stay within a few sectors.
        pt_min_gev
            Learn from segments of particles above this pT (GeV); choose it below
            the pT of the particles to be reconstructed so that the map has margin.
        z_margin_mm
            Added to the largest |z| seen on each layer to set its half-length, mm.

        Raises
        ------
        ModuleMapError
            Without true segments, or with a layer that holds no training hit.
        """
        from hepml_course.tracking.graph import true_segments

        if n_phi < 4 or n_z < 1:
            raise ModuleMapError(f"need n_phi >= 4 and n_z >= 1, got {n_phi} and {n_z}")
        events = list(events)
        if not events:
            raise ModuleMapError("ModuleMap.fit needs at least one training event")
        z_max = np.zeros(N_LAYERS)
        r_sum = np.zeros(N_LAYERS)
        r_count = np.zeros(N_LAYERS)
        for hits in events:
            for lay in range(N_LAYERS):
                on = hits.layer == lay
                if on.any():
                    z_max[lay] = max(z_max[lay], float(np.abs(hits.z[on]).max()))
                    r_sum[lay] += float(hits.r[on].sum())
                    r_count[lay] += int(on.sum())
        if (r_count == 0).any():
            empty = [int(i) for i in np.flatnonzero(r_count == 0)]
            raise ModuleMapError(f"the training events have no hit on layer(s) {empty}")
        base = cls(n_phi, n_z, z_max + z_margin_mm, r_sum / r_count, np.zeros((0, 4), np.int64))
        keys, n_segments = [], 0
        for hits in events:
            s, r = true_segments(hits, pt_min_gev)
            if len(s) == 0:
                continue
            n_segments += len(s)
            _, p_s, k_s = base.modules(hits, s)
            _, p_r, k_r = base.modules(hits, r)
            keys.append(base._key(hits.layer[s], k_s, k_r, (p_r - p_s) % n_phi))
        if not keys:
            raise ModuleMapError(
                f"no true segment of a particle with pT > {pt_min_gev} GeV in the training "
                "events: pass events with truth (Hit_particle) or lower pt_min_gev"
            )
        unique = np.unique(np.concatenate(keys))
        return cls(n_phi, n_z, base.z_half_mm, base.radius_mm, base._unkey(unique), n_segments)

    def _key(self, layer, k_in, k_out, dp) -> np.ndarray:
        return (
            (np.asarray(layer, dtype=np.int64) * self.n_z + k_in) * self.n_z + k_out
        ) * self.n_phi + dp

    def _unkey(self, key: np.ndarray) -> np.ndarray:
        dp = key % self.n_phi
        rest = key // self.n_phi
        k_out = rest % self.n_z
        rest //= self.n_z
        k_in = rest % self.n_z
        layer = rest // self.n_z
        dp = np.where(dp > self.n_phi // 2, dp - self.n_phi, dp)  # signed offset
        return np.stack([layer, k_in, k_out, dp], axis=1).astype(np.int64)

    # --- lookup ---------------------------------------------------------------
    def modules(
        self, hits: Hits, index: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(layer, φ sector, z sector) of hits (all, or those in ``index``).

        Hits a little beyond a layer's half-length (up to :data:`OUTSIDE_FACTOR`
        times it: tails the training events did not reach) belong to the last sector.

        Raises
        ------
        ModuleMapError
            If a hit lies more than :data:`OUTSIDE_FACTOR` times beyond the map's
            half-length of its layer (another geometry).
        """
        sel = slice(None) if index is None else index
        layer = np.asarray(hits.layer[sel], dtype=np.int64)
        z = hits.z[sel]
        half = self.z_half_mm[layer]
        outside = np.abs(z) > OUTSIDE_FACTOR * half
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise ModuleMapError(
                f"{int(outside.sum())} hit(s) lie outside the module map (e.g. z = "
                f"{z[i]:.1f} mm on layer {layer[i]}, map half-length {half[i]:.1f} mm): the "
                "map was learned for another geometry; fit a new one on events of this detector"
            )
        k = np.floor((z + half) / (2 * half) * self.n_z).astype(np.int64)
        return layer, _sector_phi(hits.phi[sel], self.n_phi), np.clip(k, 0, self.n_z - 1)

    def check_geometry(self, hits: Hits, tolerance_mm: float = 10.0) -> None:
        """Raise :class:`ModuleMapError` if the layer radii of ``hits`` differ from the map's."""
        for lay in range(N_LAYERS):
            on = hits.layer == lay
            if on.sum() < 20:
                continue
            radius = float(np.median(hits.r[on]))
            if abs(radius - self.radius_mm[lay]) > tolerance_mm:
                raise ModuleMapError(
                    f"layer {lay} of these hits sits at r ≈ {radius:.1f} mm, the module map's "
                    f"at {self.radius_mm[lay]:.1f} mm: the map belongs to another geometry"
                )

    def candidates(self, hits: Hits) -> tuple[np.ndarray, np.ndarray]:
        """Candidate segments: every pair of hits in mapped module pairs.

        Parameters
        ----------
        hits
            Hits of one event.

        Returns
        -------
        senders, receivers
            int64 hit indices (inner, outer) of the candidate pairs, before the
            geometric cuts.  Hits in modules absent from the map get no candidate.
        """
        n_mod = self.n_phi * self.n_z
        layer, p, k = self.modules(hits)
        module = (layer * self.n_phi + p) * self.n_z + k  # global module id
        order = np.argsort(module, kind="stable")
        counts = np.bincount(module, minlength=N_LAYERS * n_mod)
        starts = np.cumsum(counts) - counts
        senders, receivers = [], []
        for lay in range(N_LAYERS - 1):
            conn = self.connections[self.connections[:, 0] == lay]
            inner = np.flatnonzero(layer == lay)
            if len(conn) == 0 or len(inner) == 0:
                continue
            # connections grouped by inner z sector
            conn = conn[np.argsort(conn[:, 1], kind="stable")]
            per_k = np.bincount(conn[:, 1], minlength=self.n_z)
            first = np.cumsum(per_k) - per_k
            n_conn = per_k[k[inner]]
            hit_rep = np.repeat(inner, n_conn)
            offsets = np.arange(len(hit_rep)) - np.repeat(np.cumsum(n_conn) - n_conn, n_conn)
            c = conn[np.repeat(first[k[inner]], n_conn) + offsets]
            target_p = (p[hit_rep] + c[:, 3]) % self.n_phi
            target = ((lay + 1) * self.n_phi + target_p) * self.n_z + c[:, 2]
            n_cand = counts[target]
            s = np.repeat(hit_rep, n_cand)
            offsets = np.arange(len(s)) - np.repeat(np.cumsum(n_cand) - n_cand, n_cand)
            r = order[np.repeat(starts[target], n_cand) + offsets]
            senders.append(s)
            receivers.append(r)
        if not senders:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(senders).astype(np.int64), np.concatenate(receivers).astype(np.int64)

    def coverage(self, hits: Hits, pt_min_gev: float = 1.0) -> float:
        """Fraction of the true segments (pT > ``pt_min_gev``) whose module pair is mapped."""
        from hepml_course.tracking.graph import true_segments

        s, r = true_segments(hits, pt_min_gev)
        if len(s) == 0:
            return float("nan")
        _, p_s, k_s = self.modules(hits, s)
        _, p_r, k_r = self.modules(hits, r)
        key = self._key(hits.layer[s], k_s, k_r, (p_r - p_s) % self.n_phi)
        known = self._key(
            self.connections[:, 0],
            self.connections[:, 1],
            self.connections[:, 2],
            self.connections[:, 3] % self.n_phi,
        )
        return float(np.isin(key, known).mean())

    # --- persistence ------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-able description (format tag, sectors, geometry, connections)."""
        return {
            "format": FORMAT,
            "n_phi": int(self.n_phi),
            "n_z": int(self.n_z),
            "z_half_mm": [float(v) for v in self.z_half_mm],
            "radius_mm": [float(v) for v in self.radius_mm],
            "n_segments": int(self.n_segments),
            "connections": self.connections.astype(int).tolist(),
        }

    @classmethod
    def from_dict(cls, state: dict) -> ModuleMap:
        """Inverse of :meth:`to_dict`, checked.

        Raises
        ------
        ModuleMapError
            Another format, missing keys, or values of the wrong shape.
        """
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            found = state.get("format") if isinstance(state, dict) else type(state).__name__
            raise ModuleMapError(f"not a module map of format {FORMAT!r} (found {found!r})")
        try:
            z_half = np.asarray(state["z_half_mm"], dtype=np.float64)
            radius = np.asarray(state["radius_mm"], dtype=np.float64)
            conn = np.asarray(state["connections"], dtype=np.int64).reshape(-1, 4)
            n_phi, n_z = int(state["n_phi"]), int(state["n_z"])
            n_segments = int(state.get("n_segments", 0))
        except (KeyError, TypeError, ValueError) as err:
            raise ModuleMapError(f"corrupt module map: {err}") from err
        if z_half.shape != (N_LAYERS,) or radius.shape != (N_LAYERS,):
            raise ModuleMapError(
                f"the module map describes {len(z_half)} layers, this detector has {N_LAYERS}: "
                "it belongs to another geometry"
            )
        ok = (
            (conn[:, 0] >= 0).all()
            and (conn[:, 0] < N_LAYERS - 1).all()
            and (conn[:, 1:3] >= 0).all()
            and (conn[:, 1:3] < n_z).all()
        )
        if not ok:
            raise ModuleMapError("corrupt module map: connection indices out of range")
        return cls(n_phi, n_z, z_half, radius, conn, n_segments)

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the map as JSON (atomically: a temporary file renamed into place).

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True or choose another path")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(self.to_dict(), f, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | Path) -> ModuleMap:
        """Read a map written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If the file does not exist (make one with ``ModuleMap.fit(...).save(path)``).
        ModuleMapError
            If it is not valid JSON or not a module map.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"no module map at {path}; learn one with ModuleMap.fit(train_events).save(path)"
            )
        try:
            state = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ModuleMapError(f"{path} is not a module map (invalid JSON: {err})") from err
        return cls.from_dict(state)
