"""Dataset module ``jets``: shard plan, truth labelling, precision, and the shipped sample."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import data
from hepml_course.data.datasets import jets as J


def test_plan_is_balanced_and_seeded():
    shards = J.plan(5000, 7)
    main = [s for s in shards if s.params["mpi"] == J.MAIN_MPI]
    other = [s for s in shards if s.params["mpi"] != J.MAIN_MPI]
    per_proc = {}
    for s in main:
        per_proc[s.params["process"]] = per_proc.get(s.params["process"], 0) + s.n_events
    assert per_proc == {"qcd": 2000, "w": 1000, "z": 1000, "t": 1000}
    assert sum(s.n_events for s in other) == 5 * round(1000 * J.OTHER_MPI_FRACTION)
    # the shipped size gives 2 000 MPI-on jets per class (enough to train a tagger on them)
    shipped = J.plan(J.SPEC.default_events, J.SPEC.default_seed)
    assert sum(s.n_events for s in shipped if s.params["mpi"] != J.MAIN_MPI) == 5 * 2000
    assert len({s.seed for s in shards}) == len(shards)
    assert [s.index for s in shards] == list(range(len(shards)))
    assert J.plan(5000, 7) == shards
    with pytest.raises(ValueError, match="one per class"):
        J.plan(3, 7)


def test_mpi_on_size_leaves_the_main_shards_alone(monkeypatch):
    # the MPI-off shards come first: resizing tree mpi_on (version 1 → 2) keeps jets/particles
    def main(shards):
        return [s for s in shards if s.params["mpi"] == J.MAIN_MPI]

    now = J.plan(J.SPEC.default_events, J.SPEC.default_seed)
    monkeypatch.setattr(J, "OTHER_MPI_FRACTION", 0.125)
    version1 = J.plan(J.SPEC.default_events, J.SPEC.default_seed)
    assert len(now) > len(version1)
    assert main(now) == main(version1)


def test_truth_labels():
    truth = {
        "eta": np.array([0.0, 1.5]),
        "phi": np.array([0.0, 3.0]),
        "off": np.array([0, 2]),
        "id": np.array([21, 2]),
    }
    assert J._label_jet(truth, 0, 0.1, 0.1, "qcd") == J.CLASS_NAMES.index("g")
    assert J._label_jet(truth, 0, 1.5, -3.1, "qcd") == J.CLASS_NAMES.index("q")  # φ wraps
    assert J._label_jet(truth, 0, -1.0, 1.0, "qcd") == -1
    res = {
        "eta": np.array([0.0]),
        "phi": np.array([0.0]),
        "off": np.array([0, 1]),
        "q_eta": np.array([0.2, -0.2, 0.5]),
        "q_phi": np.array([0.1, 0.0, 0.0]),
        "q_off": np.array([0, 3]),
    }
    assert J._label_jet(res, 0, 0.0, 0.0, "t") == J.CLASS_NAMES.index("t")
    res["q_eta"] = np.array([0.2, -0.2, 1.5])  # b quark outside the jet: not contained
    assert J._label_jet(res, 0, 0.0, 0.0, "t") == -1
    assert J._label_jet(res, 0, 0.0, 0.0, "w") == J.CLASS_NAMES.index("w")


def test_mantissa_rounding_keeps_relative_precision():
    x = np.random.default_rng(0).lognormal(3, 2, 10_000).astype(np.float32)
    r = J._round_mantissa(x)
    assert np.max(np.abs(r / x - 1)) <= 2.0 ** -(J.KEPT_MANTISSA_BITS + 1)
    assert np.all((r.view(np.uint32) & ((1 << (23 - J.KEPT_MANTISSA_BITS)) - 1)) == 0)


def test_shipped_trees_are_consistent():
    spec = J.SPEC
    jets = data.load("jets", branches=["label", "j_pt", "j_eta", "j_multiplicity"])
    parts = data.load("jets", tree="particles", branches=["label", "j_pt", "Part_pt"])
    other = data.load("jets", tree="mpi_on", branches=["label", "j_multiplicity"])
    per_class = spec.default_events // 5
    assert np.bincount(np.asarray(jets.label)).tolist() == [per_class] * 5
    per_class_other = round(per_class * J.OTHER_MPI_FRACTION)
    assert np.bincount(np.asarray(other.label)).tolist() == [per_class_other] * 5
    assert len(parts) == len(jets) // J.PARTICLE_EVERY
    n = np.asarray(data.load("jets", tree="particles", branches=["Part_pt"]).Part.pt.layout.offsets)
    assert np.diff(n).max() <= J.N_CONSTITUENTS
    assert np.all(np.asarray(jets.j_pt) > J.JET_PT_MIN_GEV)
    assert np.all(np.abs(np.asarray(jets.j_eta)) < J.JET_ETA_MAX)
    # multi-parton interactions add soft particles to every jet
    for c in range(5):
        main = np.asarray(jets.j_multiplicity)[np.asarray(jets.label) == c].mean()
        mpi = np.asarray(other.j_multiplicity)[np.asarray(other.label) == c].mean()
        assert (mpi > main) == (not J.MAIN_MPI)


@pytest.mark.slow
def test_one_w_shard_from_pythia():
    from hepml_course.data.spec import Shard

    out = J.run_shard(Shard("jets", 0, 40, 11, {"process": "w", "mpi": J.MAIN_MPI}))
    cols = out["jets"]
    assert np.all(cols["label"] == J.CLASS_NAMES.index("w"))
    assert 70 < np.median(cols["j_mass_mmdt"]) < 90
    assert len(out["mpi_on"]["label"]) == 0
