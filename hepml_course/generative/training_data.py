"""Showers at scale for training the generators: a large simulated sample, generated or reused.

The shipped ``calo`` file holds 15,000 showers: enough for the chapter, too few
for a generator to learn the joint shape of a shower (CaloChallenge dataset 1
had ~121,000).  The training command therefore simulates a large sample with
the same simulator and settings as ``calo`` but its own seed
(:data:`LARGE_SEED`), through the dataset machinery
(``hepml-course data generate calo --events N --seed S``), and keeps it in
``data/generated/`` (not shipped; ≈ 60 MB and ≈ 1 minute with two workers for
140,000 showers).  A second run finds the file and reuses it after checking its
sha256.

The large sample is split by a fixed permutation (:data:`SPLIT_SEED`) into a
training part and a **validation** part, which is the only place where
hyper-parameters are chosen.  The **test** showers of the benchmark are
simulated afresh with yet another seed (:func:`fresh_test_showers`), so the
three sets are disjoint by construction (different simulator seeds) and none
of them is the shipped file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hepml_course.generative.showers import Showers, load_calo

#: Simulator run seed of the large training sample (the shipped ``calo`` uses 20261201).
LARGE_SEED = 20261207
#: Showers in the large sample (training + validation).
LARGE_SIZE = 140_000
#: Showers of the large sample held out for validation (hyper-parameter choice).
VALIDATION_SIZE = 10_000
#: Seed of the fixed permutation that splits the large sample into training and validation.
SPLIT_SEED = 7
#: Simulator seed of the benchmark's fresh test showers (disjoint from every other set).
TEST_SEED = 20261299


def large_sample_path(n_showers: int = LARGE_SIZE, seed: int = LARGE_SEED) -> Path:
    """Where the large sample of ``n_showers`` showers made with ``seed`` lives."""
    from hepml_course.data.generate import default_output

    return default_output("calo", int(n_showers), int(seed))


def large_sample(
    n_showers: int = LARGE_SIZE,
    seed: int = LARGE_SEED,
    workers: int = 2,
    progress: bool = True,
) -> Path:
    """The large sample's file: reused if present (sha256 verified on load), else simulated.

    Parameters
    ----------
    n_showers
        Number of showers (≥ 2 × :data:`VALIDATION_SIZE`).
    seed
        Simulator run seed; must differ from the shipped ``calo`` seed so that
        the shipped file stays an independent sample.
    workers
        Local worker processes for the simulation.
    progress
        Show a progress bar while simulating.
    """
    from hepml_course.data import generate, registry

    if int(n_showers) < 2 * VALIDATION_SIZE:
        raise ValueError(
            f"n_showers must be at least {2 * VALIDATION_SIZE} (the validation part alone "
            f"is {VALIDATION_SIZE}), got {n_showers}"
        )
    if int(seed) == registry.get("calo").default_seed:
        raise ValueError(
            f"seed {seed} is the shipped calo file's seed: the large sample must be "
            "independent of it; choose another seed"
        )
    path = large_sample_path(n_showers, seed)
    if not path.exists():
        generate(
            "calo", n_events=int(n_showers), seed=int(seed), workers=workers, progress=progress
        )
    return path


def split_large(showers: Showers) -> tuple[Showers, Showers]:
    """Fixed split of a large sample into (training, validation) showers."""
    if len(showers) < 2 * VALIDATION_SIZE:
        raise ValueError(
            f"a large sample needs at least {2 * VALIDATION_SIZE} showers, got {len(showers)}"
        )
    order = np.random.default_rng(SPLIT_SEED).permutation(len(showers))
    val, train = order[:VALIDATION_SIZE], order[VALIDATION_SIZE:]
    return (
        Showers(showers.voxels_gev[train], showers.e_inc_gev[train]),
        Showers(showers.voxels_gev[val], showers.e_inc_gev[val]),
    )


def large_split(
    n_showers: int = LARGE_SIZE, seed: int = LARGE_SEED, workers: int = 2, progress: bool = True
) -> tuple[Showers, Showers]:
    """(training, validation) showers of the large sample (simulated first if needed)."""
    return split_large(load_calo(large_sample(n_showers, seed, workers, progress)))


def fresh_test_showers(n_showers: int, seed: int = TEST_SEED) -> Showers:
    """Test showers simulated afresh: incident energies log-uniform in the ``calo`` range.

    Parameters
    ----------
    n_showers
        Number of showers.
    seed
        Seed of the energies (``seed``) and of the simulation (``seed + 1``).
    """
    from hepml_course.data.datasets.calo import E_MAX_GEV, E_MIN_GEV
    from hepml_course.generative.evaluate import simulate
    from hepml_course.sim.calorimeter import sample_energies

    e_inc = np.asarray(
        sample_energies(int(n_showers), int(seed), "log-uniform", E_MIN_GEV, E_MAX_GEV),
        dtype=np.float64,
    )
    return Showers(simulate(e_inc, seed=int(seed) + 1), e_inc)
