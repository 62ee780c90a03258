"""Mass-decorrelated taggers on a toy: the plain tagger sculpts the mass, the penalties do not."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.metrics import decorrelation as dm
from hepml_course.nn import NotFittedError
from hepml_course.systematics.decorrelation import DecorrelatedTagger

NAMES = ("shape", "mass")
EDGES = np.linspace(0.0, 200.0, 41)
FAST = {"hidden": (32, 32), "epochs": 15, "min_epochs": 15, "batch_size": 512}


def _toy(n: int, seed: int):
    """W/Z-like signal peaked at 80 GeV, QCD falling in mass; a shape variable
    that separates the classes but, for QCD, also grows with the mass."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    mass = np.where(y == 1, rng.normal(80.0, 15.0, n), rng.uniform(10.0, 200.0, n))
    shape = np.where(y == 1, 1.0, 0.0) + 0.01 * np.where(y == 0, mass - 100.0, 0.0)
    shape = shape + rng.normal(0.0, 1.0, n)
    return np.stack([shape, mass], axis=1).astype(np.float32), y, mass


@pytest.fixture(scope="module")
def toy():
    return _toy(6000, seed=0), _toy(4000, seed=1)


def _measure(model, test):
    x, y, mass = test
    score = model.predict_proba(x)
    qcd = y == 0
    return {
        "dcor": dm.distance_correlation(score[qcd], mass[qcd]),
        "jsd": dm.mass_sculpting_jsd(mass, score, y, 0.5, bins=EDGES),
        "rej": dm.background_rejection(y, score, 0.5),
    }


@pytest.fixture(scope="module")
def plain(toy):
    (x, y, m), test = toy
    model = DecorrelatedTagger(method="plain", feature_names=NAMES, **FAST)
    model.fit(x, y, mass_gev=m, seed=0)
    return model, _measure(model, test)


def test_plain_tagger_sculpts_the_mass(plain, toy):
    _, r = plain
    floor, std = dm.jsd_floor(toy[1][2][toy[1][1] == 0], 1 / r["rej"], bins=EDGES)
    assert r["rej"] > 5  # it does tag
    assert r["dcor"] > 0.1  # it learns the mass window
    assert r["jsd"] > floor + 6 * std  # and sculpts far beyond the statistical floor


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [("disco", {"strength": 30.0}), ("adversary", {"strength": 3.0, "epochs": 20})],
)
def test_decorrelation_reduces_sculpting(plain, toy, method, kwargs):
    (x, y, m), test = toy
    params = {**FAST, **kwargs}
    model = DecorrelatedTagger(method=method, feature_names=NAMES, **params)
    r = _measure(model.fit(x, y, mass_gev=m, seed=0), test)
    base = plain[1]
    assert r["jsd"] < base["jsd"] / 4
    assert r["dcor"] < base["dcor"] / 4
    assert r["rej"] > 1.5  # still better than a random cut (rej 2 … minus fluctuations)


def test_mdmm_multiplier_rises_while_constraint_is_violated(plain, toy):
    (x, y, m), test = toy
    # ε below the finite-batch bias of dCor²: the constraint stays violated, λ keeps rising
    tight = DecorrelatedTagger(
        method="mdmm", epsilon=1e-4, feature_names=NAMES, **FAST, patience=50
    ).fit(x, y, mass_gev=m, seed=0)
    mult = np.asarray(tight.history_["multiplier"])
    assert np.all(np.diff(mult) > 0) and tight.multiplier_ > 0
    r = _measure(tight, test)
    assert r["dcor"] < plain[1]["dcor"] / 4
    # a loose constraint is satisfied from the start: λ stays at 0 (plain training)
    loose = DecorrelatedTagger(method="mdmm", epsilon=0.9, feature_names=NAMES, **FAST)
    loose.fit(x, y, mass_gev=m, seed=0)
    assert loose.multiplier_ == 0.0
    assert max(loose.history_["multiplier"]) == 0.0


def test_seed_reproducibility_and_save_load(toy, tmp_path):
    (x, y, m), (xt, _, _) = toy
    params = {**FAST, "epochs": 3, "min_epochs": 3}
    a = DecorrelatedTagger(method="disco", feature_names=NAMES, **params).fit(
        x, y, mass_gev=m, seed=5
    )
    b = DecorrelatedTagger(method="disco", feature_names=NAMES, **params).fit(
        x, y, mass_gev=m, seed=5
    )
    c = DecorrelatedTagger(method="disco", feature_names=NAMES, **params).fit(
        x, y, mass_gev=m, seed=6
    )
    np.testing.assert_allclose(a.predict_proba(xt), b.predict_proba(xt), atol=1e-6)
    assert not np.allclose(a.predict_proba(xt), c.predict_proba(xt), atol=1e-3)
    loaded = DecorrelatedTagger.load(a.save(tmp_path / "disco"))
    np.testing.assert_allclose(loaded.predict_proba(xt), a.predict_proba(xt), atol=1e-6)
    assert loaded.method == "disco" and loaded.mass_scale_ == a.mass_scale_


def test_bad_input(toy):
    (x, y, m), _ = toy
    model = DecorrelatedTagger(method="disco", feature_names=NAMES, **FAST)
    with pytest.raises(NotFittedError):
        model.predict_proba(x)
    with pytest.raises(ValueError, match=r"mass_gev must have shape \(6000,\)"):
        model.fit(x, y, mass_gev=m[:-1])
    with pytest.raises(ValueError, match="NaN"):
        model.fit(x, y, mass_gev=np.where(np.arange(len(m)) == 3, np.nan, m))
    with pytest.raises(ValueError, match="method must be one of"):
        DecorrelatedTagger(method="pivot", feature_names=NAMES).fit(x, y, mass_gev=m)
    with pytest.raises(ValueError, match="strength"):
        DecorrelatedTagger(strength=-1.0, feature_names=NAMES).fit(x, y, mass_gev=m)
    with pytest.raises(ValueError, match="epsilon"):
        DecorrelatedTagger(method="mdmm", epsilon=0.0, feature_names=NAMES).fit(x, y, mass_gev=m)
    with pytest.raises(ValueError, match="2 features"):
        model.fit(x[:, :1], y, mass_gev=m)
    with pytest.raises(ValueError, match="both W/Z"):
        model.fit(x, np.zeros_like(y), mass_gev=m)
