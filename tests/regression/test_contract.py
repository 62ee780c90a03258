"""The one model contract for every calibration: fitted checks, door checks, save/load."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import hepml_course.regression as regression
from hepml_course.nn import ArtifactError, Estimator, NotFittedError, load_model
from hepml_course.regression import (
    GaussianNLLCalibration,
    GradientBoostedCalibration,
    LinearCalibration,
    QuantileCalibration,
)
from hepml_course.regression._contract import EXAMPLES
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


def _tiny(name):
    ex = EXAMPLES[name]()
    return ex.model, ex.X, ex.y, ex.verb_kwargs


def test_every_exported_model_has_a_contract_example():
    exported = {
        n
        for n in regression.__all__
        if isinstance(getattr(regression, n), type)
        and issubclass(getattr(regression, n), Estimator)
    }
    assert (
        exported
        == set(EXAMPLES)
        == {
            "GaussianNLLCalibration",
            "GradientBoostedCalibration",
            "LinearCalibration",
            "MixtureDensityCalibration",
            "QuantileCalibration",
        }
    )


def test_importing_the_chapter_does_not_import_tensorflow():
    code = (
        "import sys, hepml_course.regression as r; r.LinearCalibration; r.evaluate; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_outputs_and_save_refused_before_fit(name, tmp_path):
    model, x, _, kwargs = _tiny(name)
    with pytest.raises(NotFittedError, match="fit"):
        model.predict(x, **kwargs)
    with pytest.raises(NotFittedError):
        model.save(tmp_path / "m")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_door_refuses_mismatched_or_bad_inputs(name):
    model, x, y, _ = _tiny(name)
    with pytest.raises(ValueError, match="same number of rows"):
        model.fit(x, y[:-3])
    with pytest.raises(ValueError, match="same number of rows"):
        model.fit(x, y, sample_weight=np.ones(len(y) + 1))
    with pytest.raises(ValueError, match="positive"):
        model.fit(x, -y)
    with pytest.raises(ValueError, match="368 features"):
        model.fit(x[:, :100], y)
    assert not hasattr(model, "model_") and not hasattr(model, "weights_")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_save_load_gives_identical_outputs(name, tmp_path):
    model, x, y, kwargs = _tiny(name)
    assert model.fit(x, y, seed=0) is model
    path = model.save(tmp_path / "m", command="pytest")
    again = load_model(path)
    assert type(again) is type(model) and again.get_params() == model.get_params()
    assert again.record_["command"] == "pytest" and again.seed_ == 0
    a, b = model.predict(x, **kwargs), again.predict(x, **kwargs)
    for u, v in zip(a, b, strict=True):
        if isinstance(u, dict):
            assert u.keys() == v.keys()
            for k in u:
                np.testing.assert_array_equal(u[k], v[k])
        else:
            np.testing.assert_array_equal(u, v)


def test_tampered_record_or_files_are_refused(tmp_path):
    model, x, y, _ = _tiny("LinearCalibration")
    path = model.fit(x, y).save(tmp_path / "lin")
    record = json.loads((path / "record.json").read_text())
    record["state"]["weights"][0] *= 1.05
    (path / "record.json").write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        LinearCalibration.load(path)

    model, x, y, _ = _tiny("GradientBoostedCalibration")
    path = model.fit(x, y).save(tmp_path / "bdt")
    pkl = path / "model.pkl"
    pkl.write_bytes(pkl.read_bytes() + b"\x00")  # never unpickled: the sha256 check comes first
    with pytest.raises(ArtifactError, match="sha256"):
        GradientBoostedCalibration.load(path)

    model, x, y, _ = _tiny("GaussianNLLCalibration")
    path = model.fit(x, y).save(tmp_path / "dnn")
    record = json.loads((path / "record.json").read_text())
    record["state"]["scaler"]["mean"][0] += 0.1
    (path / "record.json").write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        GaussianNLLCalibration.load(path)
    with pytest.raises(ArtifactError, match="not a QuantileCalibration"):
        QuantileCalibration.load(model.save(tmp_path / "dnn2"))


def test_hyper_parameters_are_keyword_only_and_stored_as_given():
    with pytest.raises(TypeError):
        GaussianNLLCalibration("features")  # type: ignore[misc]
    model = QuantileCalibration(quantiles=[0.5, 0.25, 0.75], hidden=[8])
    assert model.get_params()["quantiles"] == [0.5, 0.25, 0.75]
    assert model.get_params()["hidden"] == [8]
    assert "seed" not in model.get_params()


def test_a_custom_geometry_is_saved_with_the_model(tmp_path):
    geometry = CaloGeometry(
        layer_names=DEFAULT_GEOMETRY.layer_names,
        r_edges_mm=DEFAULT_GEOMETRY.r_edges_mm,
        n_alpha=DEFAULT_GEOMETRY.n_alpha,
        depth_edges_x0=DEFAULT_GEOMETRY.depth_edges_x0,
        front_material_x0=2.0,
        front_material_rise_x0=8.0,
    )
    _, x, y, _ = _tiny("LinearCalibration")
    model = LinearCalibration(geometry=geometry).fit(x, y)
    again = LinearCalibration.load(model.save(tmp_path / "g"))
    assert again.get_params()["geometry"]["front_material_rise_x0"] == 8.0
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    with pytest.raises(TypeError, match="geometry"):
        LinearCalibration(geometry="atlas").fit(x, y)
