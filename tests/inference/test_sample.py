"""Event-shape samples: validation at the door, θ selection, stratified splits, the shipped file."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference.sample import EventShapeSample, load_eventshapes, split

NAMES = ("a", "b")


def toy(n_per_value: int = 100) -> EventShapeSample:
    rng = np.random.default_rng(0)
    theta = np.repeat([0.11, 0.12, 0.13], n_per_value)
    return EventShapeSample(rng.normal(size=(len(theta), 2)), theta, NAMES)


def test_shapes_and_values_are_checked():
    with pytest.raises(ValueError, match=r"shape \(n_events, 2\)"):
        EventShapeSample(np.zeros((5, 3)), np.zeros(5), NAMES)
    with pytest.raises(ValueError, match=r"theta must have shape \(5,\)"):
        EventShapeSample(np.zeros((5, 2)), np.zeros(4), NAMES)
    x = np.zeros((5, 2))
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        EventShapeSample(x, np.zeros(5), NAMES)


def test_at_column_and_select():
    s = toy()
    assert np.allclose(s.values, [0.11, 0.12, 0.13])
    assert len(s.at(0.12)) == 100 and np.all(s.at(0.12).theta == 0.12)
    with pytest.raises(ValueError, match=r"no events at θ = 0\.2"):
        s.at(0.2)
    assert np.array_equal(s.column("b"), s.X[:, 1])
    with pytest.raises(KeyError, match="unknown observable 'c'"):
        s.column("c")
    assert s.select(("b",)).observables == ("b",)
    with pytest.raises(KeyError, match=r"\['c'\]"):
        s.select(("b", "c"))


def test_split_is_stratified_disjoint_and_seeded():
    s = toy()
    train, val = split(s, 0.25, seed=3)
    assert len(train) + len(val) == len(s)
    for value in s.values:
        assert len(val.at(value)) == 25
    rows = {tuple(r) for r in train.X} & {tuple(r) for r in val.X}
    assert not rows
    again = split(s, 0.25, seed=3)[1]
    assert np.array_equal(again.X, val.X)
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\)"):
        split(s, 1.0, seed=0)


def test_the_shipped_trees():
    grid = load_eventshapes("grid", n_events=18_000)
    assert len(grid.values) == 9 and grid.values[0] == pytest.approx(0.110, abs=1e-6)
    pseudo = load_eventshapes("pseudo_data", n_events=1000, observables=("n_charged",))
    assert pseudo.observables == ("n_charged",)
    assert np.allclose(pseudo.values, [0.1365], atol=1e-6)
    # more shower αs → more hadrons
    assert grid.at(0.150).column("n_charged").mean() > grid.at(0.110).column("n_charged").mean()
    with pytest.raises(ValueError, match="unknown tree 'data'"):
        load_eventshapes("data")
