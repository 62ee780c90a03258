"""The chapter's W/Z-vs-QCD sample: labels, mass column, disjoint stratified splits, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.systematics import MASS_FEATURE, TaggingSample, load_tagging, split_sample


def toy(n: int = 200) -> TaggingSample:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 16)).astype(np.float32)
    y = (np.arange(n) % 2).astype(np.int64)
    sample = TaggingSample(x, y, np.zeros(n, np.float32))
    return TaggingSample(x, y, x[:, sample.mass_index].copy())


def test_shipped_sample_is_balanced_wz_against_qcd_with_the_groomed_mass():
    sample = load_tagging()
    assert len(sample) == 12_000
    assert sample.y.mean() == pytest.approx(0.5)
    assert np.array_equal(sample.mass_gev, sample.x[:, sample.feature_names.index(MASS_FEATURE)])
    # W/Z jets peak near the boson masses; QCD jets are mostly lighter
    assert 70 < np.median(sample.mass_gev[sample.y == 1]) < 95
    assert np.median(sample.mass_gev[sample.y == 0]) < 60


def test_split_is_disjoint_stratified_and_reproducible():
    sample = toy(400)
    parts = split_sample(sample, seed=3)
    assert [len(p) for p in parts] == [200, 100, 100]
    rows = [set(map(tuple, p.x.round(6).tolist())) for p in parts]
    assert not (rows[0] & rows[1]) and not (rows[0] & rows[2]) and not (rows[1] & rows[2])
    assert all(p.y.mean() == pytest.approx(0.5) for p in parts)
    again = split_sample(sample, seed=3)
    assert all(np.array_equal(a.x, b.x) for a, b in zip(parts, again, strict=True))
    other = split_sample(sample, seed=4)
    assert not np.array_equal(parts[0].x, other[0].x)


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="tree must be one of"):
        load_tagging("particles_mpi")
    with pytest.raises(ValueError, match=r"x must have shape"):
        TaggingSample(np.zeros((5, 3)), np.zeros(5, np.int64), np.zeros(5))
    with pytest.raises(ValueError, match=r"mass_gev must have shape \(5,\)"):
        TaggingSample(np.zeros((5, 16)), np.zeros(5, np.int64), np.zeros(4))
    with pytest.raises(ValueError, match="summing to 1"):
        split_sample(toy(), (0.5, 0.5, 0.5))
