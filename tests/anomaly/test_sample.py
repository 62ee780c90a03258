"""Train/test split keeps every process's cross section in the test weights."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.anomaly.sample import split_l1


def _events():
    rng = np.random.default_rng(0)
    process = np.repeat([0, 1, 6, 10, 12], [100, 50, 30, 20, 10])
    weight = np.where(process == 0, 5.0, np.where(process == 1, 2.0, 1.0))
    weight = weight * rng.uniform(0.9, 1.1, len(process))
    return ak.zip({"process": process, "weight": weight, "x": np.arange(len(process))})


def test_split_preserves_process_cross_sections():
    events = _events()
    s = split_l1(events, train_fraction=0.3, seed=1)
    assert set(s.signals) == {"A_4l", "h0_tautau"}
    assert len(s.signals["A_4l"]) == 20
    assert len(s.train) + len(s.test) == 180
    assert len(set(s.train.x.tolist()) & set(s.test.x.tolist())) == 0
    for code in (0, 1, 6):
        full = events.weight[events.process == code]
        test = s.test_weight[s.test.process.to_numpy() == code]
        assert test.sum() == pytest.approx(float(ak.sum(full)))
    assert np.all(s.test.process.to_numpy() < 10)


def test_split_errors():
    with pytest.raises(ValueError, match="train_fraction"):
        split_l1(_events(), train_fraction=1.5)
    with pytest.raises(KeyError, match="weight"):
        split_l1(ak.zip({"process": np.zeros(3)}))
