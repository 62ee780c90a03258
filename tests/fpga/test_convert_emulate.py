import numpy as np
import pytest

from hepml_course.fpga import convert, emulate
from tests.fpga.conftest import need


def test_compare_logits():
    ref = np.array([[1.0, 2.0], [3.0, 0.0], [0.5, 0.25]])
    got = ref.copy()
    got[2] = [0.0, 0.5]
    r = emulate.compare_logits(ref, got)
    assert r.n_jets == 3 and r.argmax_agreement == pytest.approx(2 / 3)
    assert r.exact_fraction == pytest.approx(4 / 6) and r.max_abs_diff == 0.5


def test_integer_bits():
    assert convert.integer_bits(0.9) == 2  # sign + 1
    assert convert.integer_bits(5.0) == 5  # sign + 4 (ceil(log2 5) + 1)
    assert convert.integer_bits(0.0) == 2


def test_settings_are_validated():
    with pytest.raises(ValueError, match="strategy"):
        convert.HLSSettings(strategy="Fast")
    with pytest.raises(ValueError, match="reuse_factor"):
        convert.HLSSettings(reuse_factor=0)


def test_config_fixes_softmax_and_sets_da_on_dense_only(small_q6):
    cfg = convert.hls_config(small_q6.model, convert.HLSSettings(strategy="distributed_arithmetic"))
    assert cfg["Model"]["Strategy"] == "Latency"
    layers = cfg["LayerName"]
    assert layers["softmax"]["TableSize"] == 4096
    assert layers["softmax"]["Precision"]["exp_table"].startswith("ap_fixed<24")
    assert all(layers[n]["Strategy"] == "distributed_arithmetic" for n in ("fc1", "logits"))
    assert "Strategy" not in layers["relu1"]


def test_float_config_needs_profiling_data(toy_data):
    from hepml_course.fpga.models import TaggerSpec, build_tagger

    model = build_tagger(TaggerSpec(bits=None, hidden=(4, 4, 4)))
    with pytest.raises(ValueError, match="x_profile"):
        convert.hls_config(model)
    x = np.random.default_rng(0).normal(0, 3, size=(100, 16)).astype(np.float32)
    cfg = convert.hls_config(model, x_profile=x)
    assert cfg["LayerName"]["fc1"]["Precision"]["result"].startswith("ap_fixed<16,")


def test_qkeras_emulation_is_bit_exact(small_q6, toy_data, tmp_path):
    need("g++")
    x = small_q6.scaler.transform(toy_data[2][:1000])
    cfg = convert.enable_trace(convert.hls_config(small_q6.model))
    hls_model = convert.convert(small_q6.model, tmp_path / "hls", cfg=cfg, compile_model=False)
    report = emulate.bit_accuracy(small_q6.model, hls_model, x)
    assert report.argmax_agreement >= 0.995
    assert report.exact_fraction == 1.0 and report.max_abs_diff == 0.0
    for layer in ("fc1", "relu1", "fc2", "relu2", "fc3", "relu3", "logits"):
        assert report.per_layer_max_abs_diff[layer] == 0.0, layer
    assert report.softmax_argmax_agreement >= 0.99
    assert "emulated_logits" not in report.as_dict()


@pytest.mark.slow
def test_distributed_arithmetic_emulation_is_bit_exact(small_q6, toy_data, tmp_path):
    need("g++")
    x = small_q6.scaler.transform(toy_data[2][:500])
    settings = convert.HLSSettings(strategy="distributed_arithmetic")
    cfg = convert.enable_trace(convert.hls_config(small_q6.model, settings))
    hls_model = convert.convert(
        small_q6.model, tmp_path / "hls_da", settings, cfg=cfg, compile_model=False
    )
    report = emulate.bit_accuracy(small_q6.model, hls_model, x)
    assert report.exact_fraction == 1.0 and report.argmax_agreement == 1.0
