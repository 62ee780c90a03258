"""Reference answers of the exercises of chapter 1 (HEP data in Python), computed out of sight.

Each ``check_*`` function takes the learner's answer and the chapter's inputs,
recomputes the expected value here (never printed) and calls
:func:`hepml_course.exercises.check`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = [
    "GOOD_MUON_ETA_MAX",
    "GOOD_MUON_ISO_MAX",
    "GOOD_MUON_PT_MIN_GEV",
    "Z_WINDOW_2010_GEV",
    "check_distinct_z_events",
    "check_same_sign_masses",
    "check_sigma_fixed",
    "check_two_muons",
]

#: The chapter's "good muon" selection: pT > 20 GeV, |η| < 2.4, relative isolation < 0.15.
GOOD_MUON_PT_MIN_GEV = 20.0
GOOD_MUON_ETA_MAX = 2.4
GOOD_MUON_ISO_MAX = 0.15

_MUON_MASS_GEV = 0.10566

#: Exercise 4's mass window (GeV) on the 2010 CMS Open Data pair rows.
Z_WINDOW_2010_GEV = (81.0, 101.0)


def _not_answered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def check_two_muons(answer: object, events: Any, *, pt_min_gev: float = 25.0) -> None:
    """Exercise 1: the number of events with at least two muons above ``pt_min_gev``.

    Parameters
    ----------
    answer
        The learner's count (an integer).
    events
        The ``dimuon`` events (``data.load("dimuon")``), with a jagged ``Muon``
        collection (``pt`` in GeV).
    pt_min_gev
        Muon pT threshold, GeV (any charge, no isolation or η cut).

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    import awkward as ak

    per_event = ak.to_numpy(ak.sum(events.Muon.pt > pt_min_gev, axis=1))
    expected = int(np.count_nonzero(per_event >= 2))
    check(
        f"events with ≥ 2 muons above {pt_min_gev:g} GeV",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.5,
        hint="count muons per event with the pT mask, then events with at least two",
    )


def _same_sign_masses(events: Any) -> np.ndarray:
    """Mass (GeV) of the leading same-sign pair of good muons, per event that has one."""
    import awkward as ak
    import vector

    muons = events.Muon
    good = muons[
        (muons.pt > GOOD_MUON_PT_MIN_GEV)
        & (np.abs(muons.eta) < GOOD_MUON_ETA_MAX)
        & (muons.iso < GOOD_MUON_ISO_MAX)
    ]
    mu = vector.zip(
        {
            "pt": good.pt,
            "eta": good.eta,
            "phi": good.phi,
            "mass": ak.full_like(good.pt, _MUON_MASS_GEV),
        }
    )
    mu = ak.with_field(mu, good.charge, "charge")
    pairs = ak.combinations(mu, 2, fields=["a", "b"])
    leading = ak.firsts(pairs[pairs.a.charge * pairs.b.charge > 0])
    leading = ak.drop_none(leading[~ak.is_none(leading)])
    return np.asarray(ak.to_numpy((leading.a + leading.b).mass), dtype=float)


def _as_sorted_masses(answer: object) -> object:
    """The learner's masses as a sorted float array, or the answer unchanged if it is not one."""
    if _not_answered(answer):
        return answer
    try:
        import awkward as ak

        if isinstance(answer, ak.Array):
            answer = ak.to_numpy(ak.drop_none(answer))
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return answer
    return np.sort(values) if values.ndim == 1 else values


def check_same_sign_masses(answer: object, events: Any) -> None:
    """Exercise 2: invariant masses of the leading same-sign pair of good muons.

    The order of the masses does not matter (both sides are sorted).

    Parameters
    ----------
    answer
        The learner's masses, GeV: a 1-D NumPy (or Awkward) array with one
        value per event that has a same-sign pair of good muons.
    events
        The ``dimuon`` events; good muons are those of the chapter
        (pT > 20 GeV, |η| < 2.4, relative isolation < 0.15).

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    check(
        "same-sign pair masses",
        _as_sorted_masses(answer),
        np.sort(_same_sign_masses(events)),
        rel_tol=1e-4,
        hint="select pairs whose charges have a positive product, then take the first per event",
    )


def check_sigma_fixed(answer: object, histogram: Any) -> None:
    """Exercise 3: the fitted resolution σ (GeV) with the Z width fixed to the PDG value.

    Parameters
    ----------
    answer
        The learner's σ, GeV.
    histogram
        The histogram of the chapter's fit (``h_fit``: m_μμ in GeV, 76–106 GeV).

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    if _not_answered(answer):
        check("resolution σ with Γ fixed (GeV)", answer, 0.0)
    from hepml_course.analysis import fit_resonance, pdg_mass_width

    _, _, pdg_width, _ = pdg_mass_width(23)
    reference = fit_resonance(
        histogram, mass_guess=91.0, width_guess=pdg_width, sigma_guess=1.2, fix_width=pdg_width
    )
    check(
        "resolution σ with Γ fixed (GeV)",
        answer,
        reference.sigma,
        rel_tol=5e-3,
        hint="pass fix_width=pdg_w to fit_resonance and read the fit's sigma",
    )


def _distinct_z_events(rows: Any, window: tuple[float, float]) -> int:
    """Distinct (Run, Event) with an opposite-sign pair row of any type inside ``window``."""
    import awkward as ak

    charge = ak.to_numpy(rows.Q1) * ak.to_numpy(rows.Q2)
    mass = ak.to_numpy(rows.M)
    keep = (charge < 0) & (mass > window[0]) & (mass < window[1])
    keys = np.stack([ak.to_numpy(rows.Run)[keep], ak.to_numpy(rows.Event)[keep]], axis=1)
    return len(np.unique(keys, axis=0))


def check_distinct_z_events(answer: object, rows: Any) -> None:
    """Exercise 4: distinct 2010 collision events with an opposite-sign pair near the Z.

    Counts events, not rows: the 2010 CMS Open Data file has one row per muon
    pair and reconstruction type, so one collision appears in several rows.

    Parameters
    ----------
    answer
        The learner's count (an integer).
    rows
        The pair rows of ``data/cms_open_data/uproot-Zmumu.root`` read with
        ``data.open_file`` (fields ``Run``, ``Event``, ``Q1``, ``Q2``, ``M`` in GeV).
        Pairs of any ``Type`` count; the window is :data:`Z_WINDOW_2010_GEV`,
        81 < M < 101 GeV.

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    if _not_answered(answer):
        check("distinct 2010 events with an opposite-sign pair in 81–101 GeV", answer, 0)
    check(
        "distinct 2010 events with an opposite-sign pair in 81–101 GeV",
        answer,
        _distinct_z_events(rows, Z_WINDOW_2010_GEV),
        rel_tol=0.0,
        abs_tol=0.5,
        hint="select the rows first, then count unique (Run, Event) pairs — not rows",
    )
