import numpy as np
import pytest

from hepml_course.fpga import network


def _model(layers):
    from hepml_course.nn import import_keras

    keras = import_keras()
    inp = keras.Input((4,))
    x = inp
    for layer in layers:
        x = layer(x)
    return keras.Model(inp, x)


def test_unsupported_layers_are_named():
    from hepml_course.nn import import_keras

    keras = import_keras()
    model = _model([keras.layers.Dense(3), keras.layers.BatchNormalization(name="bn_odd")])
    with pytest.raises(ValueError, match=r"'bn_odd' of type BatchNormalization"):
        network.check_supported(model)
    model = _model([keras.layers.Dense(3, activation="tanh", name="squash")])
    with pytest.raises(ValueError, match=r"'squash'.*'tanh'"):
        network.check_supported(model)


def test_softmax_head_is_cut_and_any_names_work():
    from hepml_course.nn import import_keras

    keras = import_keras()
    model = _model(
        [keras.layers.Dense(5, name="anything"), keras.layers.Activation("softmax", name="p")]
    )
    network.check_supported(model)
    assert network.ends_in_softmax(model) and network.output_layer(model).name == "anything"
    x = np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32)
    logits = network.predict_logits(model, x)
    probabilities = model.predict(x, verbose=0)
    np.testing.assert_allclose(
        np.exp(logits) / np.exp(logits).sum(1, keepdims=True), probabilities, rtol=1e-5
    )


def test_quantized_weights_and_sparsity(small_q6):
    assert network.is_quantized(small_q6.model_)
    kernels = [k for k, _ in network.dense_weights(small_q6.model_)]
    zeros = sum(int(np.sum(k == 0)) for k in kernels)
    assert network.weight_sparsity(small_q6.model_) == zeros / sum(k.size for k in kernels)
