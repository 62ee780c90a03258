"""The particle-flow detector model: efficiencies, resolutions, thresholds."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.sim.jet_response import JetResponse


def _particles(pid: int, pt: float, eta: float, n: int, per_event: int = 10) -> ak.Array:
    """``n`` particles of one kind, ``per_event`` per event, at fixed pT (GeV) and η."""
    phi = np.linspace(-3.0, 3.0, n)
    px, py = pt * np.cos(phi), pt * np.sin(phi)
    pz = pt * np.sinh(eta) * np.ones(n)
    mass = 0.0 if pid == 22 else 0.14
    e = np.sqrt(px**2 + py**2 + pz**2 + mass**2)
    counts = np.full(n // per_event, per_event)
    fields = {"px": px, "py": py, "pz": pz, "E": e, "id": np.full(n, pid)}
    return ak.zip({k: ak.unflatten(v, counts) for k, v in fields.items()})


def _pt(out: ak.Array) -> np.ndarray:
    return np.hypot(ak.to_numpy(ak.flatten(out.px)), ak.to_numpy(ak.flatten(out.py)))


def test_track_efficiency_and_resolution():
    resp = JetResponse()
    out = resp.apply(_particles(211, 20.0, 0.3, 20_000), np.random.default_rng(1))
    pt = _pt(out)
    assert len(pt) / 20_000 == pytest.approx(resp.track_efficiency_high, abs=0.01)
    expected = np.hypot(resp.track_res_const, resp.track_res_slope_per_gev * 20.0)
    assert np.std(pt / 20.0) == pytest.approx(expected, rel=0.1)
    assert np.mean(pt) == pytest.approx(20.0, rel=0.002)


def test_low_pt_tracks_are_lost():
    resp = JetResponse()
    out = resp.apply(_particles(211, 0.3, 0.0, 2000), np.random.default_rng(2))
    assert ak.sum(ak.num(out)) == 0


def test_photon_energy_resolution():
    resp = JetResponse()
    out = resp.apply(_particles(22, 25.0, 0.0, 20_000), np.random.default_rng(3))
    e = ak.to_numpy(ak.flatten(out.E))
    expected = np.hypot(resp.photon_stochastic / 5.0, resp.photon_constant)
    assert len(e) == 20_000
    assert np.std(e / 25.0) == pytest.approx(expected, rel=0.1)


def test_neutral_hadron_threshold_and_resolution():
    resp = JetResponse()
    soft = resp.apply(_particles(2112, 1.0, 0.0, 5000), np.random.default_rng(4))
    assert ak.sum(ak.num(soft)) / 5000 < 0.05  # 1 GeV neutrons rarely pass the 3 GeV cut
    hard = resp.apply(_particles(130, 50.0, 0.0, 5000), np.random.default_rng(5))
    e = ak.to_numpy(ak.flatten(hard.E))
    expected = np.hypot(resp.hadron_stochastic / np.sqrt(50.0), resp.hadron_constant)
    assert np.std(e / 50.0) == pytest.approx(expected, rel=0.1)


def test_charged_beyond_tracker_go_to_calorimeter():
    resp = JetResponse()
    out = resp.apply(_particles(211, 20.0, 3.0, 2000), np.random.default_rng(6))
    e = ak.to_numpy(ak.flatten(out.E))
    # calorimeter resolution (≈ 14 % at 200 GeV), not the tracker's (1 %)
    assert np.std(e) / np.mean(e) > 0.05


def test_reproducible_and_event_structure():
    parts = _particles(211, 5.0, 0.0, 1000)
    a = JetResponse().apply(parts, np.random.default_rng(7))
    b = JetResponse().apply(parts, np.random.default_rng(7))
    assert len(a) == len(parts)
    assert ak.all(ak.num(a) == ak.num(b))
    assert np.array_equal(ak.to_numpy(ak.flatten(a.px)), ak.to_numpy(ak.flatten(b.px)))


def test_missing_field_is_a_clear_error():
    parts = _particles(211, 5.0, 0.0, 100)
    with pytest.raises(ValueError, match="missing"):
        JetResponse().apply(parts[["px", "py", "pz", "E"]], np.random.default_rng(0))
