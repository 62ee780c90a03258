"""Reading foreign ROOT files (TTree and RNTuple) with ``data.open_file``."""

from __future__ import annotations

import shutil
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot

from hepml_course import data
from hepml_course.data.errors import CorruptDatasetError, DatasetMissingError, SchemaError

CMS = Path("/work/shared/data/cms-open-data")
RNTUPLE_2012 = "Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root"


@pytest.fixture
def nano_rntuple(tmp_path):
    """A NanoAOD-style RNTuple ``Events`` with an unsorted muon collection."""
    path = tmp_path / "nano.root"
    with uproot.recreate(path) as f:
        f["Events"] = {
            "nMuon": np.array([2, 1, 0], dtype=np.int32),
            "Muon_pt": ak.Array([[10.0, 40.0], [25.0], []]),
            "Muon_eta": ak.Array([[0.1, -1.2], [2.0], []]),
            "run": np.array([1, 1, 2], dtype=np.int32),
        }
    return path


@pytest.fixture
def pair_ttree(tmp_path):
    path = tmp_path / "pairs.root"
    with uproot.recreate(path) as f:
        f.mktree("events", {"pt1": "float64", "pt2": "float64", "Run": "int32"}).extend(
            {"pt1": np.array([30.0, 45.0]), "pt2": np.array([20.0, 41.0]), "Run": np.array([1, 2])}
        )
    return path


def test_rntuple_collections_are_zipped(nano_rntuple):
    assert data.list_trees(nano_rntuple) == {"Events": "ROOT::RNTuple"}
    events = data.open_file(nano_rntuple)
    assert sorted(events.fields) == ["Muon", "run"]
    assert ak.to_list(events.Muon.pt) == [[10.0, 40.0], [25.0], []]
    assert sorted(events.Muon.fields) == ["eta", "pt"]


def test_rename_maps_and_selects_fields(nano_rntuple):
    muons = data.open_file(nano_rntuple, tree="Events", rename={"Muon_pt": "pt", "run": "r"})
    assert muons.fields == ["pt", "r"]
    assert ak.to_list(muons.r) == [1, 1, 2]


def test_ttree_branches_and_entry_range(pair_ttree):
    pairs = data.open_file(pair_ttree, branches=["pt1", "Run"], entry_stop=1)
    assert pairs.fields == ["pt1", "Run"] and len(pairs) == 1


def test_errors_list_trees_and_branches(nano_rntuple, tmp_path):
    with pytest.raises(SchemaError, match=r"no tree 'events'; it has \['Events'\]"):
        data.open_file(nano_rntuple, tree="events")
    with pytest.raises(SchemaError, match=r"no branch\(es\) \['Muon_ptt'\].*Muon_pt"):
        data.open_file(nano_rntuple, rename={"Muon_ptt": "pt"})
    with pytest.raises(ValueError, match="same field name"):
        data.open_file(nano_rntuple, rename={"Muon_pt": "x", "Muon_eta": "x"})
    with pytest.raises(DatasetMissingError, match="does not exist"):
        data.open_file(tmp_path / "none.root")
    with pytest.raises(CorruptDatasetError, match="is a folder"):
        data.open_file(tmp_path)
    garbage = tmp_path / "garbage.root"
    garbage.write_bytes(b"garbage" * 100)
    with pytest.raises(CorruptDatasetError, match="not a readable ROOT file"):
        data.open_file(garbage)


def test_several_trees_need_a_choice(tmp_path):
    path = tmp_path / "two.root"
    with uproot.recreate(path) as f:
        for name in ("a", "b"):
            f.mktree(name, {"x": "float64"}).extend({"x": np.ones(2)})
    with pytest.raises(SchemaError, match=r"several trees \['a', 'b'\]"):
        data.open_file(path)
    assert len(data.open_file(path, tree="b")) == 2


@pytest.mark.skipif(not CMS.is_dir(), reason=f"the CMS Open Data files are not at {CMS}")
def test_real_cms_files_open(tmp_path):
    for name in (RNTUPLE_2012, "uproot-Zmumu.root"):
        shutil.copy(CMS / name, tmp_path / name)
    muons = data.open_file(tmp_path / RNTUPLE_2012)
    assert len(muons) == 1000 and "pt" in muons.Muon.fields
    pairs = data.open_file(tmp_path / "uproot-Zmumu.root", branches=["Run", "Event", "M"])
    assert len(pairs) == 2304
