"""Datasets ``jets_v2`` (MPI on, labelled) and ``jets_unlabelled`` (the pre-training mixture)."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course import data
from hepml_course.data.datasets import jets as J
from hepml_course.data.datasets import jets_unlabelled as U
from hepml_course.data.datasets import jets_v2 as V
from hepml_course.data.generate import generate


def _tree_sizes(shards) -> dict[tuple[str, str], int]:
    sizes: dict[tuple[str, str], int] = {}
    for s in shards:
        key = (s.params["tree"], s.params["process"])
        sizes[key] = sizes.get(key, 0) + s.n_events
    return sizes


def test_v2_plan_is_balanced_seeded_and_mpi_on_in_the_main_tree():
    shards = V.plan(5000, 7)
    sizes = _tree_sizes(shards)
    assert {k: v for k, v in sizes.items() if k[0] == "particles"} == {
        ("particles", "qcd"): 2000,
        ("particles", "w"): 1000,
        ("particles", "z"): 1000,
        ("particles", "t"): 1000,
    }
    assert sum(v for k, v in sizes.items() if k[0] == "mpi_off") == 5 * 200
    assert all(s.params["mpi"] == (s.params["tree"] == "particles") for s in shards)
    assert len({s.seed for s in shards}) == len(shards)
    assert V.plan(5000, 7) == shards
    # the shipped size: 10 000 jets per class, 2 000 per class with MPI off
    shipped = _tree_sizes(V.plan(V.SPEC.default_events, V.SPEC.default_seed))
    assert sum(v for k, v in shipped.items() if k[0] == "particles") == 5 * 10_000
    assert sum(v for k, v in shipped.items() if k[0] == "mpi_off") == 5 * 2_000
    with pytest.raises(ValueError, match="one per class"):
        V.plan(3, 7)


def test_unlabelled_mixture_is_qcd_dominated():
    counts = U.process_counts(200_000)
    assert counts == {"qcd": 176_000, "w": 8_000, "z": 8_000, "t": 8_000}
    assert sum(U.process_counts(4321).values()) == 4321
    shards = U.plan(200_000, 1)
    assert sum(s.n_events for s in shards) == 200_000
    assert len({s.seed for s in shards}) == len(shards)
    with pytest.raises(ValueError, match="one per process"):
        U.plan(3, 1)


def test_small_runs_are_identical_whatever_the_workers(tmp_path):
    one = generate("jets_v2", 10, seed=5, workers=1, out=tmp_path / "one.root", progress=False)
    two = generate("jets_v2", 10, seed=5, workers=2, out=tmp_path / "two.root", progress=False)
    for tree in V.TREES:
        a = data.load("jets_v2", tree=tree, path=one)
        b = data.load("jets_v2", tree=tree, path=two)
        assert ak.to_list(a) == ak.to_list(b)
    un1 = generate(
        "jets_unlabelled", 8, seed=5, workers=1, out=tmp_path / "u1.root", progress=False
    )
    un2 = generate(
        "jets_unlabelled", 8, seed=5, workers=2, out=tmp_path / "u2.root", progress=False
    )
    a = data.load("jets_unlabelled", path=un1)
    assert ak.to_list(a) == ak.to_list(data.load("jets_unlabelled", path=un2))
    assert np.bincount(np.asarray(a.process), minlength=4).tolist() == [5, 1, 1, 1]


def test_shipped_v2_trees_are_consistent():
    main = data.load(
        "jets_v2",
        tree="particles",
        branches=["label", "j_pt", "j_eta", "j_multiplicity", "Part_pt"],
    )
    off = data.load("jets_v2", tree="mpi_off", branches=["label", "j_multiplicity", "Part_pt"])
    assert np.bincount(np.asarray(main.label)).tolist() == [10_000] * 5
    assert np.bincount(np.asarray(off.label)).tolist() == [2_000] * 5
    assert ak.max(ak.num(main.Part.pt)) <= J.N_CONSTITUENTS
    assert np.all(np.asarray(main.j_pt) > J.JET_PT_MIN_GEV)
    assert np.all(np.abs(np.asarray(main.j_eta)) < J.JET_ETA_MAX)
    # multi-parton interactions add soft particles to the jets of every class
    for c in range(5):
        on = np.asarray(main.j_multiplicity)[np.asarray(main.label) == c].mean()
        mpi_off = np.asarray(off.j_multiplicity)[np.asarray(off.label) == c].mean()
        assert on > mpi_off + 3, (c, on, mpi_off)


def test_shipped_unlabelled_sample_is_the_mixture():
    jets = data.load("jets_unlabelled", branches=["process", "label", "Part_pt"])
    counts = np.bincount(np.asarray(jets.process), minlength=4)
    assert counts.tolist() == list(U.process_counts(U.SPEC.default_events).values())
    label = np.asarray(jets.label)
    assert label.min() >= -1 and label.max() <= 4
    # QCD jets are mostly matched to a gluon or a light quark, rarely to a b (label -1)
    qcd = label[np.asarray(jets.process) == 0]
    assert 0.7 < np.isin(qcd, (0, 1)).mean() < 1.0
