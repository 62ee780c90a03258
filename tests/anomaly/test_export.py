"""The models handed to the FPGA chapter are quantized Keras models with the agreed shapes."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import data
from hepml_course.anomaly.export import axol1tl_encoder, cicada_student, l1_inputs


@pytest.fixture(scope="module")
def events():
    return data.load("l1", entry_stop=None)[::8]  # a thin slice of every process


def test_axol1tl_encoder_contract(events):
    encoder = axol1tl_encoder(events, seed=1, epochs=1)
    assert encoder.name == "axo_encoder"
    assert encoder.input_shape == (None, 57) and encoder.output_shape == (None, 3)
    assert {type(layer).__name__ for layer in encoder.layers} >= {"QDense", "QActivation"}
    x = l1_inputs(events, n_events=100)["axol1tl"]
    assert x.shape == (100, 57)
    assert np.all(np.isfinite(encoder.predict(x, verbose=0)))


def test_cicada_student_contract(events):
    student = cicada_student(events, seed=1, epochs=1, teacher_epochs=1)
    assert student.input_shape == (None, 18, 14, 1) and student.output_shape == (None, 1)
    assert "QConv2D" in {type(layer).__name__ for layer in student.layers}
    x = l1_inputs(events, n_events=50)["cicada"]
    assert x.shape == (50, 18, 14, 1)
