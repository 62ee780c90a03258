"""The models handed to the FPGA chapter are quantized Keras models with the agreed shapes."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import data
from hepml_course.anomaly.export import axol1tl_encoder, cicada_student, l1_inputs

QDense = pytest.importorskip("qkeras.qlayers").QDense
QActivation = pytest.importorskip("qkeras.qlayers").QActivation
QConv2D = pytest.importorskip("qkeras.qlayers").QConv2D


@pytest.fixture(scope="module")
def events():
    return data.load("l1", entry_stop=None)[::8]  # a thin slice of every process


def test_axol1tl_encoder_contract(events):
    encoder = axol1tl_encoder(events, seed=1, epochs=1)
    assert encoder.name == "axo_encoder"
    assert encoder.input_shape == (None, 57) and encoder.output_shape == (None, 3)
    assert any(isinstance(layer, QDense) for layer in encoder.layers)
    assert any(isinstance(layer, QActivation) for layer in encoder.layers)
    x = l1_inputs(events, n_events=100)["axol1tl"]
    assert x.shape == (100, 57)
    assert np.all(np.isfinite(encoder.predict(x, verbose=0)))


def test_cicada_student_contract(events):
    student = cicada_student(events, seed=1, epochs=1, teacher_epochs=1)
    assert student.input_shape == (None, 18, 14, 1) and student.output_shape == (None, 1)
    assert any(isinstance(layer, QConv2D) for layer in student.layers)
    x = l1_inputs(events, n_events=50)["cicada"]
    assert x.shape == (50, 18, 14, 1)
    assert np.all(np.isfinite(student.predict(x, verbose=0)))


def test_exported_encoder_reloads_from_weights(events, tmp_path):
    # the FPGA chapter may rebuild the architecture and load .weights.h5
    encoder = axol1tl_encoder(events, seed=1, epochs=1)
    encoder.save_weights(tmp_path / "enc.weights.h5")
    other = axol1tl_encoder(events, seed=2, epochs=1)
    other.load_weights(tmp_path / "enc.weights.h5")
    x = l1_inputs(events, n_events=100)["axol1tl"]
    np.testing.assert_array_equal(encoder.predict(x, verbose=0), other.predict(x, verbose=0))


def test_quantization_summary_names_the_fixed_point_types():
    from hepml_course.anomaly.export import quantization_summary
    from hepml_course.anomaly.models import CicadaStudent

    images = np.random.default_rng(0).poisson(2.0, (64, 18, 14)).astype(np.float32)
    student = CicadaStudent(epochs=1, bits=6).fit(images, images.reshape(64, -1).var(axis=1))
    rows = {row["layer"]: row for row in quantization_summary(student.model_)}
    # 6 bits: weights sign + 5 fractional bits, ReLU outputs unsigned with 3 integer bits
    assert rows["conv"]["quantization"] == "weights ap_fixed<6,1>, bias ap_fixed<6,1>"
    assert rows["conv_relu"]["quantization"] == "output ap_ufixed<6,3>"
    assert rows["input_quant"]["quantization"] == "output ap_fixed<16,7>"
    assert rows["flatten"]["quantization"] == "float" and rows["flatten"]["parameters"] == 0
    assert rows["conv"]["parameters"] == 4 * (2 * 2 + 1)
