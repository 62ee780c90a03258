from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.nn import ArtifactError, ClassifierReweighter, NotFittedError, load_model


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (500, 2)), rng.normal(0.7, 1, (500, 2))])
    y = np.repeat([0, 1], 500)
    return ClassifierReweighter(epochs=2, batch_size=128).fit(x, y, seed=3), x


def test_save_load_gives_identical_outputs_and_record(tmp_path, fitted):
    model, x = fitted
    path = model.save(tmp_path / "rw", command="pytest", extra={"note": 1})
    again = ClassifierReweighter.load(path)
    assert np.array_equal(again.weights(x), model.weights(x))
    assert again.record_["command"] == "pytest"
    assert again.record_["seed"] == 3
    assert "keras" in again.record_["versions"]
    assert isinstance(load_model(path), ClassifierReweighter)


def test_never_overwrites_and_never_leaves_half_files(tmp_path, fitted):
    model, _ = fitted
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="already exists"):
        model.save(tmp_path / "mine")
    with pytest.raises(FileExistsError, match="not a saved model"):
        model.save(tmp_path / "mine", overwrite=True)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "precious"
    model.save(tmp_path / "m")
    model.save(tmp_path / "m", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "mine"]


def test_tampered_record_or_weights_are_refused(tmp_path, fitted):
    model, _ = fitted
    path = model.save(tmp_path / "rw")
    record = json.loads((path / "record.json").read_text())
    record["state"]["scaler"]["mean"][0] += 0.05
    (path / "record.json").write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        ClassifierReweighter.load(path)
    path = model.save(tmp_path / "rw2")
    weights = path / "classifier.weights.h5"
    data = bytearray(weights.read_bytes())
    data[-100] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        ClassifierReweighter.load(path)


def test_missing_foreign_and_unfitted(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved model"):
        ClassifierReweighter.load(tmp_path / "nothing")
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(ArtifactError, match="not a saved hepml-course model"):
        ClassifierReweighter.load(tmp_path / "f.txt")
    with pytest.raises(NotFittedError):
        ClassifierReweighter().save(tmp_path / "x")
    assert not (tmp_path / "x").exists()
