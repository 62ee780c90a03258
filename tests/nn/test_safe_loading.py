"""Loading a Keras model file never runs code embedded in it unless the caller opts in."""

from __future__ import annotations

from pathlib import Path

import pytest

from hepml_course.nn import import_keras
from hepml_course.nn.artifacts import (
    ArtifactError,
    UnsafeModelError,
    load_keras_file,
    read_artifact,
    write_artifact,
)


def _trojan(marker: Path):
    """A model whose Lambda layer writes ``marker`` whenever it is called (e.g. at load)."""
    keras = import_keras()
    payload = eval(f"lambda x: (open({str(marker)!r}, 'w').write('ran'), x)[1]")
    inp = keras.Input((3,))
    out = keras.layers.Lambda(payload)(inp)
    return keras.Model(inp, out)


@pytest.fixture
def trojan_file(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "trojan.keras"
    _trojan(marker).save(path)
    marker.unlink(missing_ok=True)  # building the model ran the payload once
    return path, marker


def test_embedded_code_is_refused_and_never_runs(trojan_file):
    path, marker = trojan_file
    with pytest.raises(UnsafeModelError) as err:
        load_keras_file(path)
    message = str(err.value)
    assert str(path) in message and "Lambda" in message and "allow_unsafe=True" in message
    assert not marker.exists()


def test_opting_in_loads_and_runs_it(trojan_file):
    path, marker = trojan_file
    model = load_keras_file(path, allow_unsafe=True)
    assert model is not None
    assert marker.read_text() == "ran"


def test_saved_model_folder_is_safe_by_default(tmp_path, trojan_file):
    path, marker = trojan_file
    keras = import_keras()
    model = keras.saving.load_model(path, safe_mode=False)
    marker.unlink()
    with write_artifact(tmp_path / "saved", {"class": "x"}) as writer:
        writer.keras_model("model", model)
    marker.unlink(missing_ok=True)
    with pytest.raises(UnsafeModelError, match="allow_unsafe"):
        read_artifact(tmp_path / "saved").keras_model("model")
    assert not marker.exists()
    read_artifact(tmp_path / "saved", allow_unsafe=True).keras_model("model")
    assert marker.exists()


def test_plain_model_loads_in_safe_mode(tmp_path):
    keras = import_keras()
    inp = keras.Input((3,))
    path = tmp_path / "plain.keras"
    keras.Model(inp, keras.layers.Dense(2)(inp)).save(path)
    assert load_keras_file(path).output_shape == (None, 2)


def test_damaged_or_missing_keras_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Keras model file"):
        load_keras_file(tmp_path / "none.keras")
    with pytest.raises(ArtifactError, match="is a folder"):
        load_keras_file(tmp_path)
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"not a zip file" * 10)
    with pytest.raises(ArtifactError, match=r"bad\.keras"):
        load_keras_file(bad)
