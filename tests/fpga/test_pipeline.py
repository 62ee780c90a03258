import json

import pytest

from hepml_course.fpga import vendor
from hepml_course.fpga.pipeline import deploy
from hepml_course.fpga.report import BENCH_KEYS, table
from tests.fpga.conftest import need


@pytest.mark.slow
def test_deploy_small_tagger_without_vendor_tools(small_q6, toy_data, tmp_path):
    need("g++")
    need("verilator")
    need("yosys")
    _, _, x_test, y_test = toy_data
    no_vendor = vendor.detect_vendor_tools({"PATH": str(tmp_path)})
    result = deploy(
        small_q6, x_test, y_test, tmp_path / "out", n_emulate=500, vendor_tools=no_vendor
    )
    row = result.row
    assert set(row.bench()) == set(BENCH_KEYS)
    assert row.emulation_agreement >= 0.995
    assert result.rtl_mismatches == 0 and result.rtl_vs_hls_mismatches == 0
    assert row.source == "yosys" and row.lut > 0 and row.dsp == 0
    assert row.latency_cycles is not None and row.clock_ns == 5.0
    assert any("No vendor HLS tools found" in n for n in result.notes)
    saved = json.loads((tmp_path / "out" / "deployment.json").read_text())
    assert saved["row"]["name"] == "q6_p50"
    rows = table([row])
    assert rows[0]["source"] == "yosys" and "hls4ml tutorial" in rows[-1]["source"]


def test_cli_reports_a_missing_model(tmp_path, capsys):
    from hepml_course.cli import main

    assert main(["fpga", str(tmp_path / "nope.h5"), "--out", str(tmp_path / "o")]) == 2
    assert "no model" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_on_a_saved_tagger(small_q6, tmp_path):
    from hepml_course.cli import main
    from hepml_course.fpga.models import save_tagger

    pytest.importorskip("hepml_course.classification.jets")
    path = save_tagger(small_q6, tmp_path / "q6.h5")
    assert main(["fpga", str(path), "--out", str(tmp_path / "o"), "--no-synth"]) == 0
