"""The check functions of chapter 1's exercises: right answers pass, `...` and wrong ones fail."""

from __future__ import annotations

import awkward as ak
import hist
import numpy as np
import pytest
import vector

from hepml_course import data
from hepml_course.analysis import dimuon_mass, fit_resonance, pdg_mass_width
from hepml_course.data.paths import REPO_ROOT
from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import hep_data as exercise


@pytest.fixture(scope="module")
def events():
    return data.load("dimuon")


@pytest.fixture(scope="module")
def h_fit(events):
    mass, _ = dimuon_mass(events)
    h = hist.Hist.new.Reg(50, 76, 106, name="m").Double()
    h.fill(mass)
    return h


def test_two_muons(events, capsys):
    right = int(ak.sum(ak.num(events.Muon[events.Muon.pt > 25]) >= 2))
    exercise.check_two_muons(right, events)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_two_muons(..., events)
    wrong = int(ak.sum(ak.num(events.Muon[events.Muon.pt > 20]) >= 2))
    with pytest.raises(ExerciseWrong, match="not right yet") as info:
        exercise.check_two_muons(wrong, events)
    assert str(right) not in str(info.value), "the message must not reveal the answer"


def test_same_sign_masses(events, capsys):
    muons = events.Muon
    good = muons[(muons.pt > 20) & (np.abs(muons.eta) < 2.4) & (muons.iso < 0.15)]
    mu = vector.zip({"pt": good.pt, "eta": good.eta, "phi": good.phi, "mass": 0.10566})
    mu = ak.with_field(mu, good.charge, "charge")
    pairs = ak.combinations(mu, 2, fields=["a", "b"])
    ss = ak.firsts(pairs[pairs.a.charge * pairs.b.charge > 0])
    ss = ak.drop_none(ss[~ak.is_none(ss)])
    right = ak.to_numpy((ss.a + ss.b).mass)
    assert len(right) > 0
    exercise.check_same_sign_masses(right, events)
    exercise.check_same_sign_masses(right[::-1], events)  # the order does not matter
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_same_sign_masses(..., events)
    opposite, _ = dimuon_mass(events)
    for wrong in (opposite, right * 1.01, "masses"):
        with pytest.raises(ExerciseWrong, match="not right yet"):
            exercise.check_same_sign_masses(wrong, events)


def test_sigma_fixed(h_fit, capsys):
    _, _, pdg_width, _ = pdg_mass_width(23)
    right = fit_resonance(
        h_fit, mass_guess=91.0, width_guess=pdg_width, sigma_guess=1.2, fix_width=pdg_width
    ).sigma
    exercise.check_sigma_fixed(right, h_fit)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_sigma_fixed(..., h_fit)
    free = fit_resonance(h_fit, mass_guess=91.0, width_guess=2.5, sigma_guess=1.2).sigma
    with pytest.raises(ExerciseWrong, match="not right yet") as info:
        exercise.check_sigma_fixed(free, h_fit)
    assert f"{right:.3f}" not in str(info.value)


@pytest.fixture(scope="module")
def rows_2010():
    return data.open_file(REPO_ROOT / "data" / "cms_open_data" / "uproot-Zmumu.root")


def test_distinct_z_events(rows_2010, capsys):
    rows = rows_2010[(rows_2010.Q1 * rows_2010.Q2 < 0) & (rows_2010.M > 81) & (rows_2010.M < 101)]
    keys = np.stack([ak.to_numpy(rows.Run), ak.to_numpy(rows.Event)], axis=1)
    right = len(np.unique(keys, axis=0))
    assert 400 < right < 500
    exercise.check_distinct_z_events(right, rows_2010)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_distinct_z_events(..., rows_2010)
    for wrong in (len(rows), right + 5):  # the rows, not the events: the classic trap
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_distinct_z_events(wrong, rows_2010)
        assert str(right) not in str(info.value), "the message must not reveal the answer"
