"""Inputs of the trigger models: the 57 L1 numbers and the calorimeter-region image.

The object vector follows the ADC2021 challenge: MET (pT, η = 0, φ), then 4
e/γ candidates, 4 muons and 10 jets, each (pT, η, φ), pT-ordered and
zero-padded: 19 objects × 3 = 57 numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np

#: (collection, how many) in the order of the flat vector.
OBJECT_SLOTS: tuple[tuple[str, int], ...] = (("Egamma", 4), ("Muon", 4), ("Jet", 10))
N_OBJECTS = 1 + sum(n for _, n in OBJECT_SLOTS)
N_FEATURES = 3 * N_OBJECTS  # 57
#: ET of one region count, GeV.
REGION_LSB_GEV = 0.5


def _require(events: ak.Array, fields: list[str]) -> None:
    missing = [f for f in fields if f not in events.fields]
    if missing:
        raise KeyError(
            f"events lack field(s) {missing}; load them with hepml_course.data.load('l1') "
            f"(fields present: {events.fields})"
        )


def _padded(values: ak.Array, n: int) -> np.ndarray:
    return ak.to_numpy(ak.fill_none(ak.pad_none(values, n, clip=True), 0.0)).astype(np.float32)


def object_matrix(events: ak.Array) -> np.ndarray:
    """The L1 objects of each event as an array of shape (events, 19, 3) = (pT, η, φ).

    Row 0 is MET (η = 0), rows 1–4 e/γ, 5–8 muons, 9–18 jets; empty slots are 0.
    pT in GeV, φ in rad.
    """
    _require(events, ["MET_pt", "MET_phi", *(c for c, _ in OBJECT_SLOTS)])
    n = len(events)
    out = np.zeros((n, N_OBJECTS, 3), dtype=np.float32)
    out[:, 0, 0] = ak.to_numpy(events.MET_pt)
    out[:, 0, 2] = ak.to_numpy(events.MET_phi)
    row = 1
    for collection, size in OBJECT_SLOTS:
        objs = events[collection]
        for j, field in enumerate(("pt", "eta", "phi")):
            out[:, row : row + size, j] = _padded(objs[field], size)
        row += size
    return out


def l1_features(events: ak.Array) -> np.ndarray:
    """Flat (events, 57) float32 vector: MET, 4 e/γ, 4 μ, 10 jets, each (pT, η, φ)."""
    return object_matrix(events).reshape(len(events), N_FEATURES)


def region_images(events: ak.Array) -> np.ndarray:
    """Calorimeter-region ET images, shape (events, 18, 14), in GeV (float32)."""
    _require(events, ["Region_et"])
    return ak.to_numpy(events.Region_et).astype(np.float32) * REGION_LSB_GEV


@dataclass
class FeatureScaler:
    """Fixed scaling of the 57 inputs: pT → log(1 + pT / GeV), η / 3, φ / π.

    No fitted statistics: the map is the same for every sample, and in hardware
    it is a small lookup table on the pT word plus two constant multiplications.
    The logarithm keeps a 300 GeV jet from dominating the reconstruction error
    over a 10 GeV lepton: with linear pT (or per-input standardisation) the
    autoencoder mostly learns HT (try ``log_pt=False``).

    Parameters
    ----------
    log_pt
        Use log(1 + pT / GeV); if False, pT / ``pt_scale_gev`` (linear).
    pt_scale_gev
        pT unit of the linear option, GeV.
    """

    log_pt: bool = True
    pt_scale_gev: float = 64.0

    def transform(self, features: np.ndarray) -> np.ndarray:
        """Scale a (events, 57) array; raises on a wrong shape or NaNs."""
        features = np.asarray(features, dtype=np.float32)
        if features.ndim != 2 or features.shape[1] != N_FEATURES:
            raise ValueError(
                f"expected L1 features of shape (events, {N_FEATURES}), got {features.shape}; "
                "build them with hepml_course.anomaly.features.l1_features"
            )
        if not np.all(np.isfinite(features)):
            raise ValueError("L1 features contain NaN or infinite values")
        out = features.copy()
        pt = np.clip(features[:, 0::3], 0.0, None)
        out[:, 0::3] = np.log1p(pt) if self.log_pt else pt / self.pt_scale_gev
        out[:, 1::3] = features[:, 1::3] / 3.0
        out[:, 2::3] = features[:, 2::3] / np.pi
        return out.astype(np.float32)


def _check_images(images_gev: np.ndarray, what: str) -> np.ndarray:
    images_gev = np.asarray(images_gev, dtype=np.float32)
    if images_gev.ndim != 3:
        raise ValueError(
            f"{what}: expected region images of shape (events, 18, 14) in GeV, "
            f"got {images_gev.shape}"
        )
    return images_gev


def scale_images(images_gev: np.ndarray) -> np.ndarray:
    """log(1 + ET / GeV) of region images (events, 18, 14), with a channel axis: (…, 1)."""
    images_gev = _check_images(images_gev, "scale_images")
    return np.log1p(np.clip(images_gev, 0.0, None))[..., None]


def student_inputs(images_gev: np.ndarray, et_scale_gev: float = 32.0) -> np.ndarray:
    """Inputs of the CICADA-like student: ET / ``et_scale_gev`` with a channel axis.

    Region images in GeV, shape (events, 18, 14) → float32 (events, 18, 14, 1);
    with the default 32 GeV unit the division is a 6-bit shift of the 0.5 GeV counts.
    """
    images_gev = _check_images(images_gev, "student_inputs")
    return (images_gev / np.float32(et_scale_gev))[..., None]
