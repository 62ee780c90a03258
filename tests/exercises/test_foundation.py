"""The check functions of the foundation chapter's exercises: right answers pass, others fail."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from hepml_course.exercises import ExerciseNotAnswered, ExerciseWrong
from hepml_course.exercises import foundation as exercise
from hepml_course.foundation import BackboneConfig, BinnedTokeniser
from hepml_course.foundation._contract import toy_jets
from hepml_course.foundation.backbone import flops_per_jet


def test_vocabulary_used(capsys):
    x, _ = toy_jets(200, seed=1, n_particles=8)
    tok = BinnedTokeniser(n_bins=(4, 4, 4)).fit(x.particles, x.mask)
    tokens = tok.transform(x.particles, x.mask)
    right = len(np.unique(tokens[x.mask])) / tok.n_tokens
    exercise.check_vocabulary_used(right, tok, x.particles, x.mask)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_vocabulary_used(..., tok, x.particles, x.mask)
    with pytest.raises(ExerciseWrong):  # counting the pad id as a used token
        exercise.check_vocabulary_used(
            len(np.unique(tokens)) / tok.n_tokens, tok, x.particles, x.mask
        )


def test_finetuning_gain(capsys):
    curves = {
        "500": {"finetuned_acc": 0.70, "scratch_acc": 0.65},
        "2000": {"finetuned_acc": 0.74, "scratch_acc": 0.73},
    }
    exercise.check_finetuning_gain({500: 0.05, 2000: 0.01}, curves)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_finetuning_gain(..., curves)
    with pytest.raises(ExerciseWrong):
        exercise.check_finetuning_gain({500: -0.05, 2000: -0.01}, curves)
    with pytest.raises(ExerciseWrong, match="one gain per label budget"):
        exercise.check_finetuning_gain({500: 0.05}, curves)


def test_flops_ratio(capsys):
    cfg = BackboneConfig()
    dnn = SimpleNamespace(n_params=4389)
    exercise.check_flops_ratio(flops_per_jet(cfg) / (2 * 4389), cfg, dnn)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseWrong):
        exercise.check_flops_ratio(flops_per_jet(cfg) / 4389, cfg, dnn)
