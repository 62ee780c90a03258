import numpy as np
import pytest

from hepml_course.fpga import rtl
from hepml_course.fpga.models import TaggerSpec, build_tagger, predict_logits
from tests.fpga.conftest import need


def test_traced_design_reproduces_qkeras_exactly(small_q6, toy_data):
    x = small_q6.scaler.transform(toy_data[2][:1000])
    design = rtl.trace_model(small_q6.model)
    assert design.output_layer == "logits" and design.estimated_luts > 0
    ref = predict_logits(small_q6.model, x)
    assert rtl.count_mismatches(ref, design.predict(x), rtl.output_lsb(design)) == 0


def test_half_even_rounding_matters():
    """Ties in quantized_relu round to even: a half-up tracer would disagree on these."""
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace

    inp = FixedVariableArray.from_kif(np.ones(1), np.full(1, 2), np.full(1, 4), HWConfig(1, -1, -1))
    out = rtl._quantized_relu(inp, bits=3, integer=1)  # step 1/4, max 1.75
    sol = comb_trace(inp, out)
    x = np.array([[0.125], [0.375], [0.625], [-0.5], [3.0], [0.3125]])
    expected = np.array([[0.0], [0.5], [0.5], [0.0], [1.75], [0.25]])
    np.testing.assert_array_equal(np.asarray(sol.predict(x)), expected)
    from qkeras import quantized_relu

    qkeras_out = np.asarray(quantized_relu(3, 1)(x.astype(np.float32)))
    np.testing.assert_array_equal(qkeras_out, expected)


def test_unsupported_models_are_refused():
    with pytest.raises(ValueError, match="cannot be traced"):
        rtl.trace_model(build_tagger(TaggerSpec(bits=None, hidden=(4, 4, 4))))


def test_verilator_simulation_matches_qkeras(small_q6, toy_data, tmp_path):
    need("verilator")
    x = small_q6.scaler.transform(toy_data[2][:500])
    design = rtl.trace_model(small_q6.model)
    project = rtl.write_verilog(design, tmp_path / "rtl", pipeline_delay=6)
    assert project.latency_cycles >= 1
    assert any(p.name.endswith(".v") for p in project.sources())
    ref = predict_logits(small_q6.model, x)
    assert rtl.count_mismatches(ref, project.simulate(x), rtl.output_lsb(design)) == 0
