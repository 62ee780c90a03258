"""Jet-substructure observables of the hls4ml LHC jet dataset, from jet constituents.

Grooming (mMDT = SoftDrop with β = 0, z_cut = 0.1) and N-subjettiness come from
FastJet contrib (see :mod:`hepml_course.data.datasets.jets`); this module holds
the energy-correlation functions, evaluated in NumPy on the *groomed*
constituents of one jet at a time.

Notation (Larkoski, Salam, Thaler 2013; Moult, Necib, Thaler 2016): with
momentum fractions ``z_i = pT_i / Σ pT`` and angles ``R_ij`` in the
rapidity–azimuth plane,

* ``e2^β  = Σ_{i<j}   z_i z_j R_ij^β``
* ``e3^β  = Σ_{i<j<k} z_i z_j z_k (R_ij R_ik R_jk)^β``
* ``1e3^β = Σ_{i<j<k} z_i z_j z_k min(R_ij, R_ik, R_jk)^β``
* ``2e3^β = Σ_{i<j<k} z_i z_j z_k (product of the two smallest R)^β``

and the ratios ``C1^β = e2^β``, ``C2^β = e3^β/(e2^β)²``, ``D2^β = e3^β/(e2^β)³``,
``D2^(α,β) = e3^α/(e2^β)^(3α/β)``, ``M2^β = 1e3^β/e2^β``, ``N2^β = 2e3^β/(e2^β)²``.
"""

from __future__ import annotations

import numpy as np

#: The 16 high-level features of the hls4ml LHC jet dataset, in its order.
HLF_FEATURES: tuple[str, ...] = (
    "j_zlogz",
    "j_c1_b0_mmdt",
    "j_c1_b1_mmdt",
    "j_c1_b2_mmdt",
    "j_c2_b1_mmdt",
    "j_c2_b2_mmdt",
    "j_d2_b1_mmdt",
    "j_d2_b2_mmdt",
    "j_d2_a1_b1_mmdt",
    "j_d2_a1_b2_mmdt",
    "j_m2_b1_mmdt",
    "j_m2_b2_mmdt",
    "j_n2_b1_mmdt",
    "j_n2_b2_mmdt",
    "j_mass_mmdt",
    "j_multiplicity",
)

_TINY = 1e-30


def pairwise_angles(rapidity: np.ndarray, phi_rad: np.ndarray) -> np.ndarray:
    """Matrix of ΔR_ij = sqrt(Δy² + Δφ²) between all particles of one jet."""
    dy = rapidity[:, None] - rapidity[None, :]
    dphi = np.mod(phi_rad[:, None] - phi_rad[None, :] + np.pi, 2 * np.pi) - np.pi
    return np.sqrt(dy * dy + dphi * dphi)


def energy_correlators(pt_gev: np.ndarray, rapidity: np.ndarray, phi_rad: np.ndarray) -> dict:
    """Normalised 2- and 3-point energy correlators of one jet.

    Parameters
    ----------
    pt_gev, rapidity, phi_rad
        Constituents of one (groomed) jet: transverse momentum (GeV), rapidity
        and azimuth (rad), 1-D arrays of equal length.

    Returns
    -------
    dict
        ``e2_b{0,1,2}``, ``e3_b{1,2}``, ``e3min_b{1,2}`` (1e3) and
        ``e3prod_b{1,2}`` (2e3); zeros for jets with fewer than 2 (3) particles.
    """
    pt = np.asarray(pt_gev, dtype=np.float64)
    if pt.ndim != 1 or len(pt) != len(rapidity) or len(pt) != len(phi_rad):
        raise ValueError("pt, rapidity and phi must be 1-D arrays of the same length")
    z = pt / max(pt.sum(), _TINY)
    r = pairwise_angles(np.asarray(rapidity, np.float64), np.asarray(phi_rad, np.float64))
    zz = z[:, None] * z[None, :]
    out = {"e2_b0": 0.5 * (zz.sum() - (z * z).sum())}
    for beta in (1, 2):
        a = r**beta
        out[f"e2_b{beta}"] = 0.5 * float((zz * a).sum())
        # Σ_{ijk} z_i z_j z_k A_ij A_ik A_jk = Σ_ij z_i z_j A_ij (A diag(z) A)_ij
        t = (a * z[None, :]) @ a
        out[f"e3_b{beta}"] = float((zz * a * t).sum()) / 6.0
    n = len(z)
    if n < 3:
        for beta in (1, 2):
            out[f"e3min_b{beta}"] = 0.0
            out[f"e3prod_b{beta}"] = 0.0
        return out
    # triplets i < j, k (j ≠ k counted twice, j = k adds nothing: a zero angle),
    # one i at a time on (n-i-1)² blocks: fast and memory-light
    r32 = r.astype(np.float32)
    z32 = z.astype(np.float32)
    sums = np.zeros(4)
    for i in range(n - 2):
        a = r32[i, i + 1 :]
        block = r32[i + 1 :, i + 1 :]
        zk = z32[i + 1 :]
        aj, ak_ = a[:, None], a[None, :]
        pair_min = np.minimum(aj, ak_)
        pair_max = np.maximum(aj, ak_)
        smallest = np.minimum(pair_min, block)
        # product of the two smallest of (a_j, a_k, block): min × middle
        middle = np.maximum(pair_min, np.minimum(pair_max, block))
        prod = smallest * middle
        w = z32[i] * np.outer(zk, zk)
        sums[0] += float((w * smallest).sum())
        sums[1] += float((w * prod).sum())
        sums[2] += float((w * smallest * smallest).sum())
        sums[3] += float((w * prod * prod).sum())
    out["e3min_b1"], out["e3prod_b1"], out["e3min_b2"], out["e3prod_b2"] = sums / 2.0
    return out


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > _TINY else 0.0


def groomed_features(pt_gev: np.ndarray, rapidity: np.ndarray, phi_rad: np.ndarray) -> dict:
    """The 13 energy-correlator features (``j_c1_b0_mmdt`` … ``j_n2_b2_mmdt``) of one jet.

    Parameters
    ----------
    pt_gev, rapidity, phi_rad
        Groomed-jet constituents (GeV, -, rad).

    Returns
    -------
    dict
        Feature name → value (dimensionless).
    """
    e = energy_correlators(pt_gev, rapidity, phi_rad)
    return {
        "j_c1_b0_mmdt": e["e2_b0"],
        "j_c1_b1_mmdt": e["e2_b1"],
        "j_c1_b2_mmdt": e["e2_b2"],
        "j_c2_b1_mmdt": _ratio(e["e3_b1"], e["e2_b1"] ** 2),
        "j_c2_b2_mmdt": _ratio(e["e3_b2"], e["e2_b2"] ** 2),
        "j_d2_b1_mmdt": _ratio(e["e3_b1"], e["e2_b1"] ** 3),
        "j_d2_b2_mmdt": _ratio(e["e3_b2"], e["e2_b2"] ** 3),
        "j_d2_a1_b1_mmdt": _ratio(e["e3_b1"], e["e2_b1"] ** 3),
        "j_d2_a1_b2_mmdt": _ratio(e["e3_b1"], e["e2_b2"] ** 1.5),
        "j_m2_b1_mmdt": _ratio(e["e3min_b1"], e["e2_b1"]),
        "j_m2_b2_mmdt": _ratio(e["e3min_b2"], e["e2_b2"]),
        "j_n2_b1_mmdt": _ratio(e["e3prod_b1"], e["e2_b1"] ** 2),
        "j_n2_b2_mmdt": _ratio(e["e3prod_b2"], e["e2_b2"] ** 2),
    }


def zlogz(pt_gev: np.ndarray) -> float:
    """Σ z_i log z_i over the (ungroomed) jet constituents, z_i = pT_i / Σ pT."""
    pt = np.asarray(pt_gev, dtype=np.float64)
    pt = pt[pt > 0]
    if len(pt) == 0:
        return 0.0
    z = pt / pt.sum()
    return float((z * np.log(z)).sum())
