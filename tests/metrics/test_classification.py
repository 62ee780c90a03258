"""Classification metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import classification as m

NAMES = ("a", "b", "c")


def _perfect(n=30):
    y = np.arange(n) % 3
    return y, np.eye(3)[y] * 0.9 + 0.1 / 3


def test_perfect_classifier():
    y, p = _perfect()
    assert m.accuracy(y, p) == 1.0
    assert m.auc_ovr(y, p, NAMES) == {"a": 1.0, "b": 1.0, "c": 1.0}
    np.testing.assert_allclose(m.confusion(y, p), np.eye(3))


def test_random_scores_give_auc_one_half():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 20_000)
    p = rng.dirichlet(np.ones(3), 20_000)
    for v in m.auc_ovr(y, p, NAMES).values():
        assert v == pytest.approx(0.5, abs=0.02)
    # random guessing: 1/eps_B = 1/eps_S = 2 at eps_S = 0.5
    for v in m.rejection_ovr(y, p, NAMES).values():
        assert v == pytest.approx(2.0, rel=0.06)
    assert m.accuracy(y, p) == pytest.approx(1 / 3, abs=0.02)


def test_rejection_interpolates_roc():
    eps_b = np.array([0.0, 0.1, 0.2, 1.0])
    eps_s = np.array([0.0, 0.4, 0.6, 1.0])
    assert m.rejection_at(eps_b, eps_s, 0.5) == pytest.approx(1 / 0.15)
    assert m.rejection_at(np.zeros(3), np.array([0.0, 0.6, 1.0]), 0.5) == float("inf")
    with pytest.raises(ValueError, match="signal_efficiency"):
        m.rejection_at(eps_b, eps_s, 0.0)


def test_confusion_rows_are_normalised():
    y = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 0, 2])
    cm = m.confusion(y, np.eye(3)[pred])
    np.testing.assert_allclose(cm, [[0.5, 0.5, 0], [0, 1, 0], [0.5, 0, 0.5]])


def test_binary_auc_top_vs_qcd_like():
    # classes 0, 1 = background, 2 = signal; a score that separates 2 from {0,1} perfectly
    y = np.array([0, 1, 2, 2, 0, 1])
    p = np.array([[0.5, 0.4, 0.1]] * 2 + [[0.1, 0.1, 0.8]] * 2 + [[0.4, 0.5, 0.1]] * 2)
    assert m.binary_auc(y, p, [2], [0, 1]) == 1.0
    is_sig, score = m.binary_scores(y, p, [2], [0])
    assert is_sig.sum() == 2 and len(score) == 4


def test_summary_and_table():
    y, p = _perfect()
    s = m.summary(y, p, NAMES)
    assert set(s) == {"accuracy", "auc", "rej50"}
    table = m.comparison_table({"model": {**s, "n_params": 10}})
    assert table.loc["model", "accuracy"] == 1.0
    assert table.loc["model", "n_params"] == 10


def test_bad_input_is_explained():
    y = np.array([0, 1, 2])
    with pytest.raises(ValueError, match="shape"):
        m.accuracy(y, np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        m.accuracy(y, np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="labels"):
        m.accuracy(np.array([0, 1, 5]), np.ones((3, 3)))


def test_plots_draw():
    y, p = _perfect()
    ax = m.plot_roc({"a": m.roc_ovr(y, p, NAMES)["a"]})
    assert ax.get_yscale() == "log"
    ax = m.plot_confusion(m.confusion(y, p), NAMES)
    assert len(ax.texts) == 9
