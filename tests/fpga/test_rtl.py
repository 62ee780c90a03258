"""da4ml 0.6 RTL: bit-exact traces of QKeras-API and HGQ2 models, Verilog, Verilator."""

from __future__ import annotations

import os

import numpy as np
import pytest

from hepml_course.fpga import rtl
from hepml_course.fpga.preprocess import FixedPoint, InputScaler
from hepml_course.fpga.tools import which
from tests.fpga.toy import toy_jets


def _need(tool: str) -> None:
    if which(tool) is None:
        pytest.skip(f"{tool} is not installed")


@pytest.fixture(scope="module")
def jets():
    """Scaled toy jets on the ap_fixed<16,6> grid: (x_train, y_train, x_test)."""
    x, y = toy_jets(2500, seed=4)
    scaler = InputScaler.fit(x[:2000])
    return scaler.transform(x[:2000]), y[:2000], scaler.transform(x[2000:])


def _fit(model, x, y, epochs=2):
    from hepml_course.nn import import_keras, train

    keras = import_keras()
    softmax_head = model.layers[-1].name == "probabilities"
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=not softmax_head)
    train(
        model,
        x,
        y,
        loss=loss,
        seed=0,
        epochs=epochs,
        batch_size=64,
        learning_rate=3e-3,
        validation_fraction=0.0,
    )
    return model


def _qkeras_api_model(input_quantizer: bool, prefix: str = "fc"):
    """16 → 12 → 8 → 5 with 6-bit weights and quantized_relu(6), a softmax head."""
    from hepml_course.nn import import_keras

    keras = import_keras()
    from qkeras import quantized_bits, quantized_relu
    from qkeras.qlayers import QActivation, QDense

    inp = keras.Input((16,), name="x")
    h = inp
    if input_quantizer:
        h = QActivation(quantized_bits(16, 6, alpha=1), name="input_q")(h)
    for i, width in enumerate((12, 8)):
        h = QDense(
            width,
            kernel_quantizer=quantized_bits(6, 0, alpha=1),
            bias_quantizer=quantized_bits(6, 0, alpha=1),
            name=f"{prefix}{i}",
        )(h)
        h = QActivation(quantized_relu(6, 0), name=f"act{i}")(h)
    out = QDense(
        5,
        kernel_quantizer=quantized_bits(6, 0, alpha=1),
        bias_quantizer=quantized_bits(6, 0, alpha=1),
        name="scores",
    )(h)
    out = keras.layers.Activation("softmax", name="probabilities")(out)
    return keras.Model(inp, out)


def _logits(model, x, layer):
    from hepml_course.nn import import_keras

    keras = import_keras()
    sub = keras.Model(model.inputs, model.get_layer(layer).output)
    return np.asarray(sub.predict(x, verbose=0), dtype=np.float64)


@pytest.fixture(scope="module")
def qkeras_model(jets):
    x, y, _ = jets
    return _fit(_qkeras_api_model(input_quantizer=True), x, y)


@pytest.fixture(scope="module")
def hgq_model(jets):
    from hgq.utils import trace_minmax

    from hepml_course.fpga.hgq import build_hgq_model

    x, y, _ = jets
    model = _fit(build_hgq_model(16, (12, 8), 5, beta=1e-5), x, y)
    trace_minmax(model, x)
    return model


def test_qkeras_api_model_traces_bit_exactly(qkeras_model, jets):
    x_test = jets[2]
    design = rtl.trace_model(qkeras_model)
    assert design.output_layer == "scores"  # the softmax head is left out
    assert design.estimated_luts > 0 and design.delay > 0
    ref = _logits(qkeras_model, x_test, "scores")
    assert np.unique(ref).size > 20  # a trained network, not constant outputs
    assert rtl.identical_fraction(ref, design.predict(x_test)) == 1.0
    assert rtl.count_mismatches(ref, design.predict(x_test), rtl.output_lsb(design)) == 0


def test_qkeras_api_model_without_input_quantizer(jets):
    x, y, x_test = jets
    model = _fit(_qkeras_api_model(input_quantizer=False, prefix="dense"), x, y, epochs=1)
    design = rtl.trace_model(model, FixedPoint(16, 6))
    assert rtl.identical_fraction(_logits(model, x_test, "scores"), design.predict(x_test)) == 1.0


def test_hgq2_model_traces_bit_exactly(hgq_model, jets):
    x_test = jets[2]
    design = rtl.trace_model(hgq_model)
    assert design.output_layer == "logits"
    ref = np.asarray(hgq_model.predict(x_test, verbose=0), dtype=np.float64)
    assert np.unique(ref).size > 20
    assert rtl.identical_fraction(ref, design.predict(x_test)) == 1.0


def test_quantized_relu_rounds_half_to_even():
    """Ties of the QKeras-API quantized_relu go to even: da4ml alone only rounds half up."""
    from hepml_course.nn import import_keras

    keras = import_keras()
    from qkeras import quantized_relu
    from qkeras.qlayers import QActivation

    inp = keras.Input((1,))
    model = keras.Model(inp, QActivation(quantized_relu(3, 1), name="relu")(inp))
    x = np.array([[0.125], [0.375], [0.625], [-0.5], [3.0], [0.3125]])  # step 1/4, max 1.75
    expected = np.array([[0.0], [0.5], [0.5], [0.0], [1.75], [0.25]])
    keras_out = np.asarray(model.predict(x.astype(np.float32), verbose=0), dtype=np.float64)
    np.testing.assert_array_equal(keras_out, expected)
    design = rtl.trace_model(model, FixedPoint(8, 3))
    np.testing.assert_array_equal(design.predict(x), expected)


def test_unsupported_layers_are_named():
    from hepml_course.nn import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(4, name="plain_dense")])
    with pytest.raises(ValueError, match=r"'plain_dense' \(Dense\) cannot be traced"):
        rtl.trace_model(model)
    assert "QDense" in rtl.supported_layers()


def test_predict_checks_the_input_width(qkeras_model):
    design = rtl.trace_model(qkeras_model)
    with pytest.raises(ValueError, match=r"\(n, 16\)"):
        design.predict(np.zeros((3, 15)))


def test_write_verilog_combinational_pipelined_and_vhdl(qkeras_model, tmp_path):
    design = rtl.trace_model(qkeras_model)
    comb = rtl.write_verilog(design, tmp_path / "comb")
    assert comb.latency_cycles == 0 and not comb.pipelined and comb.estimated_ff == 0
    assert {p.name for p in comb.sources()} >= {"tagger.v"}
    coarse = rtl.write_verilog(design, tmp_path / "coarse", latency_cutoff=design.delay / 2)
    fine = rtl.write_verilog(design, tmp_path / "fine", latency_cutoff=design.delay / 6)
    assert 1 <= coarse.latency_cycles < fine.latency_cycles
    assert fine.estimated_ff > coarse.estimated_ff > 0
    vhdl = rtl.write_verilog(design, tmp_path / "vhdl", flavor="vhdl", latency_cutoff=4)
    assert vhdl.sources() and all(p.suffix == ".vhd" for p in vhdl.sources())
    with pytest.raises(RuntimeError, match="build_simulation"):
        comb.simulate(np.zeros((1, 16)))


def test_latency_cutoff_follows_the_clock():
    slow, fast = rtl.latency_cutoff_for_clock(10.0), rtl.latency_cutoff_for_clock(2.5)
    assert slow > fast >= 1
    with pytest.raises(ValueError):
        rtl.latency_cutoff_for_clock(0)


@pytest.mark.slow
def test_verilator_rtl_is_bit_exact(qkeras_model, jets, tmp_path):
    """Verilator build of the pipelined design (≈ 1–2 min on 2 busy cores)."""
    _need("verilator")
    x_test = jets[2]
    design = rtl.trace_model(qkeras_model)
    before = dict(os.environ)
    project = rtl.write_verilog(design, tmp_path / "rtl", latency_cutoff=design.delay / 3)
    rtl.build_simulation(project)
    assert dict(os.environ) == before  # the Verilator settings went to the subprocess only
    assert project.build_s > 0 and project.latency_cycles >= 2
    ref = _logits(qkeras_model, x_test, "scores")
    assert rtl.identical_fraction(ref, project.simulate(x_test)) == 1.0
