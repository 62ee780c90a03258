"""The intro chapter's physics on the shipped sample."""

from __future__ import annotations

import awkward as ak
import hist
import numpy as np
import pytest

from hepml_course import data
from hepml_course.analysis.dimuon import dimuon_mass
from hepml_course.analysis.resonance import fit_resonance

PDG_Z_MASS_GEV = 91.19


@pytest.fixture(scope="module")
def events():
    return data.load("dimuon")


@pytest.fixture(scope="module")
def z_fit(events):
    mass, _ = dimuon_mass(events)
    h = hist.Hist.new.Reg(50, 76, 106).Double()
    h.fill(mass)
    return fit_resonance(h, mass_guess=91.0, width_guess=2.5, sigma_guess=1.2)


def test_fitted_z_mass_within_half_a_gev(z_fit):
    assert z_fit.valid
    assert abs(z_fit.mass - PDG_Z_MASS_GEV) < 0.5
    assert z_fit.mass_err < 0.1


def test_fitted_resolution_is_the_configured_one(z_fit):
    # σ(pT)/pT ≈ 1–2 % per muon → σ(m)/m ≈ 0.7–1.4 %, i.e. 0.6–1.3 GeV at the Z
    assert 0.4 < z_fit.sigma < 1.5


def test_cross_sections_are_leading_order_sized(events):
    dy = ak.sum(events.weight[events.process == 0])
    tt = ak.sum(events.weight[events.process == 1])
    assert 1000 < dy < 2500, f"σ(Z/γ* → μμ, m > 50 GeV) = {dy:.0f} pb"
    assert 2 < tt < 15, f"σ(tt̄ → μμ + X) = {tt:.1f} pb"


def test_selection_keeps_a_z_sample(events):
    mass, mask = dimuon_mass(events)
    assert mask.sum() == len(mass) > 5000
    peak = np.mean((mass > 81) & (mass < 101))
    assert peak > 0.6


def test_muons_are_pt_ordered_and_in_acceptance(events):
    pt = events.Muon.pt
    assert ak.all(pt[:, 1:] <= pt[:, :-1])
    assert ak.all(np.abs(events.Muon.eta) < 2.45)


# --- foreign files: unsorted muons, missing isolation, other field names, regular arrays ---


def _events(muons: dict, collection: str = "Muon") -> ak.Array:
    return ak.zip({collection: ak.zip(muons)}, depth_limit=1)


@pytest.fixture
def unsorted_events():
    """Two events whose hardest muons are not first (as in CMS 2012 NanoAOD)."""
    return _events(
        {
            "pt": ak.Array([[25.0, 45.0, 40.0], [30.0, 50.0]]),
            "eta": ak.Array([[0.5, 0.1, -0.3], [1.0, -1.0]]),
            "phi": ak.Array([[0.0, 1.0, -2.0], [0.5, -2.5]]),
            "charge": ak.Array([[1, 1, -1], [-1, 1]]),
            "iso": ak.Array([[0.0, 0.0, 0.0], [0.0, 0.0]]),
        }
    )


def _pair_mass(pt, eta, phi):
    from hepml_course.analysis.dimuon import muon_vectors

    mu = muon_vectors(ak.Array([{"pt": pt[i], "eta": eta[i], "phi": phi[i]} for i in range(2)]))
    return float((mu[0] + mu[1]).mass)


def test_unsorted_muons_use_the_two_hardest(unsorted_events):
    mass, mask = dimuon_mass(unsorted_events)
    assert mask.tolist() == [True, True]
    # event 0: the leading pair is (45, +) and (40, −), not the first two (25, 45, same sign)
    assert mass[0] == pytest.approx(_pair_mass([45.0, 40.0], [0.1, -0.3], [1.0, -2.0]))
    assert mass[1] == pytest.approx(_pair_mass([50.0, 30.0], [-1.0, 1.0], [-2.5, 0.5]))


def test_sorting_keeps_the_course_result(events):
    """The course's muons are pT-ordered: sorting changes nothing."""
    mass, mask = dimuon_mass(events)
    muons = events.Muon[(events.Muon.pt > 20) & (events.Muon.iso < 0.15)]
    lead = muons[mask][:, :2]
    assert ak.all(lead.pt[:, 0] >= lead.pt[:, 1])
    assert len(mass) == int(mask.sum())


def test_missing_isolation_says_iso_max_none(unsorted_events):
    no_iso = _events({k: unsorted_events.Muon[k] for k in ("pt", "eta", "phi", "charge")})
    with pytest.raises(ValueError, match="iso_max=None"):
        dimuon_mass(no_iso)
    mass, _ = dimuon_mass(no_iso, iso_max=None)
    assert len(mass) == 2


def test_field_names_are_configurable(unsorted_events):
    renamed = _events(
        {
            "Muon_pt": unsorted_events.Muon.pt,
            "Muon_eta": unsorted_events.Muon.eta,
            "Muon_phi": unsorted_events.Muon.phi,
            "Muon_charge": unsorted_events.Muon.charge,
        },
        collection="Mu",
    )
    reference, _ = dimuon_mass(unsorted_events, iso_max=None)
    mass, _ = dimuon_mass(
        renamed,
        iso_max=None,
        collection="Mu",
        pt="Muon_pt",
        eta="Muon_eta",
        phi="Muon_phi",
        charge="Muon_charge",
    )
    np.testing.assert_allclose(mass, reference)
    muons_only, _ = dimuon_mass(unsorted_events.Muon, iso_max=None, collection=None)
    np.testing.assert_allclose(muons_only, reference)
    with pytest.raises(ValueError, match="pt='Muon_pt'"):
        dimuon_mass(renamed, iso_max=None, collection="Mu")
    with pytest.raises(ValueError, match="collection"):
        dimuon_mass(renamed, iso_max=None)


def test_regular_arrays_are_accepted():
    """A fixed number of muons per event (NumPy 2-D columns) used to raise AxisError."""
    pt = np.array([[45.0, 40.0], [30.0, 50.0], [10.0, 60.0]])
    columns = {
        "pt": pt,
        "eta": np.array([[0.1, -0.3], [1.0, -1.0], [0.0, 0.0]]),
        "phi": np.array([[1.0, -2.0], [0.5, -2.5], [0.0, 3.0]]),
        "charge": np.array([[1, -1], [-1, 1], [1, -1]]),
        "iso": np.zeros((3, 2)),
    }
    regular = _events(columns)
    assert "var" not in str(regular.Muon.type)
    jagged = _events({k: ak.Array(v.tolist()) for k, v in columns.items()})
    mass, mask = dimuon_mass(regular)
    ref_mass, ref_mask = dimuon_mass(jagged)
    assert mask.tolist() == ref_mask.tolist() == [True, True, False]
    np.testing.assert_allclose(mass, ref_mass)
