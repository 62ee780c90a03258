"""Loading the shipped data, and every error path of the loader."""

from __future__ import annotations

import awkward as ak
import pytest

from hepml_course import data
from hepml_course.data.errors import (
    ChecksumMismatchError,
    CorruptDatasetError,
    DatasetMissingError,
    SchemaError,
    UnknownDatasetError,
)
from hepml_course.data.rootio import sidecar_path


def test_shipped_dimuon_loads_with_zipped_collections():
    events = data.load("dimuon")
    assert len(events) == data.get("dimuon").default_events
    assert set(events.fields) >= {"Muon", "GenMuon", "Jet", "weight", "process"}
    assert set(events.Muon.fields) == {"pt", "eta", "phi", "charge", "iso"}


def test_branch_subset_and_entry_range():
    events = data.load("dimuon", branches=["Muon_pt", "weight"], entry_stop=10)
    assert len(events) == 10
    assert events.fields == ["weight", "Muon"]


def test_unknown_dataset_lists_known_ones():
    with pytest.raises(UnknownDatasetError, match=r"known datasets: .*dimuon"):
        data.load("no-such-dataset")


def test_wrong_branch_name_lists_available_ones():
    with pytest.raises(SchemaError, match=r"no branch\(es\) \['Muon_ptt'\].*Muon_pt"):
        data.load("dimuon", branches=["Muon_ptt"])


def test_wrong_tree_name():
    with pytest.raises(SchemaError, match="no tree 'nope'"):
        data.load("dimuon", tree="nope")


def test_missing_file_names_file_and_command(data_copy):
    data_copy.unlink()
    with pytest.raises(DatasetMissingError) as err:
        data.load("dimuon")
    assert str(data_copy) in str(err.value)
    assert "hepml-course data generate dimuon" in str(err.value)


def test_modified_file_fails_the_checksum(data_copy):
    raw = bytearray(data_copy.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data_copy.write_bytes(bytes(raw))
    with pytest.raises(ChecksumMismatchError, match="damaged or was modified"):
        data.load("dimuon")


def test_missing_checksum_record_is_an_error(data_copy):
    sidecar_path(data_copy).unlink()
    with pytest.raises(ChecksumMismatchError, match="no checksum record"):
        data.load("dimuon")


def test_corrupt_file_with_matching_checksum_is_reported_as_corrupt(data_copy):
    data_copy.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(CorruptDatasetError, match="not a readable ROOT file"):
        data.load("dimuon", verify_checksum=False)


def test_file_with_wrong_schema_names_missing_branches(tmp_path):
    import numpy as np
    import uproot

    path = tmp_path / "other.root"
    with uproot.recreate(path) as f:
        f["events"] = {"weight": np.ones(3)}
    with pytest.raises(SchemaError, match=r"lacks branch\(es\)"):
        data.load("dimuon", path=path, verify_checksum=False)


def test_file_without_the_tree(tmp_path):
    import numpy as np
    import uproot

    path = tmp_path / "other.root"
    with uproot.recreate(path) as f:
        f.mktree("something", {"x": "float64"}).extend({"x": np.ones(2)})
    with pytest.raises(SchemaError, match="has no tree 'events'"):
        data.load("dimuon", path=path, verify_checksum=False)


def test_registry_info_has_checksum_and_datacard():
    entry = data.info("dimuon")
    assert len(entry["sha256"]) == 64
    assert entry["entries"] == {"events": entry["default_events"]}
    assert entry["datacard"].endswith("dimuon.md")


def test_awkward_types_follow_the_schema():
    events = data.load("dimuon", entry_stop=5)
    assert str(ak.type(events.Muon.pt).content) == "var * float32"
    assert str(ak.type(events.process).content) == "int8"
