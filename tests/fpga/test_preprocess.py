import json

import numpy as np
import pytest

from hepml_course.fpga.preprocess import FixedPoint, InputScaler


def test_fixed_point_range_and_grid():
    t = FixedPoint(16, 6)
    assert t.hls() == "ap_fixed<16,6>"
    assert t.fractional == 10 and t.lsb == 2.0**-10
    assert t.low == -32.0 and t.high == 32.0 - 2.0**-10
    assert t.kif == (1, 5, 10)
    q = t.quantize(np.array([0.3, 100.0, -100.0, 2.0**-11, 3 * 2.0**-11]))
    assert q[0] == pytest.approx(round(0.3 * 1024) / 1024)
    assert q[1] == t.high and q[2] == t.low
    # ties go to even: 0.5 LSB -> 0, 1.5 LSB -> 2 LSB
    assert q[3] == 0.0 and q[4] == 2 * t.lsb


def test_unsigned_fixed_point():
    t = FixedPoint(6, 0, signed=False)
    assert t.hls() == "ap_ufixed<6,0>"
    assert t.low == 0.0 and t.high == 1 - 2.0**-6
    assert t.kif == (0, 0, 6)


def test_scaler_standardises_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(100.0, 20.0, size=(500, 3))
    scaler = InputScaler.fit(x)
    z = scaler.transform(x)
    assert z.dtype == np.float32
    assert abs(float(z.mean())) < 0.01 and abs(float(z.std()) - 1) < 0.01
    assert np.all(np.round(z * 1024) == z * 1024)  # on the grid
    scaler.save(tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text())["fixed"]["width"] == 16
    again = InputScaler.load(tmp_path / "s.json")
    np.testing.assert_array_equal(again.transform(x), z)


def test_scaler_rejects_bad_input():
    scaler = InputScaler.fit(np.ones((10, 3)) * np.arange(10)[:, None])
    with pytest.raises(ValueError, match="expected 3 features"):
        scaler.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        scaler.transform(np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="2-D"):
        InputScaler.fit(np.zeros(5))


def test_scaler_from_a_hand_written_json(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps({"mean": [1.0, 2.0], "scale": [2.0, 4.0]}))
    scaler = InputScaler.load(tmp_path / "s.json")
    assert scaler.fixed == FixedPoint(16, 6)
    np.testing.assert_array_equal(scaler.transform(np.array([[3.0, 6.0]])), [[1.0, 1.0]])
    (tmp_path / "zero.json").write_text(json.dumps({"mean": [1.0], "scale": [0.0]}))
    with pytest.raises(ValueError, match="non-zero"):
        InputScaler.load(tmp_path / "zero.json")
    with pytest.raises(FileNotFoundError):
        InputScaler.load(tmp_path / "missing.json")
