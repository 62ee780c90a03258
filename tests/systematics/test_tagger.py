"""The plain tagger and the shared minibatch loop."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import NotFittedError, load_model
from hepml_course.systematics import BinaryTagger
from hepml_course.systematics._loop import run_epochs

NAMES = ("a", "b")


def toy(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 2)) + np.outer(2.0 * y, [1.0, 0.0])
    return x.astype(np.float32), y


def test_tagger_learns_a_separable_toy_and_is_reproducible(tmp_path):
    from sklearn.metrics import roc_auc_score

    x, y = toy()
    model = BinaryTagger(feature_names=NAMES, hidden=(16,), epochs=30, learning_rate=1e-2).fit(
        x, y, seed=1
    )
    xt, yt = toy(seed=1)
    p = model.predict_proba(xt)
    assert p.shape == (len(yt),) and np.all((p >= 0) & (p <= 1))
    # the optimal AUC of two unit Gaussians 2σ apart is Φ(√2) ≈ 0.92
    assert roc_auc_score(yt, p) > 0.90
    again = BinaryTagger(feature_names=NAMES, hidden=(16,), epochs=30, learning_rate=1e-2).fit(
        x, y, seed=1
    )
    np.testing.assert_allclose(again.predict_proba(xt), p, atol=1e-6)
    model.save(tmp_path / "m")
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(xt), p, atol=1e-6)


def test_tagger_refuses_bad_input():
    x, y = toy(100)
    model = BinaryTagger(feature_names=NAMES, hidden=(4,), epochs=1)
    with pytest.raises(NotFittedError):
        model.predict_proba(x)
    with pytest.raises(ValueError, match="2"):
        model.fit(np.zeros((100, 3)), y)
    with pytest.raises(ValueError):
        model.fit(x, y[:50])
    with pytest.raises(ValueError):
        model.fit(x, np.full(100, 2))


def test_loop_keeps_the_best_state_and_stops_early():
    state = {"w": 0.0}
    criterion = iter([3.0, 1.0, 2.0, 2.5, 2.7, 9.0])
    seen: list[np.ndarray] = []

    def step(batch: np.ndarray, epoch: int) -> dict[str, float]:
        seen.append(batch)
        state["w"] = float(epoch)
        return {"loss": float(epoch)}

    result = run_epochs(
        n_rows=10,
        batch_size=4,
        epochs=20,
        seed=0,
        step=step,
        validate=lambda: next(criterion),
        get_state=lambda: dict(state),
        set_state=lambda s: state.update(s),
        patience=3,
    )
    assert result.best_epoch == 1 and state["w"] == 1.0  # restored to the best epoch
    assert len(result.history["val"]) == 5  # stopped after 3 epochs without improvement
    assert result.history["loss"] == [0.0, 1.0, 2.0, 3.0, 4.0]
    # every epoch visits every row once (batches of 4, 4, 2: the last has ≥ half a batch)
    assert sorted(np.concatenate(seen[:3]).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="≥ 1"):
        run_epochs(
            n_rows=0,
            batch_size=4,
            epochs=1,
            seed=0,
            step=step,
            validate=lambda: 0.0,
            get_state=dict,
            set_state=lambda s: None,
        )
