"""The l1 dataset module: plan, process table and one small Pythia shard per kind."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.data.datasets import l1
from hepml_course.data.spec import Shard


def test_plan_covers_every_process_with_its_share():
    shards = l1.plan(10_000, seed=5)
    assert sum(s.n_events for s in shards) == 10_000
    per_process = {}
    for s in shards:
        per_process[s.params["process"]] = per_process.get(s.params["process"], 0) + s.n_events
    assert set(per_process) == set(l1.PROCESSES)
    assert per_process["minbias"] == 2500
    assert len({s.seed for s in shards}) == len(shards)
    assert [s.index for s in shards] == list(range(len(shards)))


def test_process_table():
    assert l1.SIGNALS == ("A_4l", "LQ_btau", "h0_tautau", "Hpm_taunu")
    assert len(set(l1.PROCESS_NAMES)) == len(l1.PROCESSES)
    assert sum(c["fraction"] for c in l1.PROCESSES.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("process", ["minbias", "A_4l"])
def test_shard_output(process):
    pytest.importorskip("pythia8mc")
    shard = Shard("l1", 0, 40, 4242, {"process": process, "n_process": 40})
    events = l1.run_shard(shard)["events"]
    assert set(events) == set(l1.SPEC.branch_names("events"))
    n = len(events["weight"])
    assert events["Region_et"].shape == (n, 18, 14)
    assert np.all(events["weight"] > 0)
    assert np.all(ak.num(events["Jet_pt"]) <= 10) and np.all(ak.num(events["Muon_pt"]) <= 4)
    n_leptons = ak.num(events["Muon_pt"]) + ak.num(events["Egamma_pt"])
    if process == "minbias":
        assert n <= 40 and np.all(events["Gen_pTHat"] < l1.MB_PTHAT_MAX_GEV)
        assert np.mean(n_leptons) < 0.5
    else:
        assert n == 40 and np.mean(n_leptons) > 1.5  # A → ZZ* → 4ℓ
