"""Reference answers of the exercises of chapter 8 (FPGAs for the Level-1 trigger), out of sight.

Each ``check_*`` function takes the learner's answer and the chapter's inputs,
recomputes the expected value here (never printed) and calls
:func:`hepml_course.exercises.check`.  Importing this module imports neither
TensorFlow nor hls4ml; the checks import what they need when called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hepml_course.exercises.checking import check

__all__ = ["check_integer_bits", "check_latency_cycles", "check_nonzero_weights"]


def check_integer_bits(answer: object, float_model: Any, x_train: np.ndarray) -> None:
    """Exercise 1: integer bits (sign included) for the largest output of the first layer.

    Parameters
    ----------
    answer
        The learner's number of integer bits ``I`` of ``ap_fixed<W,I>``.
    float_model
        The float Keras tagger (``float_tagger.model_``); its first dense layer
        (``W1``, ``b1``) is followed by a ReLU.
    x_train
        Scaled training inputs, shape (n_jets, n_features); the first 5000 jets are used.

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    from hepml_course.fpga.convert import integer_bits
    from hepml_course.fpga.network import dense_weights

    kernel, bias = dense_weights(float_model)[0]
    x = np.asarray(x_train, dtype=np.float64)[:5000]
    largest = float(np.maximum(x @ kernel + bias, 0.0).max())
    check(
        "integer bits of fc1",
        answer,
        integer_bits(largest),
        rel_tol=0.0,
        abs_tol=0.0,
        hint="take the largest ReLU output, then convert.integer_bits counts the sign bit too",
    )


def check_nonzero_weights(answer: object, model: Any) -> None:
    """Exercise 2: number of non-zero kernel weights in all dense layers of ``model``.

    Parameters
    ----------
    answer
        The learner's count (an integer).
    model
        The quantized, pruned Keras tagger (``q6.model_``); its weights are read
        after quantization, as the layers use them.

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    from hepml_course.fpga.network import dense_weights

    expected = int(sum(np.count_nonzero(kernel) for kernel, _ in dense_weights(model)))
    check(
        "non-zero weights",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.0,
        hint="count the non-zero entries of the kernels only (not the biases), all four layers",
    )


def check_latency_cycles(answer: object, design: Any, clock_ns: float) -> None:
    """Exercise 3: latency in clock cycles of the da4ml pipeline for a clock of ``clock_ns``.

    Parameters
    ----------
    answer
        The learner's number of clock cycles (registered inputs, one register rank
        per pipeline stage).
    design
        The traced network (:func:`hepml_course.fpga.rtl.trace_model`).
    clock_ns
        Clock period, ns; the cut-off is :func:`hepml_course.fpga.rtl.latency_cutoff_for_clock`.

    Raises
    ------
    ExerciseNotAnswered, ExerciseWrong
        See :func:`hepml_course.exercises.check`.
    """
    from da4ml.trace import to_pipeline

    from hepml_course.fpga.rtl import latency_cutoff_for_clock

    pipe = to_pipeline(design.solution, latency_cutoff_for_clock(clock_ns), verbose=False)
    check(
        f"latency in cycles at a {clock_ns:g} ns clock",
        answer,
        len(pipe.solutions) + 1,
        rel_tol=0.0,
        abs_tol=0.0,
        hint="write the Verilog with the cut-off for this clock and read project.latency_cycles",
    )
