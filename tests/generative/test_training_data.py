"""The large training sample and the fresh test showers: seeded, disjoint, reused, checked."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.data import registry
from hepml_course.generative import training_data as td
from hepml_course.generative.showers import Showers


def toy(n: int) -> Showers:
    rng = np.random.default_rng(0)
    return Showers(rng.uniform(size=(n, 4)), np.arange(1.0, n + 1.0))


def test_the_split_is_fixed_and_disjoint():
    showers = toy(2 * td.VALIDATION_SIZE + 500)
    train, val = td.split_large(showers)
    again, _ = td.split_large(showers)
    assert len(val) == td.VALIDATION_SIZE and len(train) == td.VALIDATION_SIZE + 500
    assert np.array_equal(train.e_inc_gev, again.e_inc_gev)
    assert not set(train.e_inc_gev.tolist()) & set(val.e_inc_gev.tolist())
    with pytest.raises(ValueError, match="at least"):
        td.split_large(toy(100))


def test_the_large_sample_is_independent_of_the_shipped_file():
    assert td.LARGE_SEED != registry.get("calo").default_seed != td.TEST_SEED
    with pytest.raises(ValueError, match="shipped calo file's seed"):
        td.large_sample(td.LARGE_SIZE, seed=registry.get("calo").default_seed)
    with pytest.raises(ValueError, match="at least"):
        td.large_sample(1000)
    path = td.large_sample_path()
    assert path.parent.name == "generated" and f"seed{td.LARGE_SEED}" in path.name


def test_an_existing_large_sample_is_reused_not_regenerated(monkeypatch, tmp_path):
    target = tmp_path / "calo-30000ev-seed5.root"
    target.write_bytes(b"placeholder")
    monkeypatch.setattr(td, "large_sample_path", lambda n, s: target)

    def fail(*args, **kwargs):
        raise AssertionError("must not regenerate an existing sample")

    monkeypatch.setattr("hepml_course.data.generate", fail)
    assert td.large_sample(30000, seed=5) == target


def test_fresh_test_showers_are_seeded_and_in_the_calo_range():
    a = td.fresh_test_showers(40, seed=3)
    b = td.fresh_test_showers(40, seed=3)
    c = td.fresh_test_showers(40, seed=4)
    assert np.array_equal(a.voxels_gev, b.voxels_gev) and np.array_equal(a.e_inc_gev, b.e_inc_gev)
    assert not np.array_equal(a.e_inc_gev, c.e_inc_gev)
    assert a.voxels_gev.shape == (40, 368)
    assert np.all((a.e_inc_gev >= 1.0) & (a.e_inc_gev <= 250.0))
    # a photon shower deposits most of its energy in the calorimeter
    assert 0.8 < np.median(a.voxels_gev.sum(axis=1) / a.e_inc_gev) < 1.05
