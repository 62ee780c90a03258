"""The hepml-course command line."""

from __future__ import annotations

import json

from hepml_course.cli import main


def test_data_list(capsys):
    assert main(["data", "list"]) == 0
    assert "dimuon" in capsys.readouterr().out


def test_data_info_prints_json(capsys):
    assert main(["data", "info", "dimuon"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["name"] == "dimuon"


def test_unknown_dataset_is_a_clean_error(capsys):
    assert main(["data", "generate", "nope", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "unknown dataset 'nope'" in err
    assert "Traceback" not in err


def test_verify_shipped(capsys):
    assert main(["data", "verify", "dimuon"]) == 0
    assert "OK" in capsys.readouterr().out


def test_generate_to_custom_path_writes_file_and_sidecar(tmp_path, capsys):
    out = tmp_path / "small.root"
    assert (
        main(
            [
                "data",
                "generate",
                "dimuon",
                "--events",
                "30",
                "--seed",
                "5",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert out.exists()
    assert (tmp_path / "small.root.json").exists()
