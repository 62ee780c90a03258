"""The check functions of chapter 3's exercises: right answers pass, `...` and wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import regression as exercise
from hepml_course.metrics import regression as mr
from hepml_course.regression import evaluate


@pytest.fixture(scope="module")
def toy():
    """Toy showers: 368 voxels whose sum is E · 0.95 smeared by 10 %/√E; a toy σ prediction."""
    rng = np.random.default_rng(1)
    e_true = np.exp(rng.uniform(np.log(1.0), np.log(250.0), 6000))
    raw = 0.95 * e_true * (1 + 0.1 / np.sqrt(e_true) * rng.standard_normal(e_true.size))
    voxels = np.zeros((e_true.size, 368))
    voxels[:, :4] = raw[:, None] / 4
    sigma = e_true * np.hypot(0.1 / np.sqrt(e_true), 0.01)
    e_pred = e_true + sigma * rng.standard_normal(e_true.size)
    return voxels, e_true, e_pred, sigma


def test_raw_resolution(toy, capsys):
    voxels, e_true, _, _ = toy
    sel = (e_true >= 10) & (e_true < 20)
    ratio = voxels[sel].sum(axis=1) / e_true[sel]
    right = mr.sigma_eff(ratio) / np.median(ratio)
    exercise.check_raw_resolution(right, voxels, e_true)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_raw_resolution(..., voxels, e_true)
    for wrong in (mr.sigma_eff(ratio), mr.sigma_eff(voxels.sum(axis=1) / e_true), "0.03"):
        with pytest.raises(ExerciseWrong, match="not right yet") as info:
            exercise.check_raw_resolution(wrong, voxels, e_true)
        assert f"{right:.4f}" not in str(info.value)


def test_stochastic_no_noise(toy, capsys):
    _, e_true, e_pred, sigma = toy
    binned = evaluate(e_true, e_pred, sigma).binned
    right = mr.fit_resolution(
        binned.centre_gev, binned.sigma_eff_rel, binned.sigma_eff_rel_err, fix_noise=0.0
    ).stochastic_a
    exercise.check_stochastic_no_noise(right, binned)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_stochastic_no_noise(..., binned)
    with pytest.raises(ExerciseWrong, match="not right yet"):
        exercise.check_stochastic_no_noise(right * 1.05, binned)


def test_coverage(toy, capsys):
    _, e_true, e_pred, sigma = toy
    right = mr.interval_coverage(e_true, e_pred - sigma, e_pred + sigma)
    assert 0.65 < right < 0.72
    exercise.check_coverage(right, e_true, e_pred, sigma)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered, match="no answer yet"):
        exercise.check_coverage(..., e_true, e_pred, sigma)
    for wrong in (0.683, 0.5, right + 2 / e_true.size):
        with pytest.raises(ExerciseWrong, match="not right yet"):
            exercise.check_coverage(wrong, e_true, e_pred, sigma)
