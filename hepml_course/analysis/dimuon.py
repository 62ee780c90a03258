"""Dimuon selection: the leading opposite-sign muon pair of each event.

Works on the course's ``dimuon`` dataset and on foreign files read with
:func:`hepml_course.data.open_file` (CMS NanoAOD, an ntuple of your own): the
field names are configurable, muons are sorted by pT before the leading pair
is taken, isolation may be absent (``iso_max=None``), and regular
(fixed-size, non-jagged) muon arrays are accepted.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import vector

MUON_MASS_GEV = 0.1056584

__all__ = ["MUON_MASS_GEV", "dimuon_mass", "muon_vectors"]


def _as_jagged(array: ak.Array) -> ak.Array:
    """``array`` with a regular (fixed-size) muon axis turned into a jagged one.

    Boolean masks on a regular axis would flatten it, NumPy-style; on a jagged
    axis they select within each event, which is what a muon selection means.
    """
    if array.ndim < 2:
        raise ValueError(
            f"the muon collection has no per-event axis (type {array.type}): give one "
            "list of muons per event (jagged, or a fixed number per event)"
        )
    return ak.from_regular(array, axis=1)


def _require_fields(muons: ak.Array, needed: dict[str, str]) -> None:
    """Raise a clear error when the muon records lack a field the selection uses."""
    fields = list(muons.fields)
    missing = {role: name for role, name in needed.items() if name not in fields}
    if not missing:
        return
    what = ", ".join(f"{role}={name!r}" for role, name in missing.items())
    advice = "pass the file's names, e.g. pt='Muon_pt'"
    if "iso" in missing:
        advice = (
            "the isolation cut needs an isolation field: pass iso_max=None to select "
            "without isolation, or iso='<field name>' to use another field"
        )
        if len(missing) > 1:
            advice += "; for the other fields pass the file's names, e.g. pt='Muon_pt'"
    raise ValueError(f"the muons have no field(s) {what}; they have {fields}: {advice}")


def muon_vectors(
    muons: ak.Array,
    pt: str = "pt",
    eta: str = "eta",
    phi: str = "phi",
) -> ak.Array:
    """Momentum4D vectors of a muon collection, with the muon mass.

    Parameters
    ----------
    muons
        Muon records, jagged (or regular) per event.
    pt, eta, phi
        Names of the fields holding pT (GeV), η and φ (rad).

    Returns
    -------
    awkward.Array
        ``vector`` Momentum4D records (pt, eta, phi, mass), mass = 105.66 MeV.
    """
    _require_fields(muons, {"pt": pt, "eta": eta, "phi": phi})
    return vector.zip(
        {
            "pt": muons[pt],
            "eta": muons[eta],
            "phi": muons[phi],
            "mass": ak.full_like(muons[pt], MUON_MASS_GEV),
        }
    )


def dimuon_mass(
    events: ak.Array,
    pt_min_gev: float = 20.0,
    iso_max: float | None = 0.15,
    *,
    collection: str | None = "Muon",
    pt: str = "pt",
    eta: str = "eta",
    phi: str = "phi",
    charge: str = "charge",
    iso: str = "iso",
) -> tuple[np.ndarray, np.ndarray]:
    """Invariant mass of the two leading selected muons, for events with an opposite-sign pair.

    Muons passing the selection are sorted by decreasing pT (real files, e.g.
    CMS NanoAOD, are not always pT-ordered); the two hardest form the pair,
    which is kept if their charges are opposite.

    Parameters
    ----------
    events
        Records with a muon collection, as returned by ``data.load("dimuon")``
        or ``data.open_file(...)``; or the muon collection itself with
        ``collection=None``.  The muon axis may be jagged or regular.
    pt_min_gev
        Muon pT threshold, GeV.
    iso_max
        Maximum isolation (relative, for the course's files).  ``None``: no
        isolation cut, for files without an isolation field (e.g. the CMS
        Open Data 2012 muons).
    collection
        Name of the muon collection in ``events`` (``"Muon"``), or None if
        ``events`` already is the muons.
    pt, eta, phi, charge, iso
        Field names of the muon records (pT in GeV, η, φ in rad, charge,
        isolation).  ``iso`` is only used when ``iso_max`` is not None.

    Returns
    -------
    mass_gev, mask
        Dimuon masses (GeV) of the selected events, and the boolean event mask
        that selected them.

    Raises
    ------
    ValueError
        A field is missing (the message names it and says e.g. to pass
        ``iso_max=None`` when there is no isolation), or the muons have no
        per-event axis.
    """
    if collection is None:
        muons = events
    else:
        if collection not in (events.fields or []):
            raise ValueError(
                f"the events have no collection {collection!r}; they have {events.fields}: "
                "pass collection='<name>', or collection=None if you pass the muons themselves"
            )
        muons = events[collection]
    needed = {"pt": pt, "eta": eta, "phi": phi, "charge": charge}
    if iso_max is not None:
        needed["iso"] = iso
    _require_fields(muons, needed)
    muons = _as_jagged(muons)
    good = muons[pt] > pt_min_gev
    if iso_max is not None:
        good = good & (muons[iso] < iso_max)
    muons = muons[good]
    muons = muons[ak.argsort(muons[pt], axis=1, ascending=False, stable=True)]
    two = ak.num(muons, axis=1) >= 2
    leading = ak.pad_none(muons, 2, axis=1)[:, :2]
    opposite = ak.fill_none(leading[charge][:, 0] * leading[charge][:, 1] < 0, False)
    mask = ak.to_numpy(two & opposite)
    pair = muon_vectors(muons[mask][:, :2], pt=pt, eta=eta, phi=phi)
    mass = (pair[:, 0] + pair[:, 1]).mass
    return np.asarray(ak.to_numpy(mass), dtype=float), mask
