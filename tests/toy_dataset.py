"""A tiny NumPy-only dataset for testing the data layer without a generator."""

from __future__ import annotations

import awkward as ak
import numpy as np

from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards

TREES = {
    "events": [
        Branch("x", "float64", "GeV", "a Gaussian value"),
        Branch("img", "float32", "", "a 2×3 image", shape=(2, 3)),
        Branch("Obj_pt", "float32", "GeV", "per-object value", jagged=True),
    ],
    "meta": [Branch("shard", "int32", "", "index of the shard")],
}


def plan(n_events: int, seed: int) -> list[Shard]:
    return even_shards("toy", n_events, seed, shard_events=10)


def run_shard(shard: Shard) -> ShardOutput:
    rng = np.random.default_rng(shard.seed)
    if shard.params.get("fail_at") == shard.index:
        raise RuntimeError("toy generator failure")
    counts = rng.integers(0, 4, shard.n_events)
    flat = rng.exponential(10.0, counts.sum())
    return {
        "events": {
            "x": rng.normal(size=shard.n_events),
            "img": rng.random((shard.n_events, 2, 3)),
            "Obj_pt": ak.unflatten(flat, counts),
        },
        "meta": {"shard": np.array([shard.index])},
    }


def failing_plan(n_events: int, seed: int) -> list[Shard]:
    return even_shards("toy", n_events, seed, shard_events=10, params={"fail_at": 2})


SPEC = DatasetSpec(
    name="toy",
    version="1",
    title="toy",
    generator="numpy",
    filename="toy.root",
    trees=TREES,
    default_events=50,
    default_seed=1,
    plan=plan,
    run_shard=run_shard,
)

FAILING_SPEC = DatasetSpec(
    name="toy",
    version="1",
    title="toy that fails in its third shard",
    generator="numpy",
    filename="toy.root",
    trees=TREES,
    default_events=50,
    default_seed=1,
    plan=failing_plan,
    run_shard=run_shard,
)
