import numpy as np
import pytest

from hepml_course.fpga import convert, emulate
from tests.fpga.conftest import need


def test_compare_logits_counts_identical_values_not_argmax():
    ref = np.array([[1.0, 2.0], [3.0, 0.0], [0.5, 0.25]])
    got = ref.copy()
    got[2] = [0.0, 0.5]
    got[0, 0] = 1.0 + 2.0**-20  # same arg-max, not bit-exact
    r = emulate.compare_logits(ref, got)
    assert r.n_jets == 3 and r.argmax_agreement == pytest.approx(2 / 3)
    assert r.bit_exact == pytest.approx(3 / 6) and r.max_abs_diff == 0.5
    assert "emulated_logits" not in r.as_dict()


def test_integer_bits():
    assert convert.integer_bits(0.9) == 2  # sign + 1
    assert convert.integer_bits(5.0) == 5  # sign + 4 (ceil(log2 5) + 1)
    assert convert.integer_bits(0.0) == 2


def test_settings_are_validated():
    with pytest.raises(ValueError, match="strategy"):
        convert.HLSSettings(strategy="Fast")
    with pytest.raises(ValueError, match="reuse_factor"):
        convert.HLSSettings(reuse_factor=0)


def test_quantized_models_get_the_model_level_bit_exact_config(small_q6):
    cfg = convert.hls_config(small_q6.model_)
    assert cfg == {"Model": {"Precision": "ap_fixed<1,0>", "ReuseFactor": 1, "Strategy": "Latency"}}
    da = convert.hls_config(small_q6.model_, convert.HLSSettings(strategy="distributed_arithmetic"))
    assert da["Model"]["Strategy"] == "Latency"
    assert set(da["LayerName"]) == {"fc1", "fc2", "fc3", "logits"}


def test_float_config_needs_profiling_data(small_float, toy_data):
    with pytest.raises(ValueError, match="x_profile"):
        convert.hls_config(small_float.model_)
    x = small_float.scaler_.transform(toy_data[0][:500])
    cfg = convert.hls_config(small_float.model_, x_profile=x)
    assert cfg["LayerName"]["fc1"]["Precision"]["result"].startswith("ap_fixed<16,")


def test_qkeras_api_emulation_is_bit_exact(small_q6, toy_data, tmp_path):
    """hls4ml's C++ logits are identical to the Keras logits, value for value."""
    need("g++")
    x = small_q6.scaler_.transform(toy_data[2][:1000])
    hls_model = convert.convert(small_q6.model_, tmp_path / "hls")
    report = emulate.bit_accuracy(small_q6.model_, hls_model, x)
    assert report.bit_exact == 1.0 and report.max_abs_diff == 0.0
    assert report.argmax_agreement == 1.0
    np.testing.assert_array_equal(report.emulated_logits, small_q6.predict(toy_data[2][:1000]))


def test_float_emulation_is_close_but_not_bit_exact(small_float, toy_data, tmp_path):
    need("g++")
    x = small_float.scaler_.transform(toy_data[2][:1000])
    hls_model = convert.convert(small_float.model_, tmp_path / "hls", x_profile=x)
    report = emulate.bit_accuracy(small_float.model_, hls_model, x)
    assert report.argmax_agreement >= 0.99
    assert report.bit_exact < 0.5  # ap_fixed<16,I> rounding: honest, not bit-exact
    assert report.max_abs_diff < 0.05


@pytest.mark.slow
def test_distributed_arithmetic_emulation_is_bit_exact(small_q6, toy_data, tmp_path):
    need("g++")
    x = small_q6.scaler_.transform(toy_data[2][:500])
    settings = convert.HLSSettings(strategy="distributed_arithmetic")
    hls_model = convert.convert(small_q6.model_, tmp_path / "hls_da", settings)
    report = emulate.bit_accuracy(small_q6.model_, hls_model, x)
    assert report.bit_exact == 1.0
