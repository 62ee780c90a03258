from __future__ import annotations

import numpy as np

from hepml_course.nn import count_parameters, mlp, seed_everything, split_indices, train


def test_mlp_shape_names_and_parameter_count():
    model = mlp(16, (64, 32, 32), 5, name="tagger")
    assert model.output_shape == (None, 5)
    assert [layer.name for layer in model.layers[1:]] == ["fc1", "fc2", "fc3", "output"]
    assert count_parameters(model) == 16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5


def test_train_learns_a_linear_boundary_with_early_stopping():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    seed_everything(0)
    model = mlp(2, (16,), 1, output_activation="sigmoid")
    result = train(
        model,
        x,
        y,
        loss="binary_crossentropy",
        seed=0,
        epochs=30,
        batch_size=128,
        learning_rate=1e-2,
        metrics=["accuracy"],
        patience=3,
    )
    assert result.history["val_accuracy"][-1] > 0.95
    assert 1 <= result.epochs <= 30
    assert result.train_s > 0


def test_split_is_seeded_and_disjoint():
    trn, val = split_indices(100, 0.2, seed=1)
    assert len(val) == 20 and not set(trn) & set(val)
    assert np.array_equal(split_indices(100, 0.2, seed=1)[1], val)
