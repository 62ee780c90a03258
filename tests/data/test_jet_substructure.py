"""Energy-correlation features against brute-force sums over particle triplets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hepml_course.data.jet_substructure import (
    HLF_FEATURES,
    energy_correlators,
    groomed_features,
    zlogz,
)


def _brute(pt, y, phi):
    z = pt / pt.sum()

    def r(i, j):
        dphi = (phi[i] - phi[j] + np.pi) % (2 * np.pi) - np.pi
        return np.hypot(y[i] - y[j], dphi)

    out = {"e2_b0": sum(z[i] * z[j] for i, j in itertools.combinations(range(len(z)), 2))}
    for b in (1, 2):
        pairs = itertools.combinations(range(len(z)), 2)
        out[f"e2_b{b}"] = sum(z[i] * z[j] * r(i, j) ** b for i, j in pairs)
        e3 = e3min = e3prod = 0.0
        for i, j, k in itertools.combinations(range(len(z)), 3):
            angles = sorted([r(i, j), r(i, k), r(j, k)])
            w = z[i] * z[j] * z[k]
            e3 += w * np.prod(angles) ** b
            e3min += w * angles[0] ** b
            e3prod += w * (angles[0] * angles[1]) ** b
        out[f"e3_b{b}"], out[f"e3min_b{b}"], out[f"e3prod_b{b}"] = e3, e3min, e3prod
    return out


@pytest.mark.parametrize("n", [3, 7, 12])
def test_energy_correlators_match_brute_force(n):
    rng = np.random.default_rng(n)
    pt = rng.exponential(20.0, n)
    y = rng.normal(0, 0.3, n)
    phi = rng.normal(3.0, 0.3, n)  # near ±π: checks the azimuth wrapping
    got = energy_correlators(pt, y, phi)
    for key, value in _brute(pt, y, phi).items():
        assert got[key] == pytest.approx(value, rel=2e-5), key


def test_two_prong_jet_has_small_n2_and_d2():
    """Two hard, well-separated prongs → e3 ≈ 0 → C2, D2, N2 ≈ 0; one prong + spray → larger."""
    pt = np.array([100.0, 100.0, 0.5])
    two = groomed_features(pt, np.array([0.0, 0.4, 0.02]), np.array([0.0, 0.0, 0.01]))
    rng = np.random.default_rng(1)
    spray = groomed_features(
        rng.exponential(10, 30), rng.normal(0, 0.2, 30), rng.normal(0, 0.2, 30)
    )
    assert two["j_d2_b1_mmdt"] < spray["j_d2_b1_mmdt"]
    assert two["j_n2_b1_mmdt"] < spray["j_n2_b1_mmdt"]


def test_feature_list_is_the_hls4ml_one():
    assert len(HLF_FEATURES) == 16
    assert HLF_FEATURES[0] == "j_zlogz" and HLF_FEATURES[-2:] == ("j_mass_mmdt", "j_multiplicity")


def test_zlogz_limits():
    assert zlogz(np.array([5.0])) == 0.0
    assert zlogz(np.ones(4)) == pytest.approx(-np.log(4))


def test_degenerate_jets_and_bad_input():
    f = groomed_features(np.array([10.0]), np.array([0.0]), np.array([0.0]))
    assert all(np.isfinite(v) for v in f.values())
    with pytest.raises(ValueError, match="same length"):
        energy_correlators(np.ones(3), np.ones(2), np.ones(3))
