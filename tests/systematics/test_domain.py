"""Domain adaptation: DANN on a toy with a domain shift, the refusal of target labels, the study."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.nn import NotFittedError, load_model
from hepml_course.systematics.domain import (
    WARM_LAMBDA_PROGRESS,
    DomainAdversarialTagger,
    accuracy,
    ganin_lambda,
    importance_weights,
    representation_domain_auc,
    selection_criterion,
    weighted_log_loss,
)
from hepml_course.systematics.sample import TaggingSample
from hepml_course.systematics.tagger import BinaryTagger

NAMES = ("robust", "shifted")
SMALL = {"feature_names": NAMES, "hidden": (16, 16, 8), "learning_rate": 5e-3}


def toy(n: int, seed: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Two features, classes ±1: ``robust`` ~ N(±1, 1); ``shifted`` ~ N(±1.5, 1) + shift.

    The source has shift 0, the target shift 3: a tagger that leans on the
    better feature (``shifted``) calls almost every target jet signal.  The
    best domain-invariant tagger uses ``robust`` only: accuracy Φ(1) ≈ 0.84.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = 2.0 * y - 1.0
    x = np.stack([s + rng.normal(size=n), 1.5 * s + rng.normal(size=n) + shift], axis=1)
    return x.astype(np.float32), y


@pytest.fixture(scope="module")
def domains():
    return {
        "source": toy(3000, 0, 0.0),
        "target": toy(3000, 1, 3.0),  # the adaptation jets (labels unused by the DANN)
        "source_val": toy(1000, 3, 0.0),
        "target_test": toy(3000, 2, 3.0),
    }


@pytest.fixture(scope="module")
def fitted(domains):
    xs, ys = domains["source"]
    xt, _ = domains["target"]
    return {
        lam: DomainAdversarialTagger(lambda_max=lam, domain_hidden=(16,), epochs=40, **SMALL).fit(
            xs, ys, x_target=xt, seed=0
        )
        for lam in (0.0, 10.0)
    }


def test_dann_recovers_most_of_the_domain_gap(domains, fitted):
    xs, ys = domains["source"]
    xt, yt = domains["target"]
    xtest, ytest = domains["target_test"]
    source_only = BinaryTagger(**SMALL).fit(xs, ys, seed=0)
    target_trained = BinaryTagger(**SMALL).fit(xt, yt, seed=0)
    so = accuracy(ytest, source_only.predict_proba(xtest))
    tt = accuracy(ytest, target_trained.predict_proba(xtest))
    adapted = accuracy(ytest, fitted[10.0].predict_proba(xtest))
    plain = accuracy(ytest, fitted[0.0].predict_proba(xtest))
    # the shift breaks the source-only tagger; trained on the target both features work (≈ 0.96)
    assert so < 0.70 and tt > 0.93
    # without the adversary the DANN is a source-only tagger
    assert abs(plain - so) < 0.05
    # with it, the tagger drops the shifted feature: ≈ Φ(1) = 0.84, ≥ half of the gap recovered
    assert adapted > so + 0.5 * (tt - so)
    assert 0.78 < adapted < 0.90


def test_adversary_removes_domain_information(domains, fitted):
    xsv, ysv = domains["source_val"]
    xtest, _ = domains["target_test"]
    auc = {lam: representation_domain_auc(m, xsv, xtest[:1000]) for lam, m in fitted.items()}
    assert auc[0.0] > 0.9  # a 3σ shift is plain to see without the adversary
    assert auc[10.0] < auc[0.0] - 0.05
    crit = {lam: selection_criterion(m, xsv, ysv, xtest[:1000]) for lam, m in fitted.items()}
    # the label-free criterion prefers the adapted tagger, without any target label
    assert crit[10.0]["criterion"] < crit[0.0]["criterion"]
    assert crit[0.0]["source_error"] < crit[10.0]["source_error"]  # invariance costs on the source
    m = fitted[10.0]
    assert m.history_["lambda"][-1] > 0.9 * 10.0  # λ reached its plateau
    assert m.best_epoch_ >= int(np.ceil(WARM_LAMBDA_PROGRESS * 40)) - 1  # an adapted epoch kept


def test_outputs_shapes_save_load_and_seed(domains, fitted, tmp_path):
    xtest, _ = domains["target_test"]
    m = fitted[10.0]
    p = m.predict_proba(xtest)
    assert p.shape == (len(xtest),) and np.all((p >= 0) & (p <= 1))
    assert m.predict(xtest).dtype == np.int64
    np.testing.assert_array_equal(m.predict(xtest), (p > 0.5).astype(np.int64))
    d = m.domain_proba(xtest)
    assert d.shape == (len(xtest),) and np.all((d >= 0) & (d <= 1))
    m.save(tmp_path / "dann")
    np.testing.assert_allclose(load_model(tmp_path / "dann").predict_proba(xtest), p, atol=1e-6)
    # same seed → same numbers; another seed → another network
    xs, ys = domains["source"]
    xt, _ = domains["target"]
    kw = {"lambda_max": 3.0, "domain_hidden": (8,), "epochs": 3, "min_epochs": 3, **SMALL}
    a = DomainAdversarialTagger(**kw).fit(xs[:600], ys[:600], x_target=xt[:600], seed=4)
    b = DomainAdversarialTagger(**kw).fit(xs[:600], ys[:600], x_target=xt[:600], seed=4)
    c = DomainAdversarialTagger(**kw).fit(xs[:600], ys[:600], x_target=xt[:600], seed=5)
    np.testing.assert_allclose(a.predict_proba(xtest), b.predict_proba(xtest), atol=1e-6)
    assert np.max(np.abs(a.predict_proba(xtest) - c.predict_proba(xtest))) > 1e-3


def test_target_labels_are_refused(domains):
    xs, ys = domains["source"]
    xt, yt = domains["target"]
    model = DomainAdversarialTagger(epochs=1, **SMALL)
    with pytest.raises(ValueError, match="must not use target labels"):
        model.fit(xs, ys, x_target=xt, y_target=yt)
    with pytest.raises(ValueError, match="must not use target labels"):
        model.fit(xs, ys, x_target=(xt, yt))
    sample = TaggingSample(xt, yt, xt[:, 0].copy(), NAMES)
    with pytest.raises(ValueError, match="must not use target labels"):
        model.fit(xs, ys, x_target=sample)
    with pytest.raises(TypeError):
        model.fit(xs, ys)  # x_target is required: there is nothing to adapt to


def test_bad_input_is_refused(domains):
    xs, ys = domains["source"]
    xt, _ = domains["target"]
    model = DomainAdversarialTagger(epochs=1, **SMALL)
    with pytest.raises(NotFittedError):
        model.predict_proba(xs)
    with pytest.raises(ValueError, match="2"):
        model.fit(xs, ys, x_target=np.zeros((10, 3)))
    with pytest.raises(ValueError):
        model.fit(xs, ys[:10], x_target=xt)
    with pytest.raises(ValueError, match="validation_fraction"):
        DomainAdversarialTagger(validation_fraction=0.0, **SMALL).fit(xs, ys, x_target=xt)
    with pytest.raises(ValueError, match="lambda_max"):
        DomainAdversarialTagger(lambda_max=-1.0, **SMALL).fit(xs, ys, x_target=xt)
    with pytest.raises(ValueError, match="equal length"):
        accuracy(ys, np.zeros(3))


def test_ganin_schedule():
    assert ganin_lambda(0.0, 2.0) == 0.0
    assert ganin_lambda(1.0, 2.0) == pytest.approx(2.0 * (2 / (1 + np.exp(-10)) - 1))
    assert ganin_lambda(WARM_LAMBDA_PROGRESS) == pytest.approx(0.9)
    lam = ganin_lambda(np.linspace(0, 1, 11))
    assert lam.shape == (11,) and np.all(np.diff(lam) > 0)


def test_importance_weights_follow_the_density_ratio():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(20_000, 1))
    xt = rng.normal(0.5, 1.0, size=(20_000, 1))
    grid = np.array([[-1.0], [0.0], [1.0]])
    w = importance_weights(xs, xt, np.concatenate([xs[:5000], grid]))
    # N(0.5, 1) / N(0, 1) = exp(0.5 x − 0.125): ratios between x = -1, 0, 1 are e^0.5
    ratio = w[-2:] / w[-3:-1]
    np.testing.assert_allclose(ratio, np.exp(0.5), rtol=0.05)
    assert weighted_log_loss([1, 0], [0.9, 0.1]) == pytest.approx(-np.log(0.9))
    with pytest.raises(ValueError, match="max_weight"):
        importance_weights(xs, xt, grid, max_weight=1.0)
