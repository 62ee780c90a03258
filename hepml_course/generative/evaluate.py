"""Judge generators against the reference simulator: the metric table and the speed table.

Used by the chapter and by ``python -m hepml_course.bench generative``.  The
reference row is the simulator against itself: fresh showers simulated at the
test set's incident energies with a new seed, compared with the test set
exactly like a generator — the floor any metric can reach with this sample
size.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from hepml_course.generative.showers import Showers
from hepml_course.metrics import generative as gm


def reference_simulator():
    """The simulator configuration that made the ``calo`` dataset."""
    from hepml_course.data.datasets.calo import SIMULATOR

    return SIMULATOR


#: Spots per simulator chunk in :func:`simulate`: about 40 MB of per-spot arrays instead
#: of the dataset generator's 2 million spots (≈ 300 MB), so that a notebook's kernel stays
#: small.  The showers are as valid, but not the same ones as with the default chunking.
SIMULATE_SPOTS_PER_CHUNK = 250_000


def simulate(e_inc_gev: np.ndarray, seed: int) -> np.ndarray:
    """Fresh reference showers (n, n_voxels), GeV, at the given incident energies.

    The simulator of the ``calo`` dataset, run in chunks of
    :data:`SIMULATE_SPOTS_PER_CHUNK` energy spots to bound its memory.
    """
    sim = dataclasses.replace(reference_simulator(), max_spots_per_chunk=SIMULATE_SPOTS_PER_CHUNK)
    return np.asarray(sim.simulate(e_inc_gev, seed=seed).voxel_energy_gev)


def metric_table(
    test: Showers,
    samples: Mapping[str, np.ndarray],
    geometry=None,
    seed: int = 0,
    low_level: bool = True,
    low_level_epochs: int = 30,
) -> dict[str, dict[str, float]]:
    """One row of metrics (see :func:`~hepml_course.metrics.generative.metric_summary`) per sample.

    Parameters
    ----------
    test
        Reference showers (the held-out test split).
    samples
        Name → generated voxels (n_test, n_voxels) in GeV, made at
        ``test.e_inc_gev``.  Include the simulator's own fresh sample
        (:func:`simulate`) as the baseline row.
    geometry
        Calorimeter geometry (default: the simulator's).
    """
    if geometry is None:
        geometry = reference_simulator().geometry
    rows = {}
    for name, voxels in samples.items():
        rows[name] = gm.metric_summary(
            test.voxels_gev,
            test.e_inc_gev,
            voxels,
            test.e_inc_gev,
            geometry,
            seed=seed,
            low_level=low_level,
            low_level_epochs=low_level_epochs,
        )
    return rows


def speed_table(
    samplers: Mapping[str, Callable[[np.ndarray], object]],
    energies_gev: tuple[float, ...] = (10.0, 50.0, 200.0),
    n_showers: Mapping[str, int] | int = 5000,
    repeats: int = 2,
    clock: str = "wall",
) -> dict[str, dict[float, float]]:
    """Showers per second of each sampler at each energy (GeV), on this CPU, now.

    ``n_showers`` can differ per sampler (the simulator needs fewer to be timed);
    the fastest of ``repeats`` timings is kept.  ``clock="cpu"`` counts CPU
    seconds of this process instead of wall seconds (see
    :func:`~hepml_course.metrics.generative.showers_per_second`).
    """
    out: dict[str, dict[float, float]] = {}
    for name, sample in samplers.items():
        n = n_showers if isinstance(n_showers, int) else n_showers[name]
        out[name] = {
            float(e): gm.showers_per_second(sample, e, n, repeats=repeats, clock=clock)
            for e in energies_gev
        }
    return out


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask; all cores if unknown)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


#: Showers per simulator call in the all-cores speed test (bounds each worker's memory).
_CHUNK = 50


def _simulate_count(args: tuple[float, int, int]) -> int:
    energy_gev, n, seed = args
    done = 0
    for k, start in enumerate(range(0, n, _CHUNK)):
        m = min(_CHUNK, n - start)
        done += len(simulate(np.full(m, energy_gev), seed=1000 * seed + k))
    return done


def simulator_speed_all_cores(
    energy_gev: float, n_showers: int, workers: int | None = None, repeats: int = 1
) -> float:
    """Showers per second of the reference simulator using every core of this CPU.

    The simulator is single-threaded NumPy, while TensorFlow spreads a
    generator's network calls over all cores; for a like-for-like speed-up
    the simulator runs here in ``workers`` processes (default: one per core),
    each simulating its share of ``n_showers``.  The process pool is started
    and warmed up before the clock starts; the fastest of ``repeats`` is kept.

    Each worker is a fresh Python process (≈ 150 MB): meant for the benchmark,
    not for a notebook kernel on a memory-limited machine.
    """
    if n_showers < 1:
        raise ValueError("n_showers must be >= 1")
    workers = workers or usable_cores()
    shares = [len(part) for part in np.array_split(np.arange(n_showers), workers)]
    # spawn, not fork: the parent may run TensorFlow's thread pools
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(_simulate_count, [(energy_gev, 2, k) for k in range(workers)]))
        best = np.inf
        for r in range(max(1, repeats)):
            start = time.perf_counter()
            done = sum(
                pool.map(
                    _simulate_count, [(energy_gev, m, 100 * r + k) for k, m in enumerate(shares)]
                )
            )
            best = min(best, time.perf_counter() - start)
    return float(done / best)
