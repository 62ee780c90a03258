import json

import numpy as np
import pytest

from hepml_course.fpga import vendor
from hepml_course.fpga.pipeline import Deployable, deploy, load_deployable
from hepml_course.fpga.report import BENCH_KEYS, table
from tests.fpga.conftest import need


def test_saved_tagger_folder_carries_its_scaler(small_q6, tmp_path):
    small_q6.save(tmp_path / "q6")
    target = load_deployable(tmp_path / "q6")
    assert target.name == "q6_p50"
    np.testing.assert_array_equal(target.scaler.mean, small_q6.scaler_.mean)


def test_bare_keras_file_needs_an_explicit_scaler(small_q6, tmp_path):
    path = tmp_path / "net.keras"
    small_q6.model_.save(path)
    with pytest.raises(ValueError, match="--scaler FILE"):
        load_deployable(path)
    small_q6.scaler_.save(tmp_path / "scaler.json")
    target = load_deployable(path, scaler=tmp_path / "scaler.json")
    x = small_q6.scaler_.transform(np.zeros((3, 16)) + small_q6.scaler_.mean)
    np.testing.assert_array_equal(
        target.model.predict(x, verbose=0), small_q6.model_.predict(x, verbose=0)
    )


def test_scaler_file_of_the_wrong_length_is_refused(small_q6, tmp_path):
    path = tmp_path / "net.keras"
    small_q6.model_.save(path)
    (tmp_path / "s.json").write_text(json.dumps({"mean": [0.0, 1.0], "scale": [1.0, 1.0]}))
    with pytest.raises(ValueError, match="scaler has 2 features, the model takes 16"):
        load_deployable(path, scaler=tmp_path / "s.json")
    (tmp_path / "bad.json").write_text(json.dumps({"mean": [0.0]}))
    with pytest.raises(ValueError, match='"mean" and "scale"'):
        load_deployable(path, scaler=tmp_path / "bad.json")


def test_unsupported_layer_is_refused_by_name(tmp_path):
    from hepml_course.fpga.preprocess import InputScaler
    from hepml_course.nn import import_keras

    keras = import_keras()
    inp = keras.Input((16,))
    x = keras.layers.Dense(8, name="ok")(inp)
    x = keras.layers.LayerNormalization(name="my_norm")(x)
    keras.Model(inp, keras.layers.Dense(5, name="out")(x)).save(tmp_path / "n.keras")
    InputScaler(np.zeros(16), np.ones(16)).save(tmp_path / "s.json")
    with pytest.raises(ValueError, match="'my_norm' of type LayerNormalization"):
        load_deployable(tmp_path / "n.keras", scaler=tmp_path / "s.json")


def test_deploy_without_vendor_tools_is_bit_exact_and_honest(
    small_q6, small_float, toy_data, tmp_path
):
    need("g++")
    _, _, x_test, y_test = toy_data
    no_vendor = vendor.detect_vendor_tools({"PATH": str(tmp_path)})
    result = deploy(
        small_q6,
        x_test,
        y_test,
        tmp_path / "q",
        n_emulate=500,
        vendor_tools=no_vendor,
        simulate=False,
        synthesize=False,
        latency_cutoff=3,
    )
    row = result.row
    assert set(row.bench()) == set(BENCH_KEYS)
    assert row.emulation_bit_exact == 1.0 and row.emulation_agreement == 1.0
    assert row.extra["da4ml_interpreter_bit_exact"] == 1.0
    assert row.extra["latency_cutoff"] == 3.0 and row.latency_cycles >= 1
    assert any("No vendor HLS tools found" in n for n in result.notes)
    assert json.loads((tmp_path / "q" / "deployment.json").read_text())["row"]["name"] == "q6_p50"
    flt = deploy(
        Deployable(small_float.model_, small_float.scaler_, "float"),
        x_test,
        y_test,
        tmp_path / "f",
        n_emulate=500,
        vendor_tools=no_vendor,
    )
    assert flt.row.lut is None and flt.row.note == "needs Vitis HLS"
    assert flt.row.emulation_bit_exact < 1.0 <= flt.row.emulation_agreement + 0.01
    rows = table([row, flt.row])
    assert rows[1]["LUT"] is None and rows[1]["source"] == "needs Vitis HLS"
    assert rows[-1]["model"].startswith("tutorial_") and rows[-1]["source"] == "Vitis HLS"


def test_clock_sets_the_pipelining(small_q6, toy_data, tmp_path):
    need("g++")
    _, _, x_test, y_test = toy_data
    no_vendor = vendor.detect_vendor_tools({"PATH": str(tmp_path)})
    from hepml_course.fpga.convert import HLSSettings

    cycles = {}
    for clock in (1.0, 20.0):
        out = deploy(
            small_q6,
            x_test[:200],
            y_test[:200],
            tmp_path / str(clock),
            n_emulate=100,
            settings=HLSSettings(clock_period_ns=clock),
            vendor_tools=no_vendor,
            simulate=False,
            synthesize=False,
        )
        cycles[clock] = out.row.latency_cycles
        assert out.row.clock_ns == clock
    assert cycles[1.0] > cycles[20.0]


@pytest.mark.slow
def test_verilator_and_yosys_on_the_small_tagger(small_q6, toy_data, tmp_path):
    need("g++")
    need("verilator")
    need("yosys")
    _, _, x_test, y_test = toy_data
    no_vendor = vendor.detect_vendor_tools({"PATH": str(tmp_path)})
    result = deploy(
        small_q6, x_test, y_test, tmp_path / "out", n_emulate=300, vendor_tools=no_vendor
    )
    row = result.row
    assert result.rtl_bit_exact == 1.0 and row.emulation_bit_exact == 1.0
    assert row.source == "yosys" and row.lut > 0 and row.dsp == 0
    assert row.critical_path_ns is not None and row.critical_path_ns > 0
