import numpy as np

from hepml_course.fpga import network, ptq
from hepml_course.fpga.taggers import accuracy


def test_numpy_forward_pass_matches_keras(small_float, toy_data):
    x = small_float.scaler_.transform(toy_data[2][:300])
    weights = network.dense_weights(small_float.model_)
    np.testing.assert_allclose(
        ptq.numpy_logits(weights, x), network.predict_logits(small_float.model_, x), atol=1e-4
    )


def test_post_training_quantization_degrades_with_fewer_bits(small_float, toy_data):
    _, _, x_test, y_test = toy_data
    x = small_float.scaler_.transform(x_test)
    float_acc = accuracy(small_float, x_test, y_test)
    acc16 = ptq.post_training_accuracy(small_float.model_, x, y_test, bits=16)
    acc3 = ptq.post_training_accuracy(small_float.model_, x, y_test, bits=3)
    assert abs(acc16 - float_acc) < 0.01
    assert acc3 < acc16 - 0.05


def test_one_shot_pruning_hurts_more_the_more_is_removed(small_float, toy_data):
    _, _, x_test, y_test = toy_data
    x = small_float.scaler_.transform(x_test)
    acc0 = ptq.one_shot_pruned_accuracy(small_float.model_, x, y_test, 0.0)
    acc95 = ptq.one_shot_pruned_accuracy(small_float.model_, x, y_test, 0.95)
    assert abs(acc0 - accuracy(small_float, x_test, y_test)) < 1e-9
    assert acc95 < acc0 - 0.1


def test_fixed_round_grid_and_range():
    values = np.array([0.3, -0.3, 5.0, -5.0])
    out = ptq.fixed_round(values, bits=4, max_abs=0.9)  # integer 0 → step 1/8, range [-1, 7/8]
    np.testing.assert_array_equal(out, [0.25, -0.25, 0.875, -1.0])
