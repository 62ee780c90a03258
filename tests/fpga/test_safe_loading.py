"""The FPGA flow loads model files in Keras safe mode: embedded code is refused unless allowed."""

from __future__ import annotations

import json

import pytest

from hepml_course.fpga.pipeline import load_deployable
from hepml_course.nn.artifacts import UnsafeModelError
from tests.nn.test_safe_loading import trojan_file  # noqa: F401  (fixture)


@pytest.fixture
def scaler(tmp_path):
    path = tmp_path / "scaler.json"
    path.write_text(json.dumps({"mean": [0.0, 0.0, 0.0], "scale": [1.0, 1.0, 1.0]}))
    return path


def test_fpga_loader_refuses_embedded_code(trojan_file, scaler):  # noqa: F811
    path, marker = trojan_file
    with pytest.raises(UnsafeModelError, match="Lambda"):
        load_deployable(path, scaler=scaler)
    assert not marker.exists()


def test_fpga_loader_loads_it_when_allowed(trojan_file, scaler):  # noqa: F811
    path, marker = trojan_file
    # once loaded (the payload ran), the flow says it cannot deploy a Lambda layer
    with pytest.raises(ValueError, match="Lambda is not supported by the FPGA flow"):
        load_deployable(path, scaler=scaler, allow_unsafe=True)
    assert marker.read_text() == "ran"
