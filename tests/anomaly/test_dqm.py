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
    model = DQMAutoencoder(seed=0)
    model.fit(train, epochs=30)
    results = detection_rates(model, calibration, normal, faulty)
    assert set(results) == set(FAULTS)
    for kind, r in results.items():
        assert r["false_rate"] <= 0.05, kind
        assert r["detection_rate"] >= 0.8, kind
