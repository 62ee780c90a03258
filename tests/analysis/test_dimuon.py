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
