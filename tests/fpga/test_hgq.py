"""Native HGQ2 tagger: the model contract, EBOPs under β, bit-exact da4ml traces."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.fpga.hgq import HGQTagger, beta_scan, native_hgq_layers, weight_bits
from hepml_course.nn import ArtifactError, NotFittedError
from hepml_course.nn.contract import ContractExample, check
from tests.fpga.toy import toy_jets


def contract_example() -> ContractExample:
    """Tiny HGQTagger example for ``hepml_course.fpga._contract.EXAMPLES["HGQTagger"]``."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=300)
    x = rng.normal(size=(300, 6)) + y[:, None] * 0.8
    model = HGQTagger(beta=1e-5, hidden=(8, 8), epochs=1, batch_size=64)
    return ContractExample(model, x, y, verb="predict")


@pytest.fixture(scope="module")
def jets():
    x, y = toy_jets(2500, seed=2)
    return x[:2000], y[:2000], x[2000:], y[2000:]


@pytest.fixture(scope="module")
def fitted(jets):
    x, y, _, _ = jets
    return HGQTagger(beta=1e-5, hidden=(16, 8, 8), epochs=4, batch_size=64).fit(x, y, seed=1)


def test_contract_points():
    out = check(contract_example())
    assert out == {
        "public": True,
        "not_fitted_error": True,
        "length_mismatch_error": True,
        "fit_returns_self": True,
        "save_load_identical": True,
    }


def test_not_fitted_and_validation(jets):
    x, y, _, _ = jets
    model = HGQTagger(epochs=1)
    with pytest.raises(NotFittedError, match="HGQTagger is not fitted"):
        model.predict(x)
    with pytest.raises(ValueError, match="same number of rows"):
        model.fit(x, y[:-5])
    with pytest.raises(ValueError, match="sample_weight"):
        model.fit(x, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="negative labels"):
        model.fit(x, -np.ones(len(x)))
    with pytest.raises(ValueError, match="beta"):
        HGQTagger(beta=-1.0).fit(x, y)
    with pytest.raises(TypeError):
        HGQTagger(1e-5)  # hyper-parameters are keyword-only


def test_fitted_tagger_learns_and_reports_ebops(fitted, jets):
    _, _, x_test, y_test = jets
    logits = fitted.predict(x_test)
    assert logits.shape == (len(x_test), 5)
    accuracy = np.mean(logits.argmax(1) == y_test)
    assert accuracy > 0.5  # 5 classes: chance is 0.2
    assert fitted.ebops_ > 1000 and "ebops" in fitted.history_
    bits = weight_bits(fitted.model_)
    assert set(bits) == {"fc1", "fc2", "fc3", "logits"}
    assert bits["fc1"].shape == (16, 16)  # one bit width per weight
    with pytest.raises(ValueError, match="16 features"):
        fitted.predict(x_test[:, :15])


def test_scaled_inputs_sit_on_the_input_grid(fitted, jets):
    xs = fitted.scale(jets[2])
    lsb = fitted.input_fixed.lsb
    np.testing.assert_array_equal(np.round(xs / lsb) * lsb, xs)


def test_save_load_identical_and_tamper_detected(fitted, jets, tmp_path):
    x_test = jets[2]
    path = fitted.save(tmp_path / "hgq")
    again = HGQTagger.load(path)
    np.testing.assert_array_equal(again.predict(x_test), fitted.predict(x_test))
    assert again.ebops_ == fitted.ebops_ and again.get_params() == fitted.get_params()
    record = json.loads((path / "record.json").read_text())
    record["state"]["scaler"]["mean"][0] += 1.0
    (path / "record.json").write_text(json.dumps(record))
    with pytest.raises(ArtifactError, match="modified"):
        HGQTagger.load(path)


def test_qkeras_api_import_does_not_disable_ebops(jets, monkeypatch):
    """hgq2's qkeras module patches HGQ2's constructors: the tagger must undo that."""
    import hgq.layers
    import hgq.quantizer
    from qkeras.qlayers import qkeras_layer_wrap

    for cls in (hgq.layers.QDense, hgq.quantizer.Quantizer):
        if getattr(cls.__init__, "__module__", None) != "qkeras.qlayers":
            # what `import qkeras.qlayers` does on first import (undone after the test)
            monkeypatch.setattr(cls, "__init__", cls.__init__)
            qkeras_layer_wrap(cls)
    patched = hgq.layers.QDense.__init__
    x, y, _, _ = jets
    model = HGQTagger(hidden=(8, 8), epochs=1, batch_size=128).fit(x[:500], y[:500])
    layer = model.model_.get_layer("fc1")
    assert layer.enable_ebops and layer.enable_iq and model.ebops_ > 0
    assert hgq.layers.QDense.__init__ is patched  # the patch is back after building
    with native_hgq_layers():
        assert hgq.layers.QDense.__init__ is not patched


def test_beta_scan_trades_accuracy_for_ebops(jets):
    """A strong β shrinks the bit widths: fewer EBOPs and fewer LUTs; traces stay bit-exact."""
    x, y, x_test, y_test = jets
    rows = beta_scan(
        [0.0, 3e-3], x, y, x_test, y_test, seed=0, hidden=(16, 8), epochs=4, batch_size=32
    )
    assert [r["name"] for r in rows] == ["hgq2_b0e+00", "hgq2_b3e-03"]
    free, squeezed = rows
    assert squeezed["ebops"] < 0.8 * free["ebops"]
    assert squeezed["da4ml_luts"] < free["da4ml_luts"]
    for row in rows:
        assert row["emulation_bit_exact"] == 1.0
        assert 0.2 < row["accuracy"] <= 1.0
        assert isinstance(row["model"], HGQTagger)
