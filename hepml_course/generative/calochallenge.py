"""Judge a CaloChallenge dataset-1-photon file against a reference file with the course's metrics.

Both files are read by :func:`hepml_course.data.calochallenge.read_calochallenge`
(MeV → GeV, CaloChallenge → course voxel order) and compared by
:func:`hepml_course.metrics.generative.metric_summary` in the course's geometry
(which is the dataset-1-photon binning).  Command line:
``hepml-course data judge-calo REFERENCE.h5 GENERATED.h5``.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from hepml_course.generative.showers import Showers

#: Warn when fewer than this fraction of the generated showers have incident
#: energies inside the reference's range.
MIN_IN_RANGE_FRACTION = 0.9


def read_calochallenge_showers(
    path: str | os.PathLike[str], *, max_showers: int | None = None
) -> Showers:
    """A CaloChallenge dataset-1-photon file as :class:`Showers` (GeV, course voxel order)."""
    from hepml_course.data.calochallenge import read_calochallenge

    voxels_gev, e_inc_gev = read_calochallenge(path, max_showers=max_showers)
    return Showers(voxels_gev, e_inc_gev)


def check_energy_overlap(reference_e_gev: np.ndarray, generated_e_gev: np.ndarray) -> float:
    """Fraction of generated incident energies inside the reference's [min, max] range.

    Raises
    ------
    ValueError
        If the two energy ranges do not overlap at all (the comparison would
        only measure the energy difference).

    Warns
    -----
    UserWarning
        If fewer than :data:`MIN_IN_RANGE_FRACTION` of the generated showers lie
        inside the reference range.
    """
    ref = np.asarray(reference_e_gev, dtype=np.float64)
    gen = np.asarray(generated_e_gev, dtype=np.float64)
    lo, hi = float(ref.min()), float(ref.max())
    if gen.max() < lo or gen.min() > hi:
        raise ValueError(
            f"the incident energies do not overlap: reference {lo:.4g}–{hi:.4g} GeV, generated "
            f"{gen.min():.4g}–{gen.max():.4g} GeV; generate showers at the reference's energies"
        )
    inside = float(np.mean((gen >= lo) & (gen <= hi)))
    if inside < MIN_IN_RANGE_FRACTION:
        warnings.warn(
            f"only {inside:.0%} of the generated showers have incident energies inside the "
            f"reference range {lo:.4g}–{hi:.4g} GeV; the metrics then also measure that "
            "difference",
            UserWarning,
            stacklevel=2,
        )
    return inside


def judge_calochallenge(
    reference_path: str | os.PathLike[str],
    generated_path: str | os.PathLike[str],
    *,
    seed: int = 0,
    low_level: bool = True,
    max_showers: int | None = None,
    low_level_epochs: int = 30,
) -> dict[str, Any]:
    """The course's metric row for a generated CaloChallenge file against a reference file.

    Parameters
    ----------
    reference_path, generated_path
        CaloChallenge dataset-1-photon HDF5 files (MeV), e.g. the Geant4
        ``dataset_1_photons_2.hdf5`` and a generator's output.
    seed
        Seed of the classifier tests and bootstraps.
    low_level
        Also train the voxel classifier (slow: minutes for 100k showers).
    max_showers
        Use only the first ``max_showers`` showers of each file.
    low_level_epochs
        Epochs of the voxel classifier.

    Returns
    -------
    dict
        :func:`~hepml_course.metrics.generative.metric_summary`'s keys
        (``auc_high_level``, ``fpd``, ``fpd_err``, ``kpd``, ``kpd_err``,
        ``w1_mean``, ``auc_low_level`` if ``low_level``) plus ``n_reference``,
        ``n_generated`` and ``generated_in_energy_range`` (fraction).
    """
    from hepml_course.data.calochallenge import check_geometry
    from hepml_course.metrics.generative import metric_summary
    from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

    check_geometry(DEFAULT_GEOMETRY)
    ref = read_calochallenge_showers(reference_path, max_showers=max_showers)
    gen = read_calochallenge_showers(generated_path, max_showers=max_showers)
    inside = check_energy_overlap(ref.e_inc_gev, gen.e_inc_gev)
    out: dict[str, Any] = metric_summary(
        ref.voxels_gev,
        ref.e_inc_gev,
        gen.voxels_gev,
        gen.e_inc_gev,
        DEFAULT_GEOMETRY,
        seed=seed,
        low_level=low_level,
        low_level_epochs=low_level_epochs,
    )
    out.update(n_reference=len(ref), n_generated=len(gen), generated_in_energy_range=inside)
    return out
