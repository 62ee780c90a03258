"""The check functions of chapter 8's exercises: right answers pass, `...` and wrong ones fail.

Small untrained networks are enough: the checks only read weights and trace the design.
"""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import fpga as exercise


@pytest.fixture(scope="module")
def x_train():
    from hepml_course.fpga.preprocess import InputScaler
    from tests.fpga.toy import toy_jets

    x, _ = toy_jets(600, seed=2)
    return InputScaler.fit(x).transform(x)


@pytest.fixture(scope="module")
def float_model():
    from hepml_course.nn import mlp, seed_everything

    seed_everything(1)
    return mlp(16, (16,), 5, name="tiny_float", output_name="logits")


@pytest.fixture(scope="module")
def quantized_model():
    from hepml_course.fpga.taggers import build_quantized
    from hepml_course.nn import seed_everything

    seed_everything(2)
    return build_quantized(16, (8, 8), 5, 4, "tiny_q4")


def _fails(check, answer, *args, **kwargs):
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        check(..., *args, **kwargs)
    with pytest.raises(ExerciseWrong, match="not right yet") as info:
        check(answer, *args, **kwargs)
    return str(info.value)


def test_integer_bits(float_model, x_train, capsys):
    from hepml_course.fpga.convert import integer_bits
    from hepml_course.fpga.network import dense_weights

    w1, b1 = dense_weights(float_model)[0]
    right = integer_bits(float(np.maximum(x_train[:5000] @ w1 + b1, 0).max()))
    exercise.check_integer_bits(right, float_model, x_train)
    assert "✓" in capsys.readouterr().out
    message = _fails(exercise.check_integer_bits, right - 1, float_model, x_train)
    assert f" {right} " not in message, "the message must not reveal the answer"


def test_nonzero_weights(quantized_model, capsys):
    from hepml_course.fpga.network import dense_weights

    kernels = [k for k, _ in dense_weights(quantized_model)]
    right = int(sum(np.count_nonzero(k) for k in kernels))
    total = sum(k.size for k in kernels)
    assert 0 < right < total, "the 4-bit kernels should have some zeros"
    exercise.check_nonzero_weights(right, quantized_model)
    assert "✓" in capsys.readouterr().out
    message = _fails(exercise.check_nonzero_weights, total, quantized_model)
    assert str(right) not in message


def test_latency_cycles(quantized_model, tmp_path, capsys):
    from hepml_course.fpga import rtl

    design = rtl.trace_model(quantized_model)
    project = rtl.write_verilog(
        design,
        tmp_path / "rtl",
        latency_cutoff=rtl.latency_cutoff_for_clock(10.0),
        clock_period_ns=10.0,
    )
    right = project.latency_cycles
    exercise.check_latency_cycles(right, design, clock_ns=10.0)
    assert "✓" in capsys.readouterr().out
    message = _fails(exercise.check_latency_cycles, right + 3, design, clock_ns=10.0)
    assert "cut-off" in message
