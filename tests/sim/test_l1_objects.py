"""Level-1 emulation: region binning, object selection and MET."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest
import vector

from hepml_course.sim.l1_objects import (
    N_ETA_REGIONS,
    N_PHI_REGIONS,
    REGION_ETA_EDGES,
    L1Response,
    emulate,
    region_image,
)

vector.register_awkward()


def _particles(rows):
    """rows: per event a list of (pdg id, pt, eta, phi)."""
    ids = ak.Array([[r[0] for r in ev] for ev in rows])
    p = vector.zip(
        {
            "pt": ak.Array([[float(r[1]) for r in ev] for ev in rows]),
            "eta": ak.Array([[float(r[2]) for r in ev] for ev in rows]),
            "phi": ak.Array([[float(r[3]) for r in ev] for ev in rows]),
            "mass": ak.Array([[0.0 for _ in ev] for ev in rows]),
        }
    )
    return ak.zip({"id": ids, "p": p}, depth_limit=2)


def test_region_edges_are_symmetric():
    assert len(REGION_ETA_EDGES) == N_ETA_REGIONS + 1
    np.testing.assert_allclose(REGION_ETA_EDGES, -REGION_ETA_EDGES[::-1])


def test_region_image_bins_energy():
    exact = L1Response(region_stochastic=0.0, region_constant=0.0)
    eta = ak.Array([[0.1, 0.2, -2.5, 3.5], []])
    phi = ak.Array([[0.05, 0.1, -0.05, 0.0], []])
    et = ak.Array([[10.0, 5.25, 4.0, 100.0], []])
    image = region_image(eta, phi, et, exact, np.random.default_rng(0))
    assert image.shape == (2, N_PHI_REGIONS, N_ETA_REGIONS)
    assert image.dtype == np.uint16
    assert image[0, 0, 7] == 30  # 15.25 GeV in 0.5 GeV counts (floor)
    assert image[0, N_PHI_REGIONS - 1, 0] == 8  # φ = −0.05 wraps to the last φ region
    assert image[0].sum() == 38  # the particle at |η| = 3.5 is outside the regions
    assert image[1].sum() == 0


def test_emulate_objects_and_met():
    pytest.importorskip("fastjet")
    events = _particles(
        [
            [(13, 40.0, 0.5, 1.0), (11, 30.0, -1.0, -2.0), (211, 60.0, 2.0, 0.0)],
            [(12, 50.0, 0.0, 0.0), (13, 2.0, 0.0, 1.0), (13, 20.0, 3.0, 1.0)],
        ]
    )
    perfect = L1Response(
        eg_efficiency=1.0,
        mu_efficiency=1.0,
        eg_resolution=0.0,
        mu_resolution=0.0,
        jet_stochastic=0.0,
        jet_constant=0.0,
        met_stochastic=0.0,
    )
    out = emulate(events, perfect, np.random.default_rng(0))
    # event 0: one muon, one isolated electron; the π± makes a 60 GeV jet and so does the e
    assert ak.to_list(out["Muon_pt"]) == [[40.0], []]  # 2 GeV and |η| = 3 muons fail
    assert ak.num(out["Egamma_pt"]).tolist() == [1, 0]
    assert out["Egamma_pt"][0, 0] == pytest.approx(30.0, abs=1.0)
    assert 60.0 in ak.to_list(out["Jet_pt"][0])
    # MET = −Σ calorimeter pT (muons and neutrinos escape)
    expected = np.hypot(30 * np.cos(-2.0) + 60.0, 30 * np.sin(-2.0))
    assert out["MET_pt"][0] == pytest.approx(expected, abs=0.5)
    assert out["MET_pt"][1] == 0.0
    assert out["Region_et"].shape == (2, 18, 14)
