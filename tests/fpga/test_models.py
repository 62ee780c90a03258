import numpy as np
import pytest

from hepml_course.fpga import models


def test_quantized_tagger_learns_and_is_pruned(small_q6, toy_data):
    _, _, x_test, y_test = toy_data
    x = small_q6.scaler.transform(x_test)
    # toy classes are well separated; chance level is 0.2
    assert models.accuracy(small_q6.model, x, y_test) > 0.8
    assert small_q6.name == "q6_p50"
    assert 0.45 <= models.weight_sparsity(small_q6.model) <= 0.65
    kernel = models.quantized_kernel(small_q6.model.get_layer("fc1"))
    # 6-bit weights with 0 integer bits: multiples of 2^-5 in [-1, 1)
    assert np.all(kernel * 32 == np.round(kernel * 32))
    assert kernel.min() >= -1 and kernel.max() < 1
    assert [la.name for la in small_q6.model.layers[1:]] == list(models.LAYER_NAMES)


def test_save_and_load_give_identical_logits(small_q6, toy_data, tmp_path):
    x = small_q6.scaler.transform(toy_data[2][:200])
    path = models.save_tagger(small_q6, tmp_path / "q6.h5")
    again = models.load_tagger(path)
    assert again.spec == small_q6.spec and again.target_sparsity == 0.5
    np.testing.assert_array_equal(
        models.predict_logits(again.model, x), models.predict_logits(small_q6.model, x)
    )


def test_same_seed_same_model(toy_data):
    x_train, y_train, _, _ = toy_data
    spec = models.TaggerSpec(bits=4, hidden=(4, 4, 4))
    a = models.train_tagger(spec, x_train[:500], y_train[:500], epochs=1, seed=5)
    b = models.train_tagger(spec, x_train[:500], y_train[:500], epochs=1, seed=5)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_bad_inputs_are_explained(toy_data, tmp_path):
    x_train, y_train, _, _ = toy_data
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.4"):
        models.train_tagger(models.TaggerSpec(), x_train[:10], y_train[:10] + 5, epochs=1)
    with pytest.raises(ValueError, match="sparsity"):
        models.train_tagger(models.TaggerSpec(), x_train[:10], y_train[:10], sparsity=1.0)
    with pytest.raises(ValueError, match="bits"):
        models.TaggerSpec(bits=1)
    with pytest.raises(FileNotFoundError, match="no model"):
        models.load_model(tmp_path / "missing.h5")


@pytest.fixture(scope="module")
def small_float(toy_data):
    x_train, y_train, _, _ = toy_data
    spec = models.TaggerSpec(hidden=(16, 16, 16))
    return models.train_tagger(spec, x_train, y_train, epochs=5, batch_size=128, seed=1)


def test_numpy_forward_pass_matches_keras(small_float, toy_data):
    x = small_float.scaler.transform(toy_data[2][:300])
    weights = models.dense_weights(small_float.model)
    np.testing.assert_allclose(
        models.numpy_logits(weights, x), models.predict_logits(small_float.model, x), atol=1e-4
    )


def test_post_training_quantization_degrades_with_fewer_bits(small_float, toy_data):
    _, _, x_test, y_test = toy_data
    x = small_float.scaler.transform(x_test)
    float_acc = models.accuracy(small_float.model, x, y_test)
    acc16 = models.post_training_accuracy(small_float.model, x, y_test, bits=16)
    acc3 = models.post_training_accuracy(small_float.model, x, y_test, bits=3)
    assert abs(acc16 - float_acc) < 0.01
    assert acc3 < acc16 - 0.05


def test_magnitude_pruning_zeroes_the_smallest_weights():
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=(20, 10)), np.zeros(10))]
    ((kernel, _),) = models.magnitude_pruned(weights, 0.75)
    assert np.mean(kernel == 0) == pytest.approx(0.75, abs=0.01)
    assert np.min(np.abs(kernel[kernel != 0])) >= np.max(np.abs(weights[0][0][kernel == 0]))
