"""Occupancy maps, fault injection and the DQM autoencoder."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.anomaly.dqm import (
    FAULTS,
    DQMAutoencoder,
    detection_rates,
    inject_fault,
    occupancy_maps,
    region_hits,
)
from hepml_course.nn import NotFittedError


def _pools(seed=0):
    rng = np.random.default_rng(seed)
    eta_profile = 0.1 + 0.2 * np.abs(np.linspace(-1, 1, 14))
    soft = rng.random((4000, 18, 14)) < eta_profile
    hard = rng.random((2000, 18, 14)) < 2.0 * eta_profile
    return soft, hard


def test_region_hits_threshold():
    images = np.array([[[0.0, 0.5, 1.0] + [0.0] * 11] * 18])
    hits = region_hits(images, 0.5)
    assert hits[0, 0, :3].tolist() == [False, True, True]
    with pytest.raises(ValueError, match="18, 14"):
        region_hits(np.zeros((1, 14, 18)))


def test_occupancy_maps_are_averages():
    soft, hard = _pools()
    maps = occupancy_maps(soft, hard, 50, events_per_map=1000, hard_share_range=(0.0, 0.0))
    assert maps.shape == (50, 18, 14)
    np.testing.assert_allclose(maps.mean(axis=0), soft.mean(axis=0), atol=0.01)
    harder = occupancy_maps(soft, hard, 50, events_per_map=1000, hard_share_range=(1.0, 1.0))
    assert harder.mean() > 1.5 * maps.mean()
    again = occupancy_maps(soft, hard, 50, events_per_map=1000, hard_share_range=(0.0, 0.0))
    np.testing.assert_array_equal(maps, again)  # seeded


def test_inject_fault_kinds():
    maps = np.full((20, 18, 14), 0.3, dtype=np.float32)
    dead, mask = inject_fault(maps, "dead_region", seed=1)
    assert np.all(mask.sum(axis=(1, 2)) == 4) and np.all(dead[mask] == 0.0)
    zero, mask = inject_fault(maps, "zero_occupancy_tower", seed=1)
    assert np.all(mask.sum(axis=(1, 2)) == 1) and np.all(zero[mask] == 0.0)
    hot, mask = inject_fault(maps, "hot_tower", seed=1, hot_extra=0.2)
    np.testing.assert_allclose(hot[mask], 0.44)
    assert np.all(hot[~mask] == 0.3) and np.all(maps == 0.3)  # input untouched
    with pytest.raises(ValueError, match="unknown fault"):
        inject_fault(maps, "cold_tower")


def test_dqm_autoencoder_detects_faults():
    soft, hard = _pools()
    train = occupancy_maps(soft[:2000], hard[:1000], 600, 2000, seed=0)
    pool = (soft[2000:], hard[1000:])
    calibration = occupancy_maps(*pool, 200, 2000, seed=1)
    normal = occupancy_maps(*pool, 200, 2000, seed=2)
    base = occupancy_maps(*pool, 200, 2000, seed=3)
    faulty = {kind: inject_fault(base, kind, seed=4)[0] for kind in FAULTS}
    model = DQMAutoencoder(epochs=30)
    assert model.fit(train, seed=0) is model
    results = detection_rates(model, calibration, normal, faulty)
    assert set(results) == set(FAULTS)
    for kind, r in results.items():
        assert r["false_rate"] <= 0.05, kind
        assert r["detection_rate"] >= 0.8, kind
    # the pulls point at the fault: the dead block holds the largest |pull| of most maps
    dead, mask = inject_fault(base[:50], "dead_region", seed=4)
    pulls = model.score(dead, per_region=True)
    assert pulls.shape == (50, 18, 14)
    hottest = np.abs(pulls).reshape(50, -1).argmax(axis=1)
    assert np.mean(mask.reshape(50, -1)[np.arange(50), hottest]) > 0.8
    np.testing.assert_allclose(np.abs(pulls).max(axis=(1, 2)), model.score(dead), rtol=1e-6)


def test_dqm_contract(tmp_path):
    soft, hard = _pools()
    maps = occupancy_maps(soft, hard, 60, 500, seed=0)
    model = DQMAutoencoder(filters=(4, 4), latent=4, epochs=1)
    with pytest.raises(NotFittedError):
        model.score(maps)
    with pytest.raises(ValueError, match="18, 14"):
        model.fit(maps[:, :, :12])
    with pytest.raises(ValueError, match="rows"):
        model.fit(maps, sample_weight=np.ones(10))
    model.fit(maps, seed=0)
    assert model.residual_scale_.shape == (18, 14)
    again = DQMAutoencoder.load(model.save(tmp_path / "dqm"))
    np.testing.assert_array_equal(model.score(maps), again.score(maps))
    np.testing.assert_array_equal(model.residual_scale_, again.residual_scale_)
