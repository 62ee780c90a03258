"""Shard plans and seeds depend only on (size, seed)."""

from __future__ import annotations

import pytest

from hepml_course.data.spec import MAX_SEED, even_shards, shard_seeds


def test_shard_seeds_are_prefix_stable_and_distinct():
    short = shard_seeds(42, 3)
    long = shard_seeds(42, 10)
    assert long[:3] == short
    assert len(set(long)) == 10
    assert all(1 <= s <= MAX_SEED for s in long)
    assert shard_seeds(43, 3) != short


def test_negative_seed_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        shard_seeds(-1, 2)


def test_even_shards_cover_the_events():
    shards = even_shards("x", 25, 7, shard_events=10)
    assert [s.n_events for s in shards] == [10, 10, 5]
    assert [s.index for s in shards] == [0, 1, 2]
    chained = even_shards("x", 10, 7, shard_events=10, first_index=3)
    assert chained[0].index == 3
    assert chained[0].seed == shard_seeds(7, 4)[3]


def test_zero_events_rejected():
    with pytest.raises(ValueError, match="positive"):
        even_shards("x", 0, 1, shard_events=10)
