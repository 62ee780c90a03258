"""Dimuon selection: the leading opposite-sign muon pair of each event."""

from __future__ import annotations

import awkward as ak
import numpy as np
import vector

MUON_MASS_GEV = 0.1056584


def muon_vectors(muons: ak.Array) -> ak.Array:
    """Momentum4D vectors (pt [GeV], eta, phi [rad], mass [GeV]) of a jagged muon collection."""
    return vector.zip(
        {
            "pt": muons.pt,
            "eta": muons.eta,
            "phi": muons.phi,
            "mass": ak.full_like(muons.pt, MUON_MASS_GEV),
        }
    )


def dimuon_mass(
    events: ak.Array,
    pt_min_gev: float = 20.0,
    iso_max: float | None = 0.15,
) -> tuple[np.ndarray, np.ndarray]:
    """Invariant mass of the two leading selected muons, for events with an opposite-sign pair.

    Parameters
    ----------
    events
        Records with a ``Muon`` collection (``pt`` GeV, ``eta``, ``phi``,
        ``charge``, ``iso``), as returned by ``data.load("dimuon")``.
    pt_min_gev
        Muon pT threshold, GeV.
    iso_max
        Maximum relative isolation (None: no isolation cut).

    Returns
    -------
    mass_gev, mask
        Dimuon masses (GeV) of the selected events, and the boolean event mask
        that selected them.
    """
    muons = events.Muon
    good = muons.pt > pt_min_gev
    if iso_max is not None:
        good = good & (muons.iso < iso_max)
    muons = muons[good]
    two = ak.num(muons) >= 2
    leading = ak.pad_none(muons, 2)[:, :2]
    opposite = ak.fill_none(leading.charge[:, 0] * leading.charge[:, 1] < 0, False)
    mask = ak.to_numpy(two & opposite)
    pair = muon_vectors(muons[mask][:, :2])
    mass = (pair[:, 0] + pair[:, 1]).mass
    return ak.to_numpy(mass), mask
