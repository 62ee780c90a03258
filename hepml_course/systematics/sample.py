"""The chapter's tagging sample: boosted W/Z jets against QCD jets, with their groomed mass.

One binary task runs through the whole chapter *Uncertainties, systematics and
domain shift*: signal = W → qq̄ and Z → qq̄ jets (labels 2, 3 of the ``jets``
dataset), background = QCD jets (gluon and light-quark, labels 0, 1).  Top jets
are not used.  The groomed (mMDT) jet mass is carried beside the features
because the decorrelation studies must not sculpt it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import awkward as ak
import numpy as np

from hepml_course import data
from hepml_course.classification.jets import HLF_FEATURES

#: Labels of the ``jets`` dataset used as signal (W, Z) and background (g, q).
SIGNAL_LABELS = (2, 3)
BACKGROUND_LABELS = (0, 1)
#: The feature that carries the groomed jet mass (GeV).
MASS_FEATURE = "j_mass_mmdt"
#: Trees of the ``jets`` dataset: the main sample (MPI off) and the MPI-on sample.
TREES = ("jets", "mpi_on")


@dataclass(frozen=True)
class TaggingSample:
    """Jets of the W/Z-vs-QCD task.

    Attributes
    ----------
    x
        High-level features, shape (n_jets, 16), order :attr:`feature_names`.
    y
        Labels, shape (n_jets,), int64: 1 = W/Z jet (signal), 0 = QCD jet.
    mass_gev
        Groomed (mMDT) jet mass in GeV, shape (n_jets,) (also a column of ``x``).
    feature_names
        Names of the columns of ``x``.
    """

    x: np.ndarray
    y: np.ndarray
    mass_gev: np.ndarray
    feature_names: tuple[str, ...] = HLF_FEATURES

    def __post_init__(self) -> None:
        n = len(self.y)
        if self.x.ndim != 2 or self.x.shape != (n, len(self.feature_names)):
            raise ValueError(
                f"x must have shape (n_jets, {len(self.feature_names)}) = "
                f"({n}, {len(self.feature_names)}), got {self.x.shape}"
            )
        if self.mass_gev.shape != (n,):
            raise ValueError(f"mass_gev must have shape ({n},), got {self.mass_gev.shape}")

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, index: np.ndarray) -> TaggingSample:
        """The jets at ``index`` (an integer or boolean array)."""
        return TaggingSample(self.x[index], self.y[index], self.mass_gev[index], self.feature_names)

    @property
    def mass_index(self) -> int:
        """Column of the groomed mass in :attr:`x`."""
        return self.feature_names.index(MASS_FEATURE)


def load_tagging(tree: str = "jets", *, path: str | Path | None = None) -> TaggingSample:
    """Load the W/Z-vs-QCD jets of one tree of the ``jets`` dataset.

    Parameters
    ----------
    tree
        ``"jets"`` (multi-parton interactions off, the simulation the taggers are
        trained on) or ``"mpi_on"`` (MPI on, the shifted "data-like" domain).
    path
        Another file of the ``jets`` dataset (default: the shipped one).

    Returns
    -------
    TaggingSample
        In file order (sorted by class within shards): split with :func:`split_sample`.
    """
    if tree not in TREES:
        raise ValueError(f"tree must be one of {TREES}, got {tree!r}")
    jets = data.load("jets", tree=tree, branches=["label", *HLF_FEATURES], path=path)
    label = ak.to_numpy(jets["label"]).astype(np.int64)
    keep = np.isin(label, SIGNAL_LABELS + BACKGROUND_LABELS)
    x = np.stack([ak.to_numpy(jets[f]).astype(np.float32) for f in HLF_FEATURES], axis=1)[keep]
    if not np.all(np.isfinite(x)):
        raise ValueError(f"non-finite features in tree {tree!r}; regenerate the jets dataset")
    y = np.isin(label[keep], SIGNAL_LABELS).astype(np.int64)
    mass = x[:, HLF_FEATURES.index(MASS_FEATURE)].copy()
    return TaggingSample(x, y, mass, HLF_FEATURES)


def split_sample(
    sample: TaggingSample,
    fractions: tuple[float, float, float] = (0.5, 0.25, 0.25),
    seed: int = 0,
) -> tuple[TaggingSample, TaggingSample, TaggingSample]:
    """Split into training, validation and test jets, stratified by label.

    Parameters
    ----------
    sample
        The jets to split.
    fractions
        Fractions (train, validation, test); positive, summing to 1.
    seed
        Seed of the shuffle (same seed → same split).

    Returns
    -------
    tuple of TaggingSample
        (train, validation, test), disjoint.
    """
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f <= 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {fractions}")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in (0, 1):
        idx = rng.permutation(np.flatnonzero(sample.y == label))
        cut = np.round(np.cumsum(f)[:2] * len(idx)).astype(int)
        for k, chunk in enumerate(np.split(idx, cut)):
            parts[k].append(chunk)
    return tuple(sample.subset(rng.permutation(np.concatenate(p))) for p in parts)  # type: ignore[return-value]
