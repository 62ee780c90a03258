"""Description of a dataset: what it holds, how it is generated, how it is split.

A dataset module in :mod:`hepml_course.data.datasets` defines one
:class:`DatasetSpec` named ``SPEC``.  The registry finds it there, so adding a
dataset never means editing a shared file.

Generation is split into *shards*.  The list of shards (:attr:`DatasetSpec.plan`)
depends only on the requested number of events, the seed and the dataset's
generation options (:attr:`DatasetSpec.plan_options`), never on the number of
workers, so the same name + size + seed + options always gives identical arrays,
whether the shards run in one process, several, or on a Dask cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Largest seed Pythia 8 accepts (``Random:seed`` must be in [0, 900000000]).
MAX_SEED = 900_000_000

#: Default largest run a dataset accepts (a run this size already takes days on a laptop).
MAX_EVENTS = 10_000_000


@dataclass(frozen=True)
class Branch:
    """One branch of a tree.

    Parameters
    ----------
    name
        Branch name in the ROOT file (``Muon_pt``; the counter ``nMuon`` of a
        jagged collection is implicit).
    dtype
        NumPy dtype of the values (``"float32"``, ``"int32"`` ...).
    unit
        Physical unit (``"GeV"``, ``"mm"``, ``"ns"``) or ``""`` if dimensionless.
    doc
        One line: what the branch holds.
    jagged
        True for per-object branches of a jagged collection (``Muon_pt``);
        False for one value per entry.
    shape
        Fixed inner shape for per-entry arrays (e.g. ``(50, 4)`` for padded
        constituents, ``(18, 14)`` for an image); ``()`` for scalars.
    """

    name: str
    dtype: str
    unit: str
    doc: str
    jagged: bool = False
    shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class Shard:
    """One independent piece of a generation run.

    Parameters
    ----------
    dataset
        Dataset name.
    index
        Position of the shard in the plan; shards are concatenated in this order.
    n_events
        Number of entries to produce.
    seed
        Seed of this shard's random generators, derived from the run seed.
    params
        Free-form, picklable settings (e.g. which physics process to generate).
    """

    dataset: str
    index: int
    n_events: int
    seed: int
    params: Mapping[str, Any] = field(default_factory=dict)


#: Output of a shard: tree name → branch name → array (NumPy or Awkward).
ShardOutput = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class DatasetSpec:
    """Everything the data layer knows about a dataset.

    Parameters
    ----------
    name
        Registry name (``"dimuon"``).
    version
        Bumped whenever the generator or its settings change the output.
    title
        One-line description.
    generator
        Tools that produce it (``"Pythia 8.317 + muon smearing"``).
    filename
        File name under ``data/``.
    trees
        Tree name → list of :class:`Branch`.  The first tree is the default one
        read by :func:`hepml_course.data.load`.
    default_events
        Size of the shipped sample, in the unit of :attr:`plan` (usually events).
    default_seed
        Seed of the shipped sample.
    plan
        ``plan(n_events, seed, **options) -> list[Shard]``; ``options`` are the
        names in :attr:`plan_options`, passed only when the user gives them.
    run_shard
        ``run_shard(shard) -> ShardOutput``; a module-level function so that it
        pickles for worker processes and Dask.
    requires
        Python modules needed to *generate* (not to load), for a clear error
        when one is missing.
    max_events
        Largest ``n_events`` a run accepts; larger requests are refused at once
        (before planning) instead of running for weeks.
    plan_options
        Names of the extra keyword arguments :attr:`plan` accepts (dataset-specific
        generation options, e.g. ``("particles",)`` for ``tracking``); ``()`` if none.
        :func:`hepml_course.data.generate` refuses any other option.
    compression
        ``(algorithm, level)`` of the ROOT file's compression, an uproot
        algorithm name: ``("ZSTD", 5)`` (fast) by default, ``("LZMA", 9)`` for
        the large samples where every megabyte of the repository counts.
    """

    name: str
    version: str
    title: str
    generator: str
    filename: str
    trees: Mapping[str, list[Branch]]
    default_events: int
    default_seed: int
    plan: Callable[..., list[Shard]]
    run_shard: Callable[[Shard], ShardOutput]
    requires: tuple[str, ...] = ()
    max_events: int = MAX_EVENTS
    plan_options: tuple[str, ...] = ()
    compression: tuple[str, int] = ("ZSTD", 5)

    def uproot_compression(self) -> Any:
        """The file's compression as an uproot object (e.g. ``uproot.LZMA(9)``)."""
        import uproot

        algorithm, level = self.compression
        return getattr(uproot, algorithm)(level)

    @property
    def default_tree(self) -> str:
        """Name of the tree :func:`~hepml_course.data.load` reads by default."""
        return next(iter(self.trees))

    @property
    def datacard(self) -> str:
        """File name of the datacard (Markdown) under ``data/``."""
        return f"{self.name}.md"

    def branch_names(self, tree: str) -> list[str]:
        """Names of the branches of ``tree`` (without jagged counters)."""
        return [b.name for b in self.trees[tree]]


def shard_seeds(seed: int, n_shards: int) -> list[int]:
    """Derive independent per-shard seeds from a run seed.

    Uses :class:`numpy.random.SeedSequence`, so shard seeds are well separated
    and depend only on ``(seed, shard index)``.

    Parameters
    ----------
    seed
        Run seed (any non-negative integer).
    n_shards
        Number of shards.

    Returns
    -------
    list of int
        Seeds in ``[1, MAX_SEED]`` (Pythia's valid range).
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    children = np.random.SeedSequence(seed).spawn(n_shards)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) % MAX_SEED + 1 for c in children]


def even_shards(
    dataset: str,
    n_events: int,
    seed: int,
    shard_events: int,
    params: Mapping[str, Any] | None = None,
    first_index: int = 0,
) -> list[Shard]:
    """Split ``n_events`` into shards of ``shard_events`` (the last one smaller).

    Parameters
    ----------
    dataset
        Dataset name.
    n_events
        Total number of entries.
    seed
        Run seed; shard ``i`` gets ``shard_seeds(seed, ...)[i]``.
    shard_events
        Entries per shard.
    params
        Settings copied into every shard.
    first_index
        Index of the first shard (to chain several sub-plans, e.g. one per
        physics process, into one plan with distinct seeds).
    """
    if n_events <= 0:
        raise ValueError(f"number of events must be positive, got {n_events}")
    sizes = [shard_events] * (n_events // shard_events)
    if n_events % shard_events:
        sizes.append(n_events % shard_events)
    seeds = shard_seeds(seed, first_index + len(sizes))[first_index:]
    return [
        Shard(dataset, first_index + i, size, s, dict(params or {}))
        for i, (size, s) in enumerate(zip(sizes, seeds, strict=True))
    ]
