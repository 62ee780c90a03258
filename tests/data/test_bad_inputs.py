"""Every bad input of the loader gives a clear error naming the file and the fix (issue 21)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil

import numpy as np
import pytest
import uproot

from hepml_course import data
from hepml_course.cli import main
from hepml_course.data import registry
from hepml_course.data.errors import (
    CorruptDatasetError,
    NotACourseFileError,
    RecordError,
    SchemaError,
)
from hepml_course.data.rootio import describe_file, sidecar_path, write_json_atomic, write_trees


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rewritten(tmp_path, retype: dict[str, str], n: int = 50):
    """The first ``n`` dimuon events rewritten with other dtypes, with a matching record."""
    spec = registry.get("dimuon")
    branches = [
        dataclasses.replace(b, dtype=retype.get(b.name, b.dtype)) for b in spec.trees["events"]
    ]
    src = uproot.open(registry.shipped_path("dimuon"))["events"]
    arrays = src.arrays([b.name for b in branches], entry_stop=n)
    chunk = {"events": {b.name: arrays[b.name] for b in branches}}
    path = tmp_path / "retyped.root"
    write_trees(path, {"events": branches}, [chunk])
    write_json_atomic(sidecar_path(path), describe_file(path, dataset="dimuon", n_events=n))
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("", "is empty"),
        ("   \n", "is empty"),
        ('["sha256", "abc"]', "is a JSON list"),
        ('{"sha256": 12345}', "'sha256' must be 64"),
        ('{"sha256": "abc"}', "'sha256' must be 64"),
        ('{"sha256": "' + "0" * 64 + '", "n_events": "many"}', "'n_events' must be"),
        ("\xff\xfe binary", "not valid JSON"),
    ],
)
def test_damaged_record_names_the_record_and_the_fix(data_copy, content, expected):
    sidecar_path(data_copy).write_text(content, encoding="latin-1")
    with pytest.raises(RecordError, match=expected) as err:
        data.load("dimuon")
    message = str(err.value)
    assert str(sidecar_path(data_copy)) in message
    assert "git checkout" in message and "hepml-course data generate dimuon" in message


def test_record_without_sha256(data_copy):
    sidecar_path(data_copy).write_text('{"dataset": "dimuon"}')
    with pytest.raises(RecordError, match="no 'sha256' field"):
        data.load("dimuon")


def test_folder_instead_of_record_or_file(data_copy):
    side = sidecar_path(data_copy)
    side.unlink()
    side.mkdir()
    with pytest.raises(RecordError, match="is a folder"):
        data.load("dimuon")
    side.rmdir()
    data_copy.unlink()
    data_copy.mkdir()
    with pytest.raises(CorruptDatasetError, match=f"{data_copy} is a folder"):
        data.load("dimuon")
    with pytest.raises(CorruptDatasetError, match="is a folder"):
        data.load("dimuon", verify_checksum=False)


def test_cli_reports_record_and_folder_errors_in_one_line(data_copy, capsys):
    sidecar_path(data_copy).write_text("{not json")
    assert main(["data", "verify", "dimuon"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert str(sidecar_path(data_copy)) in err and "Traceback" not in err
    sidecar_path(data_copy).unlink()
    sidecar_path(data_copy).mkdir()
    assert main(["data", "info", "dimuon"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "is a folder" in err


def test_branch_dtype_is_checked_against_the_spec(tmp_path):
    path = _rewritten(tmp_path, {"Muon_pt": "int16", "weight": "int32"})
    with pytest.raises(SchemaError, match=r"Muon_pt: var \* int16 \(expected var \* float32\)"):
        data.load("dimuon", path=path)
    with pytest.raises(SchemaError, match="weight: int32"):
        data.load("dimuon", path=path, verify_checksum=False)


def test_branch_shape_is_checked_against_the_spec(tmp_path):
    path = tmp_path / "shapes.root"
    spec = registry.get("dimuon")
    arrays = uproot.open(registry.shipped_path("dimuon"))["events"].arrays(entry_stop=5)
    payload = {k: arrays[k] for k in arrays.fields}
    payload["weight"] = np.ones((5, 2), dtype=np.float32)  # per-entry vector, not a scalar
    with uproot.recreate(path) as f:
        f["events"] = payload
    assert {b.name for b in spec.trees["events"]} <= set(uproot.open(path)["events"].keys())
    with pytest.raises(SchemaError, match=r"weight: 2 \* float32 \(expected float64\)"):
        data.load("dimuon", path=path, verify_checksum=False)


def test_unchecked_damaged_file_gives_clear_errors(tmp_path):
    path = _rewritten(tmp_path, {})
    raw = bytearray(path.read_bytes())
    for start in (len(raw) // 3, len(raw) // 2):
        damaged = bytearray(raw)
        damaged[start : start + 400] = bytes(400)
        path.write_bytes(bytes(damaged))
        try:
            data.load("dimuon", path=path, verify_checksum=False)
        except (CorruptDatasetError, SchemaError) as err:
            assert str(path) in str(err)


def test_collections_that_do_not_line_up_are_reported(tmp_path):
    arrays = uproot.open(registry.shipped_path("dimuon"))["events"].arrays(entry_stop=20)
    path = tmp_path / "misaligned.root"
    columns = {k: arrays[k] for k in arrays.fields}
    columns["Muon_eta"] = columns["Muon_eta"][::-1]  # other counts per event
    with uproot.recreate(path) as f:
        f.mktree("events", {k: v.type.content for k, v in columns.items()}).extend(columns)
    with pytest.raises(CorruptDatasetError, match="do not line up"):
        data.load("dimuon", path=path, verify_checksum=False)


# --- a file that is not a course dataset --------------------------------------
@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "real.root"
    with uproot.recreate(path) as f:
        f.mktree("Events", {"Muon_pt": "var * float32", "run": "int32"}).extend(
            {"Muon_pt": [[30.0, 20.0], [41.0]], "run": np.array([1, 2], dtype=np.int32)}
        )
    return path


def test_foreign_file_points_to_open_file_and_is_never_overwritten(foreign, capsys):
    before = _sha(foreign)
    with pytest.raises(NotACourseFileError) as err:
        data.load("dimuon", path=foreign)
    message = str(err.value)
    assert "not a course dataset" in message and "open_file" in message
    assert "generate" not in message.replace("hepml-course data generate`", "")
    assert "--out" not in message
    with pytest.raises(SchemaError, match="open_file") as err:
        data.load("dimuon", path=foreign, tree="Events")
    with pytest.raises(SchemaError, match="open_file") as err:
        data.load("dimuon", path=foreign, verify_checksum=False)
    assert "--out" not in str(err.value)
    assert main(["data", "generate", "dimuon", "--events", "10", "--out", str(foreign)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert _sha(foreign) == before


def test_file_of_another_dataset_is_named(tmp_path):
    src = registry.shipped_path("dimuon")
    path = tmp_path / "x.root"
    shutil.copy(src, path)
    record = json.loads(sidecar_path(src).read_text())
    sidecar_path(path).write_text(json.dumps({**record, "dataset": "jets"}))
    with pytest.raises(NotACourseFileError, match="is a course 'jets' file"):
        data.load("dimuon", path=path)
