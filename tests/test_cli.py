"""The hepml-course command line."""

from __future__ import annotations

import json

import numpy as np

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


# --- fpga -------------------------------------------------------------------
def test_fpga_reports_a_missing_model(tmp_path, capsys):
    assert main(["fpga", str(tmp_path / "nope.keras"), "--out", str(tmp_path / "o")]) == 2
    assert "no model" in capsys.readouterr().err


def _fpga_keras_file(tmp_path):
    """A tiny float network with its own layer names, saved as a bare .keras file."""
    from hepml_course.nn import import_keras

    keras = import_keras()
    inp = keras.Input((16,))
    x = keras.layers.Dense(4, activation="relu", name="hidden_a")(inp)
    out = keras.layers.Dense(5, name="scores")(x)
    path = tmp_path / "net.keras"
    keras.Model(inp, out).save(path)
    return path


def test_fpga_never_refits_a_missing_scaler(tmp_path, capsys):
    path = _fpga_keras_file(tmp_path)
    assert main(["fpga", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--scaler FILE" in err and "never refitted" in err
    assert not (tmp_path / "o").exists()


def test_fpga_deploys_a_keras_file_with_any_layer_names(tmp_path, capsys):
    from hepml_course.fpga.preprocess import InputScaler
    from hepml_course.fpga.tools import which

    if which("g++") is None:
        import pytest

        pytest.skip("g++ is not installed")
    path = _fpga_keras_file(tmp_path)
    InputScaler(np.zeros(16), np.ones(16)).save(tmp_path / "scaler.json")
    argv = [
        "fpga",
        str(path),
        "--scaler",
        str(tmp_path / "scaler.json"),
        "--out",
        str(tmp_path / "o"),
        "--jets",
        "200",
        "--no-synth",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["model"] == "net" and report["source"] is None
    assert 0.0 <= report["emulation_bit_exact"] < 1.0  # a float network is not bit-exact
    assert (tmp_path / "o" / "deployment.json").is_file()


def test_fpga_passes_latency_cutoff_and_clock_to_the_rtl(tmp_path, capsys):
    from hepml_course.fpga.taggers import JetTagger
    from hepml_course.fpga.tools import which
    from tests.fpga.toy import toy_jets

    if which("g++") is None:
        import pytest

        pytest.skip("g++ is not installed")
    x, y = toy_jets(600, seed=2)
    JetTagger(bits=4, hidden=(4, 4), epochs=1).fit(x, y).save(tmp_path / "q4")
    argv = [
        "fpga",
        str(tmp_path / "q4"),
        "--out",
        str(tmp_path / "o"),
        "--jets",
        "200",
        "--no-synth",
        "--no-verilator",
        "--latency-cutoff",
        "2",
        "--clock-ns",
        "4",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["model"] == "q4" and report["emulation_bit_exact"] == 1.0
    assert report["extra"]["latency_cutoff"] == 2.0 and report["clock_ns"] == 4.0
    assert report["latency_cycles"] >= 1


def test_fpga_refuses_a_model_file_with_embedded_code(tmp_path, capsys):
    from hepml_course.fpga.preprocess import InputScaler
    from hepml_course.nn import import_keras

    keras = import_keras()
    marker = tmp_path / "marker"
    payload = eval(f"lambda x: (open({str(marker)!r}, 'w').write('ran'), x)[1]")
    inp = keras.Input((16,))
    out = keras.layers.Dense(5)(keras.layers.Lambda(payload)(inp))
    path = tmp_path / "trojan.keras"
    keras.Model(inp, out).save(path)
    marker.unlink(missing_ok=True)
    InputScaler(np.zeros(16), np.ones(16)).save(tmp_path / "scaler.json")
    argv = [
        "fpga",
        str(path),
        "--scaler",
        str(tmp_path / "scaler.json"),
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(path) in err and "--allow-unsafe" in err
    assert "Traceback" not in err
    assert not marker.exists()
