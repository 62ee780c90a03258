"""``python -m hepml_course.bench tracking``: GNN tracking measured afresh.

At the nominal density (the chapter's 8 test events, 1,000 pions) the shipped
chain (module map → cuts → edge filter → Interaction Network → tracks) and
the classical triplet baseline on the same graphs give the top-level keys.

``by_multiplicity`` runs the chain on events *simulated now* with ACTS at
250, 1,000, 2,000, 5,000 and 10,000 pions (``--events-per-multiplicity``
each, seeds from ``--seed``, never used for training; needs the
``tracking-gen`` extra), and ``scaling`` fits the CPU time per stage against
the number of pions over 1,000–10,000.  ``--shipped`` uses the shipped
held-out events instead (250, 500, 1,000, 2,000, 4,000 and 10,000 pions), for
machines without ACTS.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import time
from pathlib import Path

import numpy as np

MULTIPLICITIES = (250, 1000, 2000, 5000, 10000)
FIT_RANGE = (1000, 10000)
#: Seed of the fresh events (the shipped data uses 20261130; the bench never trains).
DEFAULT_SEED = 20261207


def _simulate(multiplicity: int, n_events: int, seed: int) -> list[dict]:
    import os

    from hepml_course.data.acts_sim import GunConfig, simulate_events

    os.dup2(2, 1)  # ACTS logs to stdout: keep this child's output off the JSON

    return simulate_events(n_events, seed, GunConfig(n_particles=multiplicity))


def fresh_events(multiplicity: int, n_events: int, seed: int) -> list:
    """``n_events`` events at ``multiplicity`` pions simulated now, in a child process.

    The child keeps ACTS's memory out of this process, so the memory measured
    afterwards belongs to the chain alone.
    """
    import importlib.util

    from hepml_course.data.errors import GenerationError
    from hepml_course.tracking.hits import simulated_hits

    if importlib.util.find_spec("acts") is None:
        raise GenerationError(
            "fresh tracking events need ACTS: `pip install -e '.[tracking-gen]'`, or run "
            "`python -m hepml_course.bench tracking --shipped` to use the shipped events"
        )
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        events = pool.submit(_simulate, multiplicity, n_events, seed).result()
    return [simulated_hits(e) for e in events]


def _rss_mb(field: str) -> float:
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # the peak then covers the whole process (an upper bound)


def measure_multiplicity(chain, events: list) -> dict:
    """Quality, graph size, CPU time per stage and peak memory of the chain on ``events``."""
    from hepml_course.tracking.graph import true_segments

    baseline_rss = _rss_mb("VmRSS")
    _reset_peak()
    outputs = [chain.run(h) for h in events]
    peak = _rss_mb("VmHWM") - baseline_rss
    n_hits = sum(len(h) for h in events)
    graphs = [o.graph for o in outputs]
    quality = chain.evaluate(events, outputs)
    base = chain.evaluate(events, outputs, baseline=True)
    true_edges = sum(len(true_segments(h)[0]) for h in events)
    return {
        "hits": round(n_hits / len(events)),
        "edges_per_hit": round(sum(g.n_edges for g in graphs) / n_hits, 3),
        "true_edges_per_hit": round(true_edges / n_hits, 3),
        "edge_efficiency": round(quality.edge_efficiency, 4),
        "edge_purity": round(quality.edge_purity, 4),
        "track_efficiency": round(quality.track_efficiency, 4),
        "fake_rate": round(quality.fake_rate, 4),
        "duplicate_rate": round(quality.duplicate_rate, 4),
        "trackml_score": round(quality.trackml_score, 4),
        "baseline_track_efficiency": round(base.track_efficiency, 4),
        "baseline_trackml_score": round(base.trackml_score, 4),
        "time_ms": {
            k: round(float(np.mean([o.time_ms[k] for o in outputs])), 1)
            for k in (*outputs[0].time_ms,)
        },
        "peak_rss_mb": round(peak, 1),
    }


def fit_scaling(by_multiplicity: dict, fit_range: tuple[int, int] = FIT_RANGE) -> dict:
    """Exponents of CPU time ∝ pions^α, whole chain and per stage, over ``fit_range``."""
    from hepml_course.metrics.tracking import fit_scaling_exponent

    sizes = [m for m in sorted(by_multiplicity) if fit_range[0] <= m <= fit_range[1]]
    stages = [k for k in by_multiplicity[sizes[0]]["time_ms"] if k != "total"]

    def exponent(key: str) -> float:
        times = [max(by_multiplicity[m]["time_ms"][key], 1e-3) for m in sizes]
        return round(fit_scaling_exponent(sizes, times), 3)

    return {
        "exponent_total": exponent("total"),
        "exponent_by_stage": {k: exponent(k) for k in stages},
        "fit_range": [sizes[0], sizes[-1]],
    }


def _shipped_by_multiplicity(events: list) -> dict[int, list]:
    from hepml_course.tracking import pipeline

    held_out = list(events[pipeline.TEST]) + list(events[pipeline.SCALING])
    held_out.append(events[pipeline.DENSE])
    groups: dict[int, list] = {}
    for hits in held_out:
        n_particles = int(np.unique(hits.particle[hits.particle >= 0]).size)
        key = min((250, 500, 1000, 2000, 4000, 10000), key=lambda m: abs(m - n_particles))
        groups.setdefault(key, []).append(hits)
    return dict(sorted(groups.items()))


def run(argv: list[str]) -> dict:
    """Run the benchmark and return its JSON-able result."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench tracking")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the fresh events")
    parser.add_argument("--events-per-multiplicity", type=int, default=3)
    parser.add_argument(
        "--shipped", action="store_true", help="held-out shipped events instead of fresh ones"
    )
    parser.add_argument("--chain", type=Path, default=None, help="chain folder (default: shipped)")
    args = parser.parse_args(argv)
    if args.events_per_multiplicity < 1:
        parser.error("--events-per-multiplicity must be at least 1")

    from hepml_course.metrics.tracking import fit_scaling_exponent
    from hepml_course.tracking import pipeline

    events = pipeline.load_events()
    chain = pipeline.load_chain(args.chain)
    test = events[pipeline.TEST]
    outputs = [chain.run(h) for h in test]
    gnn = chain.evaluate(test, outputs)
    base = chain.evaluate(test, outputs, baseline=True)

    sizes, seconds = [], []
    for hits in sorted([*events[pipeline.SCALING], test[0]], key=len):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            chain.run(hits)
            best = min(best, time.perf_counter() - start)
        sizes.append(len(hits))
        seconds.append(round(best, 4))

    if args.shipped:
        groups = _shipped_by_multiplicity(events)
    else:
        groups = {
            m: fresh_events(m, args.events_per_multiplicity, args.seed + i)
            for i, m in enumerate(MULTIPLICITIES)
        }
    chain.run(groups[min(groups)][0])  # warm-up (TensorFlow tracing)
    by_multiplicity = {m: measure_multiplicity(chain, groups[m]) for m in sorted(groups)}
    return {
        **gnn.as_dict(),
        "baseline": {
            "track_efficiency": round(base.track_efficiency, 4),
            "fake_rate": round(base.fake_rate, 4),
            "duplicate_rate": round(base.duplicate_rate, 4),
            "trackml_score": round(base.trackml_score, 4),
        },
        "by_multiplicity": by_multiplicity,
        "scaling": {
            "n_hits": sizes,
            "seconds": seconds,
            "exponent": round(fit_scaling_exponent(sizes, seconds), 3),
            **fit_scaling(by_multiplicity),
        },
        "events": "shipped held-out" if args.shipped else f"fresh ACTS, seed {args.seed}+",
    }
