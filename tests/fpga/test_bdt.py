import pytest

from hepml_course.fpga import bdt
from hepml_course.fpga.preprocess import InputScaler
from tests.fpga.conftest import need


@pytest.fixture(scope="module")
def small_bdt(toy_data):
    x_train, y_train, x_test, y_test = toy_data
    scaler = InputScaler.fit(x_train)
    clf = bdt.train_bdt(scaler.transform(x_train), y_train, n_estimators=4, max_depth=2)
    return clf, scaler.transform(x_test), y_test


def test_latency_formula(small_bdt):
    clf, _, _ = small_bdt
    assert bdt.n_trees(clf) == 4 * 5
    assert bdt.pipeline_latency(clf) == 1 + 2 + 2  # registers + depth + log2(4 trees per class)


def test_cpp_emulation_and_ghdl_agree_bit_for_bit(small_bdt, tmp_path):
    need("g++")
    need("ghdl")
    clf, x, y = small_bdt
    result = bdt.deploy_bdt(clf, x[:300], y[:300], tmp_path, n_simulate=100, synthesize=False)
    assert result.accuracy > 0.7
    assert result.emulation_agreement >= 0.98
    assert result.ghdl_mismatches == 0


@pytest.mark.slow
def test_ghdl_synth_and_yosys(small_bdt, tmp_path):
    need("ghdl")
    need("yosys")
    clf, x, y = small_bdt
    result = bdt.deploy_bdt(clf, x[:100], y[:100], tmp_path, n_simulate=50, synthesize=True)
    assert result.synthesis is not None
    assert result.synthesis.lut > 0 and result.synthesis.ff > 0 and result.synthesis.dsp == 0
