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


def test_top_tokens_share(capsys):
    x, _ = toy_jets(200, seed=1, n_particles=8)
    tok = BinnedTokeniser(n_bins=(4, 4, 4)).fit(x.particles, x.mask)
    tokens = tok.transform(x.particles, x.mask)[x.mask]
    counts = np.sort(np.bincount(tokens, minlength=tok.n_tokens))[::-1]
    right = counts[:10].sum() / x.mask.sum()
    exercise.check_top_tokens_share(right, tok, x.particles, x.mask, n_top=10)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseNotAnswered):
        exercise.check_top_tokens_share(..., tok, x.particles, x.mask, n_top=10)
    with pytest.raises(ExerciseWrong):  # dividing by all slots, padding included
        exercise.check_top_tokens_share(
            counts[:10].sum() / x.mask.size, tok, x.particles, x.mask, n_top=10
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
