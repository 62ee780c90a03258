"""Read and write showers in the CaloChallenge 2022 HDF5 format (dataset 1, photons).

Format {CaloChallenge homepage, README "Data format"; ``code/evaluate.py``}: one
HDF5 file with two datasets,

* ``incident_energies`` — shape (N, 1), the incident photon's energy, **MeV**;
* ``showers`` — shape (N, 368), the voxel energies, **MeV**, flattened in the
  order (layer, α bin, r bin) with the r bin running fastest.

The course works in GeV; this module converts (× 1000 on writing, ÷ 1000 on
reading) and permutes the voxels (below), so that the arrays it returns can go
straight into :mod:`hepml_course.metrics.generative` and the generators.

Voxel-order mapping (verified, not assumed)
-------------------------------------------
Evidence, repository ``CaloChallenge/homepage`` (commit 9b41df7):

* ``code/binning_dataset_1_photons.xml``: layers with voxels are ids 0, 1, 2,
  3 and 12 with r edges (mm) ``0,5,10,30,50,100,200,400,600`` (1 α bin),
  ``0,2,4,…,150,200`` (16 r bins, 10 α bins), ``0,2,5,…,350,400`` (19 r bins,
  10 α bins), ``0,50,100,200,400,600`` (1 α bin) and
  ``0,100,200,400,1000,2000`` (1 α bin) — 8 + 160 + 190 + 5 + 5 = 368 voxels.
  These are exactly the course's five layers (``DEFAULT_GEOMETRY``, checked
  by :func:`check_geometry`).
* ``code/XMLHandler.py`` ``fill_r_a_lists`` (lines 72–83): the outer loop runs
  over α bins, the inner over r bins; ``code/HighLevelFeatures.py`` lines
  47–51 tile the r centres ``num_alpha`` times; the README says "the first
  entries correspond to the radial bins of the first angular slice in the
  first layer".  So inside a layer ``index = alpha_bin * n_r + r_bin`` — the
  same α-major order as the course.
* ``code/XMLHandler.py`` ``SetNumberOfBins`` (lines 117–118) puts the α-bin
  centres at ``linspace(-π, π, n_alpha + 1)`` midpoints, and
  ``SetEtaAndPhiFromPolar`` (lines 104–108) the voxel at
  ``(Δη, Δφ) = (r cos α, r sin α)``.  The course's simulator bins
  ``α = atan2(y, x) mod 2π`` into [0, 2π) and its metrics place the voxel at
  ``(x, y) = (r cos α, r sin α)``.  Same angle, different origin of the bin
  count: CaloChallenge α bin ``j`` covers ``[-π + j·2π/n, -π + (j+1)·2π/n)``,
  the course's bin ``k`` covers ``[k·2π/n, (k+1)·2π/n)``.

Hence the mapping: layers and r bins are the identity; in the layers with
``n_alpha = 10`` (strips and middle) the course's α bin ``k`` is
CaloChallenge's α bin ``(k + n_alpha/2) mod n_alpha`` (a half turn, 5 bins).
With it, the course's centroid features of a CaloChallenge file equal the
official ``HighLevelFeatures`` centres ``EC_eta`` (course ``centroid_x``) and
``EC_phi`` (``centroid_y``); with the identity they would flip sign.  (The
course's simulator and the Geant4 sample are symmetric under that half turn to
the level the metrics see, but the mapping keeps every voxel where it is.)

Bad files raise :class:`CaloChallengeFormatError` (a
:class:`~hepml_course.data.errors.SchemaError` and a ``ValueError``), a missing
file :class:`~hepml_course.data.errors.DatasetMissingError`, a file that is not
HDF5 :class:`~hepml_course.data.errors.CorruptDatasetError`, and a refused
output path :class:`~hepml_course.data.errors.OutputPathError`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from hepml_course.data.errors import (
    CorruptDatasetError,
    DatasetMissingError,
    OutputPathError,
    SchemaError,
)

#: Name of the incident-energy dataset, shape (N, 1), MeV.
ENERGY_KEY = "incident_energies"
#: Name of the voxel dataset, shape (N, n_voxels), MeV.
SHOWERS_KEY = "showers"
#: Voxels of CaloChallenge dataset 1, photons (the only layout supported).
N_VOXELS = 368
#: Voxel counts of the other CaloChallenge datasets, for a helpful error.
OTHER_DATASETS = {
    533: "CaloChallenge dataset 1, pions (7 layers)",
    6480: "CaloChallenge dataset 2, electrons (45 layers × 16 α × 9 r)",
    40500: "CaloChallenge dataset 3, electrons (45 layers × 50 α × 18 r)",
}
#: Reading refuses incident energies below this, MeV: dataset-1 photons start at
#: 256 MeV, so a smaller value means the file holds GeV.
MIN_INCIDENT_MEV = 100.0
#: Writing refuses incident energies above this, GeV (10 TeV, beyond the LHC beam
#: energy): such values are MeV passed as GeV.
MAX_INCIDENT_GEV = 10_000.0
#: Median (sum of voxels) / (incident energy) outside this range means the two
#: datasets are in different units.
RATIO_RANGE = (1e-2, 1e2)

#: ``binning_dataset_1_photons.xml``: (XML layer id, r edges in mm, α bins) of the
#: layers that have voxels, in file order.
CALOCHALLENGE_PHOTON_LAYERS: tuple[tuple[int, tuple[float, ...], int], ...] = (
    (0, (0, 5, 10, 30, 50, 100, 200, 400, 600), 1),
    (1, (0, 2, 4, 6, 8, 10, 12, 15, 20, 30, 40, 50, 70, 90, 120, 150, 200), 10),
    (
        2,
        (0, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 130, 160, 200, 250, 300, 350, 400),
        10,
    ),
    (3, (0, 50, 100, 200, 400, 600), 1),
    (12, (0, 100, 200, 400, 1000, 2000), 1),
)


class CaloChallengeFormatError(SchemaError, ValueError):
    """A CaloChallenge file (or the arrays to write as one) breaks the format."""


class CaloChallengeShowers(NamedTuple):
    """Showers read from a CaloChallenge file, in the course's units and voxel order.

    Unpacks as ``voxels_gev, e_inc_gev = read_calochallenge(path)``.

    Attributes
    ----------
    voxels_gev
        (N, 368) float64 voxel energies, GeV, course voxel order.
    e_inc_gev
        (N,) float64 incident energies, GeV.
    """

    voxels_gev: np.ndarray
    e_inc_gev: np.ndarray


def _geometry(geometry: Any | None) -> Any:
    if geometry is None:
        from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

        return DEFAULT_GEOMETRY
    return geometry


def check_geometry(geometry: Any | None = None) -> None:
    """Check that a course geometry has the binning of CaloChallenge dataset 1 photons.

    Raises
    ------
    CaloChallengeFormatError
        If the number of layers, a layer's r edges (mm) or α bins differ.
    """
    geo = _geometry(geometry)
    if geo.n_layers != len(CALOCHALLENGE_PHOTON_LAYERS):
        raise CaloChallengeFormatError(
            f"the geometry has {geo.n_layers} layers; CaloChallenge dataset 1 photons has "
            f"{len(CALOCHALLENGE_PHOTON_LAYERS)}"
        )
    for k, (xml_id, edges, n_alpha) in enumerate(CALOCHALLENGE_PHOTON_LAYERS):
        ours = np.asarray(geo.r_edges_mm[k], dtype=np.float64)
        if ours.shape != (len(edges),) or not np.allclose(ours, edges) or geo.n_alpha[k] != n_alpha:
            raise CaloChallengeFormatError(
                f"layer {k} of the geometry (r edges {ours.tolist()} mm, {geo.n_alpha[k]} α bins) "
                f"differs from CaloChallenge layer {xml_id} (r edges {list(edges)} mm, "
                f"{n_alpha} α bins)"
            )


def course_to_calochallenge_index(geometry: Any | None = None) -> np.ndarray:
    """Gather index from the course's voxel order to CaloChallenge's.

    ``calochallenge_voxels = course_voxels[..., index]``.  Layers and r bins
    map to themselves; α bin ``k`` of a layer with ``n`` α bins (n even) goes
    to CaloChallenge α bin ``(k + n/2) mod n`` (see the module docstring).

    Parameters
    ----------
    geometry
        A :class:`~hepml_course.sim.calorimeter.CaloGeometry` with the dataset-1
        photon binning (default: ``DEFAULT_GEOMETRY``).

    Returns
    -------
    numpy.ndarray
        (n_voxels,) int64 permutation.
    """
    geo = _geometry(geometry)
    check_geometry(geo)
    index = np.arange(geo.n_voxels, dtype=np.int64)
    for sl, n_r, n_a in zip(geo.layer_slices, geo.n_r, geo.n_alpha, strict=True):
        if n_a == 1:
            continue
        if n_a % 2:
            raise CaloChallengeFormatError(
                f"a layer with an odd number of α bins ({n_a}) has no bin-to-bin half-turn mapping"
            )
        a_cc, r = np.divmod(np.arange(n_a * n_r), n_r)
        a_course = (a_cc - n_a // 2) % n_a
        index[sl] = sl.start + a_course * n_r + r
    return index


def calochallenge_to_course_index(geometry: Any | None = None) -> np.ndarray:
    """Gather index from CaloChallenge's voxel order to the course's (inverse permutation).

    ``course_voxels = calochallenge_voxels[..., index]``.
    """
    return np.argsort(course_to_calochallenge_index(geometry)).astype(np.int64)


def _finite(name: str, values: np.ndarray, where: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        rows = np.flatnonzero(bad.reshape(len(values), -1).any(axis=1))
        raise CaloChallengeFormatError(
            f"{where}: {name} holds {int(bad.sum())} NaN/inf value(s), in {len(rows)} shower(s) "
            f"(first at row {int(rows[0])}); drop or repair those showers first"
        )


def _voxel_count_message(n: int) -> str:
    looks = OTHER_DATASETS.get(n)
    hint = f" — that is {looks}" if looks else ""
    return (
        f"showers have {n} voxels{hint}; only CaloChallenge dataset 1 photons "
        f"({N_VOXELS} voxels, binning_dataset_1_photons.xml) is supported"
    )


def _check_energy_shape(shape: tuple[int, ...], where: str) -> None:
    """Only (N,) and (N, 1) are incident-energy shapes; an (N, 2) array is never flattened."""
    if len(shape) == 1 or (len(shape) == 2 and shape[1] == 1):
        return
    raise CaloChallengeFormatError(
        f"{where}: incident energies must have shape (N, 1) or (N,), got {tuple(shape)}: "
        "one energy per shower"
    )


def _energy_column(e: np.ndarray, where: str) -> np.ndarray:
    """(N,) or (N, 1) → (N,); anything else refused."""
    _check_energy_shape(e.shape, where)
    return e.reshape(len(e)) if e.ndim == 2 else e


def _check_ratio(voxels_mev: np.ndarray, e_inc_mev: np.ndarray, where: str) -> None:
    total = voxels_mev.sum(axis=1)
    use = total > 0
    if not use.any():
        return
    ratio = float(np.median(total[use] / e_inc_mev[use]))
    lo, hi = RATIO_RANGE
    if ratio < lo or ratio > hi:
        raise CaloChallengeFormatError(
            f"{where}: median (sum of voxel energies) / (incident energy) is {ratio:.3g}; a "
            "calorimeter shower deposits about its incident energy, so the two datasets are in "
            "different units (both must be MeV)"
        )


def _check_arrays_mev(voxels: np.ndarray, e_inc: np.ndarray, where: str) -> np.ndarray:
    """Validate (N, 368) voxels and incident energies in MeV; return the (N,) energies."""
    if voxels.ndim != 2:
        raise CaloChallengeFormatError(
            f"{where}: showers must have shape (N, {N_VOXELS}), got {voxels.shape}"
        )
    if voxels.shape[1] != N_VOXELS:
        raise CaloChallengeFormatError(f"{where}: {_voxel_count_message(voxels.shape[1])}")
    e_inc = _energy_column(e_inc, where)
    if len(e_inc) != len(voxels):
        raise CaloChallengeFormatError(
            f"{where}: {len(e_inc)} incident energies but {len(voxels)} showers; the two "
            "datasets must have one row per shower"
        )
    _finite("the incident energies", e_inc, where)
    _finite("the showers", voxels, where)
    if np.any(e_inc <= 0):
        rows = np.flatnonzero(e_inc <= 0)
        raise CaloChallengeFormatError(
            f"{where}: {len(rows)} incident energies are <= 0 (first at row {int(rows[0])}, "
            f"{float(e_inc[rows[0]])}); incident energies must be positive"
        )
    return e_inc


def _as_path(path: str | os.PathLike[str]) -> Path:
    return Path(os.fspath(path)).expanduser()


def read_calochallenge(
    path: str | os.PathLike[str], *, max_showers: int | None = None
) -> CaloChallengeShowers:
    """Read a CaloChallenge dataset-1-photon file into the course's units and voxel order.

    Parameters
    ----------
    path
        HDF5 file with ``incident_energies`` (N, 1) (or (N,)) and ``showers``
        (N, 368), both MeV, CaloChallenge voxel order — e.g. the Geant4 file
        ``dataset_1_photons_1.hdf5`` or one written by :func:`write_calochallenge`.
    max_showers
        Read only the first ``max_showers`` showers (all by default).

    Returns
    -------
    CaloChallengeShowers
        ``(voxels_gev, e_inc_gev)``: (N, 368) and (N,) float64 arrays, GeV,
        course voxel order (see the module docstring).

    Raises
    ------
    DatasetMissingError
        The file does not exist.
    CorruptDatasetError
        The file is not HDF5, or is damaged.
    CaloChallengeFormatError
        A dataset is missing or has the wrong shape; a voxel count other than
        368; the datasets' lengths differ; NaN/inf; incident energies <= 0 or
        below :data:`MIN_INCIDENT_MEV` (the file is in GeV); voxels and
        incident energies in different units.
    """
    import h5py

    p = _as_path(path)
    if max_showers is not None and (
        isinstance(max_showers, bool) or not isinstance(max_showers, (int, np.integer))
    ):
        raise TypeError(f"max_showers must be an int or None, got {max_showers!r}")
    if max_showers is not None and max_showers < 1:
        raise ValueError(f"max_showers must be >= 1, got {max_showers}")
    if not p.exists():
        raise DatasetMissingError(f"no CaloChallenge file at {p}: check the path")
    if p.is_dir():
        raise CorruptDatasetError(f"{p} is a folder, not a CaloChallenge HDF5 file")
    if not h5py.is_hdf5(p):
        raise CorruptDatasetError(
            f"{p} is not an HDF5 file (CaloChallenge files are HDF5 written with h5py)"
        )
    stop = None if max_showers is None else int(max_showers)
    try:
        with h5py.File(p, "r") as f:
            missing = [k for k in (ENERGY_KEY, SHOWERS_KEY) if k not in f]
            if missing:
                found = ", ".join(
                    f"{k} {getattr(f[k], 'shape', '(group)')}" for k in sorted(f.keys())
                )
                raise CaloChallengeFormatError(
                    f"{p}: dataset(s) {', '.join(repr(m) for m in missing)} missing; the file "
                    f"holds: {found or 'nothing'}. A CaloChallenge file has '{ENERGY_KEY}' "
                    f"(N, 1) and '{SHOWERS_KEY}' (N, {N_VOXELS}), both MeV"
                )
            for key in (ENERGY_KEY, SHOWERS_KEY):
                d = f[key]
                if not isinstance(d, h5py.Dataset) or d.dtype.kind not in "fiu":
                    raise CaloChallengeFormatError(
                        f"{p}: '{key}' must be a numeric dataset, got "
                        f"{getattr(d, 'dtype', 'a group')}"
                    )
            d_e, d_s = f[ENERGY_KEY], f[SHOWERS_KEY]
            # shapes first: never read a wrong-layout file in full
            if d_s.ndim != 2:
                raise CaloChallengeFormatError(
                    f"{p}: '{SHOWERS_KEY}' must have shape (N, {N_VOXELS}), got {d_s.shape}"
                )
            if d_s.shape[1] != N_VOXELS:
                raise CaloChallengeFormatError(f"{p}: {_voxel_count_message(d_s.shape[1])}")
            _check_energy_shape(d_e.shape, str(p))
            if d_e.shape[0] != d_s.shape[0]:
                raise CaloChallengeFormatError(
                    f"{p}: {d_e.shape[0]} incident energies but {d_s.shape[0]} showers; the "
                    "two datasets must have one row per shower"
                )
            e_inc_mev = np.asarray(d_e[:stop], dtype=np.float64)
            voxels_mev = np.asarray(d_s[:stop], dtype=np.float64)
    except OSError as err:
        raise CorruptDatasetError(
            f"{p} cannot be read as HDF5 ({err}); the file is damaged"
        ) from err
    if len(voxels_mev) == 0:
        raise CaloChallengeFormatError(f"{p}: the file holds no showers")
    e_inc_mev = _check_arrays_mev(voxels_mev, e_inc_mev, str(p))
    if np.min(e_inc_mev) < MIN_INCIDENT_MEV:
        raise CaloChallengeFormatError(
            f"{p}: incident energies go down to {np.min(e_inc_mev):.4g}, below "
            f"{MIN_INCIDENT_MEV:g} MeV (dataset-1 photons start at 256 MeV): the file is almost "
            "certainly in GeV. The format is MeV: multiply both datasets by 1000 and write the "
            "file again"
        )
    _check_ratio(voxels_mev, e_inc_mev, str(p))
    voxels_gev = voxels_mev[:, calochallenge_to_course_index()]
    del voxels_mev  # a 121k-shower file is 360 MB in float64: keep one copy
    voxels_gev /= 1000.0
    return CaloChallengeShowers(voxels_gev, e_inc_mev / 1000.0)


def write_calochallenge(
    path: str | os.PathLike[str],
    voxels_gev: np.ndarray,
    e_inc_gev: np.ndarray,
    *,
    overwrite: bool = False,
    attrs: Mapping[str, str | int | float] | None = None,
) -> Path:
    """Write showers as a CaloChallenge dataset-1-photon HDF5 file.

    Parameters
    ----------
    path
        Output file.  Written to a temporary file in the same folder first and
        then renamed, so an interrupted write leaves no partial file; missing
        parent folders are created.
    voxels_gev
        (N, 368) voxel energies, **GeV**, course voxel order.
    e_inc_gev
        (N,) or (N, 1) incident energies, **GeV**.
    overwrite
        Replace an existing file (refused otherwise).
    attrs
        Extra file attributes (str, int or float values).

    Returns
    -------
    pathlib.Path
        The file written: ``incident_energies`` (N, 1) float32 MeV and
        ``showers`` (N, 368) float32 MeV in CaloChallenge voxel order, gzip
        compressed, with file attributes ``units = "MeV"`` and ``voxel_order``.

    Raises
    ------
    OutputPathError
        ``path`` exists and ``overwrite`` is False, or is a folder.
    CaloChallengeFormatError
        Wrong shapes or voxel count, NaN/inf, incident energies <= 0 or above
        :data:`MAX_INCIDENT_GEV` (MeV passed as GeV: divide by 1000).
    """
    import h5py

    p = _as_path(path)
    if p.is_dir():
        raise OutputPathError(f"{p} is a folder: give a file name such as {p / 'showers.h5'}")
    if p.exists() and not overwrite:
        raise OutputPathError(
            f"{p} exists: pass overwrite=True (on the command line --force) to replace it, or "
            "choose another path"
        )
    voxels = np.asarray(voxels_gev, dtype=np.float64)
    e_inc = _check_arrays_mev(voxels, np.asarray(e_inc_gev, dtype=np.float64), "write")
    if len(voxels) == 0:
        raise CaloChallengeFormatError("write: no showers to write")
    if np.max(e_inc) > MAX_INCIDENT_GEV:
        raise CaloChallengeFormatError(
            f"write: incident energies reach {np.max(e_inc):.4g} GeV, above "
            f"{MAX_INCIDENT_GEV:g} GeV: these look like MeV. write_calochallenge takes GeV "
            "(it converts to MeV itself): divide voxels and energies by 1000"
        )
    voxels_mev = (voxels[:, course_to_calochallenge_index()] * 1000.0).astype(np.float32)
    e_mev = (e_inc * 1000.0).astype(np.float32)[:, None]
    meta: dict[str, Any] = {
        "units": "MeV",
        "voxel_order": "CaloChallenge dataset 1 photons (binning_dataset_1_photons.xml)",
        "producer": "hepml_course.data.calochallenge.write_calochallenge",
    }
    for k, v in (attrs or {}).items():
        if not isinstance(v, (str, int, float, np.integer, np.floating)) or isinstance(v, bool):
            raise TypeError(f"attribute {k!r} must be a str, int or float, got {type(v).__name__}")
        meta[str(k)] = v
    p.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name in the same folder; h5py creates it ("w-": never an existing file) with the
    # user's usual permissions (tempfile.mkstemp would leave it readable by the owner only)
    tmp = p.parent / f".{p.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        with h5py.File(tmp, "w-") as f:
            f.create_dataset(ENERGY_KEY, data=e_mev, compression="gzip")
            f.create_dataset(
                SHOWERS_KEY,
                data=voxels_mev,
                compression="gzip",
                chunks=(min(len(voxels_mev), 1000), N_VOXELS),
            )
            f.attrs.update(meta)
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return p
