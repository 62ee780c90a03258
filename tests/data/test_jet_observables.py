"""Leading-jet observables on hand-made events with known answers."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.data.jet_observables import leading_jet_observables


def _event(particles: list[tuple[float, float, float]]) -> dict:
    """Massless particles given as (pT GeV, η, φ)."""
    pt, eta, phi = (np.array(v, dtype=float) for v in zip(*particles, strict=True))
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    return {"px": px, "py": py, "pz": pz, "E": np.sqrt(px**2 + py**2 + pz**2)}


def _events(*events: list[tuple[float, float, float]]) -> ak.Array:
    return ak.Array([_event(e) for e in events])


def test_two_prong_jet():
    # 80 + 40 GeV, ΔR = 0.2 apart in φ: one jet with z_g = 1/3
    obs = leading_jet_observables(_events([(80.0, 0.0, 0.0), (40.0, 0.0, 0.2)]))
    pt_expected = np.hypot(80 + 40 * np.cos(0.2), 40 * np.sin(0.2))
    assert obs["pt"][0] == pytest.approx(pt_expected, rel=1e-6)
    mass = np.sqrt(2 * 80 * 40 * (1 - np.cos(0.2)))
    assert obs["mass"][0] == pytest.approx(mass, rel=1e-6)
    assert obs["mult"][0] == 2
    assert obs["zg"][0] == pytest.approx(40 / 120, rel=1e-6)
    assert obs["tau21"][0] == pytest.approx(0.0, abs=1e-9)  # two particles = two axes
    assert obs["lnrho"][0] == pytest.approx(np.log(mass**2 / pt_expected**2), rel=1e-6)
    # width: Σ pT_i ΔR_i / pT, ΔR to the jet axis
    assert 0.0 < obs["width"][0] < 0.2


def test_single_particle_jet_and_empty_event():
    obs = leading_jet_observables(_events([(150.0, 0.5, 1.0)], [(5.0, 0.0, 0.0)]))
    assert obs["mult"][0] == 1
    assert obs["zg"][0] == 0.0
    assert obs["tau21"][0] == 0.0
    assert obs["width"][0] == pytest.approx(0.0, abs=1e-9)
    assert obs["lnrho"][0] == pytest.approx(np.log(0.1**2 / 150.0**2))
    assert all(np.isnan(obs[k][1]) for k in obs)  # no jet above 20 GeV


def test_leading_jet_is_the_hardest():
    obs = leading_jet_observables(_events([(50.0, 0.0, 0.0), (130.0, 0.0, 3.0)]))
    assert obs["pt"][0] == pytest.approx(130.0)
    assert obs["phi"][0] == pytest.approx(3.0)


def test_soft_wide_splitting_fails_softdrop():
    # 5 % partner: below z_cut = 0.1, groomed away → z_g = 0 (no passing splitting)
    obs = leading_jet_observables(_events([(114.0, 0.0, 0.0), (6.0, 0.0, 0.3)]))
    assert obs["zg"][0] == 0.0
    assert obs["mult"][0] == 2


def test_missing_fields():
    with pytest.raises(ValueError, match="px, py, pz, E"):
        leading_jet_observables(ak.Array([{"px": [1.0]}]))
