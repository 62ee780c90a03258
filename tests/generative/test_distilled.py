"""The distilled generator: one network call per shower, learned from a flow-matching teacher."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.generative import FlowMatching, make_generator
from hepml_course.generative.distilled import DistilledFlow
from hepml_course.metrics import generative as gm
from tests.generative.toy import GEOMETRY, toy_showers


@pytest.fixture(scope="module")
def data():
    return toy_showers(1500, seed=21)


@pytest.fixture(scope="module")
def teacher(data, tmp_path_factory):
    voxels, e_inc = data
    gen = FlowMatching(hidden=(64, 64), n_steps=6, epochs=40, layer_sizes=(4, 12))
    gen.fit(voxels, e_inc, seed=0)
    path = tmp_path_factory.mktemp("teacher") / "flow_matching"
    gen.save(path, command="test teacher")
    return gen, path


def student(path, **kw):
    params = {
        "n_pairs": 4000,
        "hidden": (64, 64),
        "epochs": 30,
        "batch_size": 256,
        "energy_weight": 1.0,
    }
    return DistilledFlow(teacher=str(path), **{**params, **kw})


def test_the_student_reproduces_its_teacher_in_one_call(data, teacher):
    voxels, e_inc = data
    gen, path = teacher
    fast = student(path).fit(voxels, e_inc, seed=1)
    assert fast.epochs_trained_ == 30 and fast.history_["loss"][-1] < fast.history_["loss"][0]
    assert fast.teacher_record_sha256_ == FlowMatching.load(path).record_["record_sha256"]
    # the student maps the teacher's noise to (nearly) the teacher's output
    z, c, x_teacher = fast.teacher_pairs(gen, e_inc[:500], np.random.default_rng(3))
    x_student = fast.student_(np.concatenate([z, c], axis=1)).numpy()
    mse = np.mean((x_student - x_teacher) ** 2)
    assert mse < 0.5 * np.var(x_teacher), (mse, np.var(x_teacher))
    # and its showers are as close to the data as the teacher's (high-level AUC)
    test_v, test_e = toy_showers(800, seed=99)
    aucs = {}
    for name, g in {"teacher": gen, "student": fast}.items():
        out = g.generate(test_e, seed=5)
        aucs[name] = gm.metric_summary(test_v, test_e, out, test_e, GEOMETRY, low_level=False)[
            "auc_high_level"
        ]
    assert aucs["student"] < aucs["teacher"] + 0.12, aucs
    assert fast.n_parameters() == fast.student_.count_params()


def test_save_load_same_showers_and_seeds(data, teacher, tmp_path):
    voxels, e_inc = data
    _, path = teacher
    a = student(path, epochs=2).fit(voxels[:400], e_inc[:400], seed=4)
    b = student(path, epochs=2).fit(voxels[:400], e_inc[:400], seed=4)
    assert np.allclose(a.generate(e_inc[:30], seed=2), b.generate(e_inc[:30], seed=2), atol=1e-5)
    a.save(tmp_path / "distilled")
    again = DistilledFlow.load(tmp_path / "distilled")
    assert np.array_equal(again.generate(e_inc[:30], seed=2), a.generate(e_inc[:30], seed=2))
    assert again.teacher_record_sha256_ == a.teacher_record_sha256_


def test_a_missing_teacher_or_mismatched_showers_are_clear_errors(data, teacher, tmp_path):
    voxels, e_inc = data
    with pytest.raises(FileNotFoundError, match="not a saved generator folder"):
        student(tmp_path / "nothing").fit(voxels[:100], e_inc[:100])
    _, path = teacher
    with pytest.raises(ValueError, match="teacher generates 16 voxels"):
        student(path).fit(np.ones((100, 20)), e_inc[:100])
    with pytest.raises(ValueError, match="1-D"):
        student(path).fit(voxels[:100], e_inc[:100, None])


def test_registered_by_name():
    assert isinstance(make_generator("distilled", epochs=1), DistilledFlow)
