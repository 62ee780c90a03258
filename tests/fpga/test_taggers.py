import json

import numpy as np
import pytest

from hepml_course.fpga import network
from hepml_course.fpga.taggers import JetTagger, accuracy
from hepml_course.nn import ArtifactError, NotFittedError


def test_quantized_tagger_learns_and_is_pruned(small_q6, toy_data):
    _, _, x_test, y_test = toy_data
    # toy classes are well separated; chance level is 0.2
    assert accuracy(small_q6, x_test, y_test) > 0.8
    assert small_q6.name == "q6_p50"
    assert 0.45 <= network.weight_sparsity(small_q6.model_) <= 0.55
    assert network.weight_bits(small_q6.model_) == 6
    for kernel, bias in network.dense_weights(small_q6.model_):
        # 6-bit signed weights with no integer bits: multiples of 2^-5 in [-1, 1)
        assert np.all(kernel * 32 == np.round(kernel * 32)), "weights off the 6-bit grid"
        assert kernel.min() >= -1 and kernel.max() < 1
        assert np.all(bias * 32 == np.round(bias * 32))
    names = [la.name for la in small_q6.model_.layers[1:]]
    assert names[0] == "input_quantizer" and names[-1] == "logits"


def test_predict_gives_logits_of_the_keras_model(small_q6, toy_data):
    x = toy_data[2][:100]
    logits = small_q6.predict(x)
    assert logits.shape == (100, 5)
    direct = network.predict_logits(small_q6.model_, small_q6.scaler_.transform(x))
    np.testing.assert_array_equal(logits, direct)


def test_float_tagger_uses_the_shared_mlp(small_float, toy_data):
    assert small_float.name == "float"
    assert network.weight_bits(small_float.model_) is None
    assert [la.name for la in small_float.model_.layers[1:]] == ["fc1", "fc2", "fc3", "logits"]
    assert accuracy(small_float, toy_data[2], toy_data[3]) > 0.8


def test_not_fitted_and_bad_inputs_are_explained(toy_data):
    x, y = toy_data[0][:50], toy_data[1][:50]
    with pytest.raises(NotFittedError):
        JetTagger(bits=6).predict(x)
    with pytest.raises(ValueError, match="same number of rows"):
        JetTagger(bits=6, epochs=1).fit(x, y[:20])
    with pytest.raises(ValueError, match="label 9"):
        JetTagger(bits=6, epochs=1).fit(x, y + 5, n_classes=5)
    with pytest.raises(ValueError, match="sparsity"):
        JetTagger(sparsity=1.0).fit(x, y)
    with pytest.raises(ValueError, match="bits"):
        JetTagger(bits=1).fit(x, y)
    with pytest.raises(TypeError):
        JetTagger(6)  # keyword-only hyper-parameters


def test_same_seed_same_model(toy_data):
    x, y = toy_data[0][:500], toy_data[1][:500]
    a = JetTagger(bits=4, hidden=(4, 4, 4), epochs=1).fit(x, y, seed=5)
    b = JetTagger(bits=4, hidden=(4, 4, 4), epochs=1).fit(x, y, seed=5)
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_save_and_load_give_identical_logits(small_q6, toy_data, tmp_path):
    x = toy_data[2][:200]
    small_q6.save(tmp_path / "q6")
    again = JetTagger.load(tmp_path / "q6")
    assert again.get_params() == small_q6.get_params()
    np.testing.assert_array_equal(again.predict(x), small_q6.predict(x))
    np.testing.assert_array_equal(again.scaler_.mean, small_q6.scaler_.mean)
    assert (tmp_path / "q6" / "model.keras").is_file()  # whole model: hls4ml/da4ml take it


def test_tampered_scaler_in_the_record_is_refused(small_q6, tmp_path):
    small_q6.save(tmp_path / "q6")
    record_path = tmp_path / "q6" / "record.json"
    record = json.loads(record_path.read_text())
    record["state"]["scaler"]["mean"][0] += 1.0
    record_path.write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        JetTagger.load(tmp_path / "q6")
