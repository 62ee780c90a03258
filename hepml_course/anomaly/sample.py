"""Split the ``l1`` dataset into a background training set, a weighted test set and signals."""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np

from hepml_course.data.datasets.l1 import BACKGROUND_CODES, PROCESS_NAMES, SIGNALS


@dataclass
class TriggerSample:
    """Background for training, weighted background for rates, and the signals.

    Attributes
    ----------
    train
        Background events to train on (unweighted: the pT-hat slices enrich the tails).
    test
        Background events for rates and thresholds.
    test_weight
        Weights of ``test`` (pb), rescaled per process so that Σ w(test) over a
        process equals its full Σ w: the test set alone represents the collisions.
    signals
        Signal name → events.
    """

    train: ak.Array
    test: ak.Array
    test_weight: np.ndarray
    signals: dict[str, ak.Array]


def split_l1(events: ak.Array, train_fraction: float = 0.3, seed: int = 0) -> TriggerSample:
    """Split ``l1`` events per process into train / test background and signals.

    Parameters
    ----------
    events
        Output of ``hepml_course.data.load("l1")`` (needs ``process`` and ``weight``).
    train_fraction
        Share of each background process used for training (the rest sets the rates).
    seed
        Seed of the random split.
    """
    for field in ("process", "weight"):
        if field not in events.fields:
            raise KeyError(f"events lack {field!r}; load the l1 dataset with all branches")
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction}")
    rng = np.random.default_rng(seed)
    process = ak.to_numpy(events.process).astype(int)
    weight = ak.to_numpy(events.weight).astype(np.float64)
    train_idx, test_idx, test_w = [], [], []
    for code in BACKGROUND_CODES:
        idx = np.flatnonzero(process == code)
        if len(idx) < 2:
            continue
        idx = rng.permutation(idx)
        n_train = round(train_fraction * len(idx))
        train_idx.append(idx[:n_train])
        test = np.sort(idx[n_train:])
        test_idx.append(test)
        test_w.append(weight[test] * weight[idx].sum() / weight[test].sum())
    if not test_idx:
        raise ValueError("no background events found in the sample")
    signals = {}
    for name in SIGNALS:
        code = next(c for c, n in PROCESS_NAMES.items() if n == name)
        sel = process == code
        if sel.any():
            signals[name] = events[sel]
    test_order = np.concatenate(test_idx)
    return TriggerSample(
        train=events[np.sort(np.concatenate(train_idx))],
        test=events[test_order],
        test_weight=np.concatenate(test_w),
        signals=signals,
    )
