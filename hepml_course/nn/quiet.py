"""Import Keras (TensorFlow backend) without the start-up chatter.

Nothing happens at import time of this module: the environment variables and
logger levels are set when :func:`import_keras` is first *called*.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import warnings
from types import ModuleType

#: TensorFlow/XLA start-up lines that carry no information for a learner.
_NOISE = re.compile(
    r"oneDNN custom operations|absl::InitializeLog|cuda|CUDA|TensorRT|cpu_feature_guard|"
    r"rebuild TensorFlow|AVX|^\s*$"
)


def _import_with_quiet_stderr(name: str) -> ModuleType:
    """Import ``name`` while file descriptor 2 goes to a temporary file.

    TensorFlow 2.21 logs its oneDNN notice from C++ before any Python logging
    exists (``TF_CPP_MIN_LOG_LEVEL`` does not silence it).  Lines that are not
    known start-up noise are written back to stderr.
    """
    import importlib

    if name in sys.modules:
        return sys.modules[name]
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            module = importlib.import_module(name)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        kept = [
            line
            for line in sink.read().decode(errors="replace").splitlines()
            if not _NOISE.search(line)
        ]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    return module


def import_keras() -> ModuleType:
    """Return the ``keras`` module (Keras 3 on TensorFlow), imported quietly.

    Sets ``TF_CPP_MIN_LOG_LEVEL=2`` and ``KERAS_BACKEND=tensorflow`` unless the
    user set them, hides TensorFlow's start-up notices, lowers the TensorFlow and
    absl loggers to errors and filters the warnings that Keras emits for every
    model built from NumPy inputs.

    After the first call it only returns the module: it is often called inside
    ``tf.function`` code, where AutoGraph would otherwise report (on stdout) that
    it cannot convert ``os.environ.setdefault``.
    """
    if _READY:
        return sys.modules["keras"]
    return _first_import()


_READY: list[bool] = []


def _first_import() -> ModuleType:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    tensorflow = _import_with_quiet_stderr("tensorflow")
    keras = _import_with_quiet_stderr("keras")
    tensorflow.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=r".*Do not pass an `input_shape`.*")
    warnings.filterwarnings("ignore", message=r".*retracing.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(tensorflow|keras)")
    _READY.append(True)
    return keras


def import_tensorflow() -> ModuleType:
    """Return ``tensorflow``, imported quietly (see :func:`import_keras`)."""
    import_keras()
    return sys.modules["tensorflow"]
