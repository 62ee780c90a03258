import numpy as np
import pytest

from hepml_course.fpga import pruning


def test_schedule_ramps_to_the_target():
    assert pruning.sparsity_at(0, 0.75, 100) == 0.0
    assert 0.0 < pruning.sparsity_at(30, 0.75, 100) < pruning.sparsity_at(60, 0.75, 100) < 0.75
    assert pruning.sparsity_at(100, 0.75, 100) == 0.75
    assert pruning.sparsity_at(500, 0.75, 100) == 0.75


def test_mask_keeps_the_largest_weights():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(20, 10))
    mask = pruning.magnitude_mask(kernel, 0.75)
    assert mask.shape == kernel.shape and mask.sum() == 50
    assert np.min(np.abs(kernel[mask == 1])) >= np.max(np.abs(kernel[mask == 0]))
    with pytest.raises(ValueError, match="sparsity"):
        pruning.magnitude_mask(kernel, 1.0)


def test_one_shot_pruning_zeroes_the_smallest_weights():
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=(20, 10)), np.ones(10))]
    ((kernel, bias),) = pruning.magnitude_pruned(weights, 0.75)
    assert np.mean(kernel == 0) == pytest.approx(0.75, abs=0.01)
    np.testing.assert_array_equal(bias, 1.0)


def test_callback_prunes_a_keras_model_during_training():
    from hepml_course.nn import import_keras, mlp, train

    keras = import_keras()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(512, 8)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = mlp(8, [16], 2)
    callback = pruning.pruning_callback(0.6, end_step=20, update_every=2)
    train(
        model,
        x,
        y,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        seed=0,
        epochs=4,
        batch_size=64,
        learning_rate=1e-2,
        validation_fraction=0.0,
        callbacks=[callback],
    )
    assert callback.sparsity == pytest.approx(0.6)
    for layer in model.layers[1:]:
        kernel = keras.ops.convert_to_numpy(layer.kernel)
        assert np.mean(kernel == 0) == pytest.approx(0.6, abs=0.01), layer.name
