"""Reference checks of the chapter "Generative simulation: fast calorimeter showers".

Each ``check_*`` function recomputes the reference out of sight, from the
objects the chapter defined before the exercise, and compares the learner's
answer with :func:`hepml_course.exercises.check` (which never prints the
reference). TensorFlow is never imported here: a generator passed in brings
its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_fewer_steps_auc", "check_hours_reference", "check_pair_correlation"]


def _not_answered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def _high_level_auc(
    reference_voxels_gev: np.ndarray,
    generated_voxels_gev: np.ndarray,
    e_inc_gev: np.ndarray,
    geometry: Any,
) -> float:
    """The ``auc_high_level`` of :func:`hepml_course.metrics.generative.metric_summary` (seed 0)."""
    from hepml_course.metrics import generative as gm

    ref = gm.high_level_features(reference_voxels_gev, e_inc_gev, geometry)
    gen = gm.high_level_features(generated_voxels_gev, e_inc_gev, geometry)
    names = gm.informative_features(ref)
    x_ref = np.column_stack([gm.feature_matrix(ref, names)[0], np.log10(e_inc_gev)])
    x_gen = np.column_stack([gm.feature_matrix(gen, names)[0], np.log10(e_inc_gev)])
    return gm.classifier_auc_high_level(x_ref, x_gen, seed=0)


def check_fewer_steps_auc(
    answer: object,
    generator: Any,
    voxels_gev: np.ndarray,
    e_inc_gev: np.ndarray,
    geometry: Any,
    n_steps: int = 3,
    seed: int = 1,
) -> None:
    """Exercise 1: high-level classifier AUC of flow matching with fewer ODE steps.

    The reference generates one shower per test energy with ``n_steps``
    midpoint steps and ``seed``, and trains the high-level classifier exactly
    as ``gm.metric_summary(..., low_level=False)`` does. The generator's
    ``n_steps`` is restored afterwards, whatever happens. Tolerance: 0.02 in
    AUC (the classifier's own scatter is larger).

    Parameters
    ----------
    answer
        The learner's AUC (a number between 0.5 and 1).
    generator
        The shipped flow-matching generator (``generators["flow_matching"]``).
    voxels_gev
        (n, n_voxels) test showers, GeV.
    e_inc_gev
        (n,) their incident energies, GeV.
    geometry
        The calorimeter geometry.
    n_steps
        Midpoint steps of the exercise.
    seed
        Generation seed of the exercise.
    """
    name = f"high-level AUC of flow matching with {n_steps} steps"
    if _not_answered(answer):
        check(name, answer, 0.0)
    steps_before = generator.n_steps
    try:
        generator.n_steps = n_steps
        fast = generator.generate(np.asarray(e_inc_gev), seed=seed)
    finally:
        generator.n_steps = steps_before
    reference = _high_level_auc(voxels_gev, fast, np.asarray(e_inc_gev), geometry)
    check(
        name,
        answer,
        reference,
        abs_tol=0.02,
        hint=f"set n_steps to {n_steps} before generating, generate at the test energies with "
        f"seed={seed}, and take 'auc_high_level' of gm.metric_summary(..., low_level=False)",
    )


def check_pair_correlation(
    answer: object,
    x_ref: np.ndarray,
    generated_features: Mapping[str, np.ndarray],
    names: Sequence[str],
) -> None:
    """Exercise 2: correlation, in a generated sample, of the reference's most correlated pair.

    Parameters
    ----------
    answer
        The learner's correlation coefficient.
    x_ref
        (n, n_features) reference high-level features, columns in ``names`` order.
    generated_features
        The generated sample's high-level features (name → (n,) array).
    names
        Feature names of the columns of ``x_ref``.
    """
    name = "correlation of the most correlated pair in flow matching"
    if _not_answered(answer):
        check(name, answer, 0.0)
    corr = np.corrcoef(np.asarray(x_ref, dtype=float), rowvar=False)
    np.fill_diagonal(corr, 0.0)
    i, j = np.unravel_index(np.argmax(np.abs(corr)), corr.shape)
    a = np.asarray(generated_features[names[i]], dtype=float)
    b = np.asarray(generated_features[names[j]], dtype=float)
    check(
        name,
        answer,
        np.corrcoef(a, b)[0, 1],
        abs_tol=1e-6,
        hint="find the pair in the reference's correlation matrix with the diagonal set to 0 "
        "(largest absolute value), then correlate the same two features of the flow-matching "
        "sample",
    )


def check_hours_reference(
    answer: object,
    speeds: Mapping[str, Mapping[float, float]],
    n_showers: float = 1e6,
    energy_gev: float = 50.0,
) -> None:
    """Exercise 3: hours the reference simulator needs for ``n_showers`` at one energy.

    Parameters
    ----------
    answer
        The learner's time in hours.
    speeds
        The chapter's speed table: sampler name → {energy (GeV) → showers per second}.
    n_showers
        Showers the analysis needs.
    energy_gev
        Their incident energy, GeV (a key of ``speeds["reference"]``).
    """
    name = f"hours for {n_showers:,.0f} reference showers at {energy_gev:g} GeV"
    if _not_answered(answer):
        check(name, answer, 0.0)
    per_s = float(speeds["reference"][float(energy_gev)])
    check(
        name,
        answer,
        n_showers / per_s / 3600.0,
        rel_tol=1e-3,
        hint="the speed is in showers per second of the reference simulator; "
        "an hour has 3600 seconds",
    )
