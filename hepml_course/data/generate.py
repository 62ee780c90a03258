"""Generate a dataset: shards run in local processes or on a Dask cluster.

The shards of a run are fixed by ``(n_events, seed, options)`` (see
:mod:`hepml_course.data.spec`), so the output does not depend on how many
workers ran them.  Results are written in shard order, atomically.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import importlib.util
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
from tqdm.std import tqdm  # text bars: no ipywidgets needed, no IProgress warning

import hepml_course
from hepml_course.data import registry
from hepml_course.data.errors import GenerationError
from hepml_course.data.outputs import check_output
from hepml_course.data.rootio import describe_file, sidecar_path, write_json_atomic, write_trees
from hepml_course.data.spec import DatasetSpec, Shard, ShardOutput


def default_output(
    name: str, n_events: int, seed: int, options: Mapping[str, Any] | None = None
) -> Path:
    """Where ``generate`` writes by default.

    The shipped size and seed without options overwrite the shipped file
    ``data/NAME.root``; anything else goes to
    ``data/generated/NAME-<events>ev-seed<seed>[-<key><value>...].root``, with one
    ``-<key><value>`` per generation option, sorted by key (e.g.
    ``tracking-3ev-seed7-particles10000.root``).  A run with options never
    replaces the shipped file.
    """
    spec = registry.get(name)
    options = dict(options or {})
    if not options and n_events == spec.default_events and seed == spec.default_seed:
        return registry.shipped_path(name)
    suffix = "".join(f"-{key}{options[key]}" for key in sorted(options))
    stem = f"{name}-{n_events}ev-seed{seed}{suffix}"
    return registry.shipped_path(name).parent / "generated" / f"{stem}.root"


def check_options(spec: DatasetSpec, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate the names of a run's dataset-specific generation options.

    Parameters
    ----------
    spec
        The dataset.
    options
        Option name → value (e.g. ``{"particles": 5000}``); None or ``{}`` for none.
        An option whose value is None counts as not given.  The values are checked
        by the dataset's ``plan``.

    Returns
    -------
    dict
        The given options (None values dropped).

    Raises
    ------
    ValueError
        ``options`` is not a mapping, or names an option ``spec.plan_options`` does
        not declare; the message lists the dataset's options.
    """
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise ValueError(f"generation options must be a mapping {{name: value}}, got {options!r}")
    given = {str(k): v for k, v in options.items() if v is not None}
    unknown = sorted(k for k in given if k not in spec.plan_options)
    if unknown:
        known = (
            f"its options are {list(spec.plan_options)} (command line: "
            + ", ".join(f"--{k}" for k in spec.plan_options)
            + ")"
            if spec.plan_options
            else "it takes no generation options"
        )
        raise ValueError(
            f"dataset {spec.name!r} does not accept the generation option(s) {unknown}: {known}"
        )
    return given


def check_requirements(spec: DatasetSpec) -> None:
    """Raise a clear error if a generator package is not installed."""
    missing = [m for m in spec.requires if importlib.util.find_spec(m) is None]
    if missing:
        raise GenerationError(
            f"generating dataset {spec.name!r} needs the Python package(s) {missing}; "
            f"install the course environment with `make setup` (see README.md)"
        )


#: Most local worker processes a run may start.
MAX_WORKERS = 64

#: Seconds to wait for a Dask scheduler before giving up.
DASK_CONNECT_TIMEOUT_S = 5


def _integer(value: object, what: str) -> int:
    """``value`` as an int, refusing bools, fractions and non-numbers with a clear error."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        raise ValueError(f"{what} must be an integer, got {value!r}")
    return int(value)


def check_run(
    spec: DatasetSpec, n_events: object, seed: object, workers: object
) -> tuple[int, int]:
    """Validate the size, seed and workers of a run before any planning.

    Returns
    -------
    tuple of int
        ``(n_events, seed)``.

    Raises
    ------
    ValueError
        Not positive, too large (above ``spec.max_events``), negative seed, or a
        number of workers outside ``[1, MAX_WORKERS]``.
    """
    n = _integer(n_events, "the number of events (--events)")
    if n <= 0:
        raise ValueError(f"the number of events (--events) must be positive, got {n}")
    if n > spec.max_events:
        raise ValueError(
            f"the number of events (--events) {n} is above the limit of {spec.max_events:,} for "
            f"dataset {spec.name!r} (such a run would take weeks): generate at most "
            f"{spec.max_events} events per run, with different --seed values if you need more"
        )
    s = _integer(seed, "the seed (--seed)")
    if s < 0:
        raise ValueError(f"the seed (--seed) must be a non-negative integer, got {s}")
    w = _integer(workers, "the number of workers (--workers)")
    if not 1 <= w <= MAX_WORKERS:
        raise ValueError(
            f"the number of workers (--workers) must be between 1 and {MAX_WORKERS}, got {w}"
        )
    return n, s


def dask_client(address: str) -> Any:
    """Connect to a Dask scheduler, or raise a clear error within a few seconds.

    Raises
    ------
    GenerationError
        ``distributed`` is missing, or no scheduler answers at ``address``.
    """
    try:
        from distributed import Client
    except ImportError as err:
        raise GenerationError(
            "--dask needs the package 'distributed': install the course environment with "
            "`make setup`, or drop --dask to use local processes"
        ) from err
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
    except Exception as err:  # OSError, TimeoutError, ValueError (bad address) ...
        raise GenerationError(
            f"no Dask scheduler answered at --dask {address} within {DASK_CONNECT_TIMEOUT_S} s "
            f"({type(err).__name__}: {err}): start one (`dask scheduler`, then `dask worker "
            "ADDRESS`) and pass its tcp://host:port address, or drop --dask to use local "
            "processes"
        ) from err


def _plain(values: Any) -> Any:
    """Drop Awkward behaviours and parameters (e.g. vector's) so results pickle cleanly."""
    if isinstance(values, ak.Array):
        return ak.Array(ak.without_parameters(values).layout)
    return values


def run_shard(make: Callable[[Shard], ShardOutput], shard: Shard) -> ShardOutput:
    """Run one shard (the unit of work sent to workers) and return picklable arrays."""
    output = make(shard)
    return {tree: {k: _plain(v) for k, v in cols.items()} for tree, cols in output.items()}


def _in_order(
    make: Callable[[Shard], ShardOutput],
    shards: list[Shard],
    workers: int,
    dask_address: str | None,
    progress: bool,
) -> Iterator[ShardOutput]:
    """Yield shard outputs in plan order while they are computed in parallel."""
    task = functools.partial(run_shard, make)
    bar = tqdm(total=sum(s.n_events for s in shards), unit="ev", disable=not progress)
    try:
        if dask_address is not None:
            from distributed import as_completed

            with dask_client(dask_address) as client:
                futures = client.map(task, shards, pure=False)
                index = {f.key: i for i, f in enumerate(futures)}
                done: dict[int, Any] = {}
                nxt = 0
                for future in as_completed(futures):
                    done[index[future.key]] = future
                    bar.update(shards[index[future.key]].n_events)
                    while nxt in done:
                        yield done.pop(nxt).result()
                        nxt += 1
            return
        if workers <= 1:
            for shard in shards:
                out = task(shard)
                bar.update(shard.n_events)
                yield out
            return
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(task, s) for s in shards]
            pending: dict[int, cf.Future] = {}
            nxt = 0
            position = {f: i for i, f in enumerate(futures)}
            try:
                for future in cf.as_completed(futures):
                    if future.exception() is not None:
                        raise future.exception()
                    pending[position[future]] = future
                    bar.update(shards[position[future]].n_events)
                    while nxt in pending:
                        yield pending.pop(nxt).result()
                        nxt += 1
            except BaseException:
                # stop at once: do not let the remaining shards run to completion
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    finally:
        bar.close()


def generate(
    name: str,
    n_events: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    out: str | Path | None = None,
    progress: bool = True,
    force: bool = False,
    options: Mapping[str, Any] | None = None,
) -> Path:
    """Generate dataset ``name`` and write it (ROOT + checksum sidecar) atomically.

    Parameters
    ----------
    name
        Registry name.
    n_events
        Size (the dataset's default, i.e. the shipped size, if None).
    seed
        Run seed (the shipped seed if None).
    workers
        Local worker processes.
    dask_address
        Address of an existing Dask scheduler (``tcp://host:port``); if given,
        shards run there instead of in local processes.
    out
        Output path (see :func:`default_output`).  An existing file there is
        replaced only if it is a course ``name`` dataset (its checksum record
        says so), or with ``force=True``.
    progress
        Show a tqdm progress bar.
    force
        Replace an existing ``out`` even if it is not a course dataset.
    options
        Dataset-specific generation options passed to the dataset's ``plan``
        (names in ``spec.plan_options``, e.g. ``{"particles": 10000}`` for
        ``tracking``).  They are stored in the checksum record (``"options"``) and
        change the default output path (see :func:`default_output`).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    ValueError
        Bad size, seed, number of workers or option (checked before anything runs).
    OutputPathError
        ``out`` cannot or must not be written (checked before anything runs).
    GenerationError
        A generator package is missing, or the Dask scheduler does not answer.
    """
    return generate_spec(
        registry.get(name), n_events, seed, workers, dask_address, out, progress, force, options
    )


def generate_spec(
    spec: DatasetSpec,
    n_events: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    out: str | Path | None = None,
    progress: bool = True,
    force: bool = False,
    options: Mapping[str, Any] | None = None,
) -> Path:
    """:func:`generate` for a :class:`DatasetSpec` object (registered or not)."""
    name = spec.name
    n_events, seed = check_run(
        spec,
        spec.default_events if n_events is None else n_events,
        spec.default_seed if seed is None else seed,
        workers,
    )
    options = check_options(spec, options)
    shards = spec.plan(n_events, seed, **options)  # validates the option values: fails fast
    path = Path(out) if out is not None else default_output(name, n_events, seed, options)
    path = check_output(path, name, force=force)
    check_requirements(spec)
    entries = write_trees(
        path,
        spec.trees,
        _in_order(spec.run_shard, shards, workers, dask_address, progress),
        compression=spec.uproot_compression(),
    )
    record = describe_file(
        path,
        dataset=name,
        version=spec.version,
        generator=spec.generator,
        n_events=n_events,
        seed=seed,
        n_shards=len(shards),
        **({"options": options} if options else {}),
        entries=entries,
        package_version=hepml_course.__version__,
        python=sys.version.split()[0],
    )
    write_json_atomic(sidecar_path(path), record)
    return path
