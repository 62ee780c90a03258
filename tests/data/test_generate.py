"""Generation: determinism, parallel workers, Dask, and no half-written files."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course import data
from hepml_course.data import registry
from hepml_course.data.generate import generate, generate_spec
from tests import toy_dataset


def _same(a: ak.Array, b: ak.Array) -> bool:
    return ak.to_list(a) == ak.to_list(b)


def test_regenerating_the_first_shard_reproduces_the_shipped_dimuon_sample():
    spec = registry.get("dimuon")
    first = spec.plan(spec.default_events, spec.default_seed)[0]
    out = spec.run_shard(first)["events"]
    shipped = data.load("dimuon", entry_stop=first.n_events)
    np.testing.assert_array_equal(
        ak.to_numpy(shipped.Gen_mHat), np.asarray(out["Gen_mHat"], "float32")
    )
    np.testing.assert_array_equal(
        ak.to_numpy(ak.flatten(shipped.Muon.pt)),
        ak.to_numpy(ak.flatten(ak.values_astype(out["Muon_pt"], np.float32))),
    )
    np.testing.assert_array_equal(
        ak.to_numpy(ak.flatten(shipped.Jet.pt)),
        ak.to_numpy(ak.flatten(ak.values_astype(out["Jet_pt"], np.float32))),
    )


def test_toy_same_seed_same_arrays_whatever_the_workers(tmp_path):
    one = generate_spec(toy_dataset.SPEC, 35, 3, workers=1, out=tmp_path / "a.root", progress=False)
    two = generate_spec(toy_dataset.SPEC, 35, 3, workers=2, out=tmp_path / "b.root", progress=False)
    other = generate_spec(
        toy_dataset.SPEC, 35, 4, workers=1, out=tmp_path / "c.root", progress=False
    )
    import uproot

    a, b, c = (uproot.open(p)["events"].arrays() for p in (one, two, other))
    assert _same(a, b)
    assert not _same(a, c)
    assert registry.read_sidecar(one)["entries"] == {"events": 35, "meta": 4}


def test_generator_failure_leaves_no_file(tmp_path):
    with pytest.raises(RuntimeError, match="toy generator failure"):
        generate_spec(
            toy_dataset.FAILING_SPEC, 50, 1, workers=2, out=tmp_path / "x.root", progress=False
        )
    assert list(tmp_path.iterdir()) == []


def test_dimuon_small_run_with_two_workers_matches_one(tmp_path):
    one = generate("dimuon", 240, seed=11, workers=1, out=tmp_path / "one.root", progress=False)
    two = generate("dimuon", 240, seed=11, workers=2, out=tmp_path / "two.root", progress=False)
    a = data.load("dimuon", path=one)
    b = data.load("dimuon", path=two)
    assert len(a) == 240
    assert ak.sum(a.process == 1) == 24
    assert _same(a, b)


def test_dask_local_cluster_gives_the_same_arrays(tmp_path):
    from distributed import LocalCluster

    local = generate("dimuon", 240, seed=11, workers=1, out=tmp_path / "local.root", progress=False)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = generate(
            "dimuon",
            240,
            seed=11,
            dask_address=cluster.scheduler_address,
            out=tmp_path / "dask.root",
            progress=False,
        )
    assert _same(data.load("dimuon", path=local), data.load("dimuon", path=dask))


def test_missing_generator_package_is_a_clear_error(monkeypatch):
    from hepml_course.data.errors import GenerationError
    from hepml_course.data.generate import check_requirements
    from hepml_course.data.spec import DatasetSpec

    spec = DatasetSpec(**{**toy_dataset.SPEC.__dict__, "requires": ("no_such_generator_pkg",)})
    with pytest.raises(GenerationError, match="no_such_generator_pkg"):
        check_requirements(spec)


def test_pythia_rejects_bad_settings():
    from hepml_course.data.errors import GenerationError
    from hepml_course.data.pythia import make_pythia

    with pytest.raises(GenerationError, match="did not accept"):
        make_pythia(["NoSuchSetting:foo = on"], seed=1)
