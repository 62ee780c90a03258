"""A small minibatch loop for trainings that Keras' ``fit`` cannot express.

Adversarial (pivot, domain-adversarial) and penalised (DisCo, mdmm) trainings
update several networks or a Lagrange multiplier per batch.  Their step lives in
the model's module; this loop only shuffles, batches, validates and stops early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LoopResult:
    """What :func:`run_epochs` did.

    Attributes
    ----------
    history
        Per-epoch means of every number the step returned, plus ``val`` (the
        validation criterion).
    best_epoch
        Epoch (0-based) whose state was kept.
    train_s
        Wall time of the loop in seconds.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int = 0
    train_s: float = 0.0


def run_epochs(
    *,
    n_rows: int,
    batch_size: int,
    epochs: int,
    seed: int,
    step: Callable[[np.ndarray, int], dict[str, float]],
    validate: Callable[[], float],
    get_state: Callable[[], object],
    set_state: Callable[[object], None],
    patience: int = 5,
    min_epochs: int = 0,
) -> LoopResult:
    """Run ``step`` over shuffled minibatches and keep the best-validated state.

    Parameters
    ----------
    n_rows
        Number of training rows; ``step`` receives index arrays into them.
    batch_size
        Rows per minibatch (the last, shorter batch of an epoch is dropped when
        it has fewer than half of ``batch_size`` rows).
    epochs
        Maximum number of epochs.
    seed
        Seeds the batch order (same seed → same order).
    step
        ``step(batch_index, epoch) -> {name: value}``: one update on the rows
        ``batch_index`` (shape (batch,), int64); the values are averaged per epoch.
    validate
        Called after every epoch; returns the criterion to minimise.
    get_state, set_state
        Snapshot and restore of everything trained (weights, multipliers), so the
        best epoch's state is restored at the end.
    patience
        Stop after this many epochs without a lower criterion.
    min_epochs
        Never stop before this many epochs (e.g. while an adversary warms up).

    Returns
    -------
    LoopResult
    """
    if n_rows < 1 or batch_size < 1 or epochs < 1:
        raise ValueError(
            f"n_rows, batch_size and epochs must be ≥ 1, got {n_rows}, {batch_size}, {epochs}"
        )
    rng = np.random.default_rng(seed)
    result = LoopResult()
    best, best_state, waited = np.inf, get_state(), 0
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(n_rows)
        sums: dict[str, float] = {}
        n_batches = 0
        for begin in range(0, n_rows, batch_size):
            batch = order[begin : begin + batch_size]
            if n_batches and len(batch) < batch_size // 2:
                break
            for name, value in step(batch, epoch).items():
                sums[name] = sums.get(name, 0.0) + float(value)
            n_batches += 1
        for name, total in sums.items():
            result.history.setdefault(name, []).append(total / n_batches)
        criterion = float(validate())
        result.history.setdefault("val", []).append(criterion)
        if criterion < best:
            best, best_state, waited, result.best_epoch = criterion, get_state(), 0, epoch
        else:
            waited += 1
            if waited >= patience and epoch + 1 >= min_epochs:
                break
    set_state(best_state)
    result.train_s = time.perf_counter() - start
    return result
