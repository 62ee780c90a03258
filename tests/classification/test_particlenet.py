"""ParticleNet-style EdgeConv tagger: graph construction, symmetries, padding, learning, I/O."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.classification import HLF_FEATURES, JetInputs
from hepml_course.classification._contract import _toy_jets
from hepml_course.classification.particlenet import (
    ParticleNetTagger,
    _layers,
    build_particlenet,
)
from hepml_course.metrics import classification as metrics

N = 8  # padding length of the toy jets of _contract._toy_jets


def _tiny(**kw) -> ParticleNetTagger:
    args = dict(n_particles=N, k=4, channels=((8, 8), (8,)), head=(8,), epochs=1, batch_size=64)
    return ParticleNetTagger(**{**args, **kw})


@pytest.fixture(scope="module")
def toy():
    return _toy_jets(200, seed=1)


@pytest.fixture(scope="module")
def fitted(toy):
    x, y = toy
    return _tiny(epochs=2).fit(x, y, seed=0)


def _spread_jets(n: int, seed: int, n_max: int = 16) -> tuple[JetInputs, np.ndarray]:
    """Two classes that differ only in angular spread: σ(Δη) = σ(Δφ) = 0.04 (class 0) or
    0.12 rad (class 1); same pT spectrum and multiplicity distribution."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    counts = rng.integers(3, n_max + 1, n)
    mask = np.arange(n_max)[None, :] < counts[:, None]
    pt = np.sort(rng.exponential(40.0, (n, n_max)), axis=1)[:, ::-1] + 1.0
    sigma = np.where(y == 0, 0.04, 0.12)[:, None, None]
    angles = rng.normal(0.0, 1.0, (n, n_max, 2)) * sigma
    e = pt * np.cosh(angles[..., 0])
    particles = np.concatenate([pt[..., None], angles, e[..., None]], axis=-1)
    particles = np.where(mask[..., None], particles, 0.0).astype(np.float32)
    features = np.zeros((n, len(HLF_FEATURES)), np.float32)
    features[:, HLF_FEATURES.index("j_multiplicity")] = counts
    return JetInputs(features, particles, mask), y


def _garbage_padding(x: JetInputs, rng) -> JetInputs:
    parts = x.particles.copy()
    parts[~x.mask] = rng.normal(0.0, 3.0, size=(int((~x.mask).sum()), parts.shape[-1]))
    return JetInputs(x.features, parts, x.mask, x.feature_names)


def test_probabilities_shape_and_parameter_count(toy, fitted):
    x, y = toy
    p = fitted.predict_proba(x)
    assert p.shape == (len(y), 5) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert fitted.n_params == fitted.model_.count_params() > 0
    # two blocks of edge MLPs on [x_i, x_j - x_i]; shortcuts; head on pooled + multiplicity
    f = 7
    expected = (2 * f * 8 + 8) + (8 * 8 + 8) + (f * 8 + 8)  # block 0: edge MLP + shortcut
    expected += (2 * 8 * 8 + 8) + (8 * 8 + 8)  # block 1
    expected += (8 + 1) * 8 + 8 + 8 * 5 + 5  # head (with multiplicity) + output
    assert fitted.n_params == expected


def test_knn_picks_the_nearest_real_particles_only():
    """Brute-force reference: for every real particle, its weighted neighbours are the k
    nearest *other real* particles; a lone particle uses itself; padding is never used."""
    rng = np.random.default_rng(3)
    n, size, k = 30, 10, 4
    counts = rng.integers(1, size + 1, n)
    counts[:3] = [1, 2, 3]  # fewer real particles than k + 1
    mask = (np.arange(size)[None, :] < counts[:, None]).astype(np.float32)
    coords = rng.normal(0, 0.3, (n, size, 2)).astype(np.float32)
    coords[mask == 0] = 0.0  # padding sits at the jet axis, close to everything
    knn = _layers()[0](k)
    index, weight = (np.asarray(t) for t in knn(coords, mask))
    assert index.shape == weight.shape == (n, size, k)
    for b in range(n):
        real = np.flatnonzero(mask[b])
        for i in real:
            used = index[b, i][weight[b, i] > 0]
            assert np.all(mask[b, index[b, i]] == 1), "an unused slot points to padding"
            others = real[real != i]
            if len(others) == 0:
                assert list(used) == [i]
                continue
            d = ((coords[b, others] - coords[b, i]) ** 2).sum(-1)
            want = others[np.argsort(d, kind="stable")[:k]]
            assert sorted(used) == sorted(want)
            assert weight[b, i].sum() == min(k, len(others))


def test_permutation_invariance_of_the_real_particles(toy, fitted):
    x, _ = toy
    rng = np.random.default_rng(4)
    parts = x.particles.copy()
    for i in range(len(x)):
        real = np.flatnonzero(x.mask[i])
        parts[i, real] = x.particles[i, rng.permutation(real)]
    shuffled = JetInputs(x.features, parts, x.mask, x.feature_names)
    assert not np.array_equal(parts, x.particles)
    np.testing.assert_allclose(fitted.predict_proba(shuffled), fitted.predict_proba(x), atol=1e-5)


def test_padding_never_changes_the_prediction(toy, fitted):
    """Garbage in the padded slots of the *network inputs* (features and graph coordinates,
    bypassing the zeroing of the preprocessing) changes nothing, nor does more padding."""
    x, _ = toy
    rng = np.random.default_rng(5)
    inputs = fitted._network_inputs(x, fitted.scaler_, fitted.multiplicity_scaler_)
    feats, mask, coords = inputs[0].copy(), inputs[1], inputs[2].copy()
    pad = mask == 0
    assert pad.any()
    feats[pad] = rng.normal(0, 5, (int(pad.sum()), feats.shape[-1]))
    coords[pad] = rng.normal(0, 0.01, (int(pad.sum()), 2))  # right next to the real ones
    clean = np.asarray(fitted.model_(inputs, training=False))
    dirty = np.asarray(fitted.model_([feats, mask, coords, *inputs[3:]], training=False))
    np.testing.assert_allclose(dirty, clean, atol=1e-6)
    # through the tagger: garbage constituents in the padding of JetInputs
    np.testing.assert_allclose(
        fitted.predict_proba(_garbage_padding(x, rng)), fitted.predict_proba(x), atol=1e-6
    )
    # the same jets padded to a wider array: the model reads the same N slots
    wide = JetInputs(
        x.features,
        np.concatenate([x.particles, np.zeros((len(x), 4, 4), np.float32)], axis=1),
        np.concatenate([x.mask, np.zeros((len(x), 4), bool)], axis=1),
        x.feature_names,
    )
    np.testing.assert_allclose(fitted.predict_proba(wide), fitted.predict_proba(x), atol=1e-6)


def test_jets_with_fewer_particles_than_k(toy):
    """k larger than the number of real particles (1 or 2) and than N itself: finite
    probabilities that ignore the padding."""
    x, y = toy
    counts = np.where(np.arange(len(y)) % 2 == 0, 1, 2)
    mask = np.arange(N)[None, :] < counts[:, None]
    few = JetInputs(x.features, np.where(mask[..., None], x.particles, 0.0), mask)
    tagger = _tiny(k=12).fit(few, y, seed=1)
    p = tagger.predict_proba(few)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    rng = np.random.default_rng(6)
    np.testing.assert_allclose(tagger.predict_proba(_garbage_padding(few, rng)), p, atol=1e-6)


def test_learns_the_angular_spread():
    """Only the opening of the jet separates the classes: EdgeConv on (Δη, Δφ) finds it."""
    x, y = _spread_jets(800, seed=0)
    x_test, y_test = _spread_jets(400, seed=1)
    tagger = ParticleNetTagger(
        n_particles=16,
        k=6,
        channels=((16, 16), (16,)),
        head=(16,),
        n_classes=2,
        use_multiplicity=False,
        epochs=8,
        batch_size=64,
        learning_rate=5e-3,
    ).fit(x, y, seed=0)
    assert metrics.accuracy(y_test, tagger.predict_proba(x_test)) > 0.85  # chance: 0.5


def test_save_load_round_trip(toy, fitted, tmp_path):
    x, _ = toy
    path = fitted.save(tmp_path / "pn")
    again = ParticleNetTagger.load(path)
    np.testing.assert_array_equal(again.predict_proba(x), fitted.predict_proba(x))
    assert again.get_params() == fitted.get_params()


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"k": 0}, "k .* >= 1"),
        ({"k": 2.5}, "k .* integer"),
        ({"channels": ()}, "at least one EdgeConv block"),
        ({"channels": ((8,), ())}, "at least one width"),
        ({"channels": ((8, 0),)}, "widths must be integers >= 1"),
        ({"head": (-1,)}, "widths must be integers >= 1"),
    ],
)
def test_bad_hyper_parameters_raise_at_fit(toy, kw, match):
    x, y = toy
    tagger = _tiny(**kw)  # __init__ only stores them
    with pytest.raises(ValueError, match=match):
        tagger.fit(x, y)
    with pytest.raises(ValueError, match=match):
        build_particlenet(N, **{"k": 4, "channels": ((8,),), **kw})
