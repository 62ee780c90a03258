"""The bare conditional flow-matching model learns a conditional distribution."""

from __future__ import annotations

import numpy as np

from hepml_course.generative.networks import ConditionalFlow, batches


def test_batches_cover_every_index_once():
    seen = np.concatenate(list(batches(103, 10, np.random.default_rng(0))))
    assert sorted(seen) == list(range(103))


def test_conditional_flow_learns_a_shifted_correlated_gaussian():
    # x ~ N(mean = (2c, −c), corr 0.8): the flow has to learn the shift with c and the correlation
    rng = np.random.default_rng(0)
    n = 4000
    c = rng.uniform(-1, 1, (n, 1)).astype(np.float32)
    z = rng.standard_normal((n, 2))
    x = np.column_stack([z[:, 0], 0.8 * z[:, 0] + 0.6 * z[:, 1]])
    x = (x + np.column_stack([2 * c[:, 0], -c[:, 0]])).astype(np.float32)
    flow = ConditionalFlow(2, 1, (64, 64), n_freq=3, ema_decay=0.99, learning_rate=2e-3)
    losses = [flow.train_epoch(x, c, 128, rng) for _ in range(40)]
    assert losses[-1] < losses[0]
    c_test = np.full((3000, 1), 0.5, dtype=np.float32)
    sample = flow.sample(c_test, n_steps=16, rng=np.random.default_rng(1))
    assert sample.shape == (3000, 2)
    assert np.allclose(sample.mean(axis=0), [1.0, -0.5], atol=0.15)
    assert np.allclose(sample.std(axis=0), [1.0, 1.0], atol=0.15)
    assert np.corrcoef(sample, rowvar=False)[0, 1] > 0.65
