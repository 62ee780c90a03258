"""A toy model with a known likelihood, for the inference tests.

Three observables of each event, with different sensitivity to θ:

- ``x1 ~ Exponential(rate = θ)``   Fisher information 1/θ² per event;
- ``x2 ~ Normal(mean = θ, sd = 1)``  information 1 per event;
- ``x3 ~ Normal(0, 1)``              no information (noise).

So ln p(x|θ) is known exactly: the tests compare learned ratios, estimates and
interval widths with the exact answer.
"""

from __future__ import annotations

import numpy as np
import pytest

GRID = np.array([0.8, 0.9, 1.0, 1.1, 1.2])  # simulated θ values
THETA_REF = 1.0
THETA_TRUE = 1.05  # not a grid value
N_PER_POINT = 20_000


def sample(theta: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 3) events at θ."""
    return np.column_stack(
        [rng.exponential(1.0 / theta, n), rng.normal(theta, 1.0, n), rng.normal(0.0, 1.0, n)]
    )


def exact_log_ratio(x: np.ndarray, theta_grid: np.ndarray, ref: float = THETA_REF) -> np.ndarray:
    """(G, n) exact ln p(x|θ) − ln p(x|θ_ref)."""
    th = np.asarray(theta_grid, dtype=np.float64)[:, None]
    exp_part = (np.log(th) - th * x[:, 0]) - (np.log(ref) - ref * x[:, 0])
    gauss_part = 0.5 * ((x[:, 1] - ref) ** 2 - (x[:, 1] - th) ** 2)
    return exp_part + gauss_part


def fisher_information(theta: float) -> float:
    """Per-event Fisher information of (x1, x2, x3) at θ."""
    return 1.0 / theta**2 + 1.0


@pytest.fixture(scope="session")
def training_set() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X at the grid values, their θ, reference at θ_ref) — 100k events each."""
    rng = np.random.default_rng(1)
    theta = np.repeat(GRID, N_PER_POINT)
    x = np.concatenate([sample(t, N_PER_POINT, rng) for t in GRID])
    reference = sample(THETA_REF, len(x), rng)
    return x, theta, reference


@pytest.fixture(scope="session")
def trained(training_set):
    """A ParametrisedClassifier trained on the toy (≈ 15 s on one core), calibrated on
    an independent reference sample."""
    from hepml_course.inference import ParametrisedClassifier

    x, theta, reference = training_set
    model = ParametrisedClassifier(hidden=(64, 64), epochs=20, batch_size=1024, learning_rate=2e-3)
    model.fit(x, theta, reference=reference, seed=0)
    model.calibrate(sample(THETA_REF, 100_000, np.random.default_rng(2)))
    return model
