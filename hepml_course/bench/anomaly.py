"""Benchmark ``anomaly``: trigger efficiencies at fixed rate and DQM detection rates.

Trains every trigger model on the shipped ``l1`` background (fresh, seeded),
sets thresholds on the weighted background test set at 10 kHz, 1 kHz and the
lowest rate at which every trigger keeps ≥ 100 background events, and prints::

    {"rates_khz": [...],
     "models":    {NAME: {SIGNAL: {RATE: efficiency}}},
     "baselines": {NAME: {SIGNAL: {RATE: efficiency}}},
     "dqm":       {FAULT: {"detection_rate", "false_rate"}}}

Options: ``--seed``, ``--epochs`` (AE/VAE/student), ``--teacher-epochs``,
``--path`` (a larger l1 file made with ``hepml-course data generate l1 --events ...``).
"""

from __future__ import annotations

import argparse


def run(argv: list[str]) -> dict:
    """Train, evaluate and return the benchmark JSON (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench anomaly")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--teacher-epochs", type=int, default=8)
    parser.add_argument("--path", default=None, help="l1 file (default: the shipped one)")
    args = parser.parse_args(argv)

    from hepml_course import data
    from hepml_course.anomaly import split_l1, study

    events = data.load("l1", path=args.path, verify_checksum=args.path is None)
    sample = split_l1(events, seed=args.seed)
    models = study.train_trigger_models(
        sample.train, seed=args.seed, epochs=args.epochs, teacher_epochs=args.teacher_epochs
    )
    table = study.trigger_table(
        study.score_all(sample, models), study.score_all(sample, baselines=True)
    )
    dqm = study.run_dqm(events, seed=args.seed)
    table["dqm"] = {
        kind: {"detection_rate": r["detection_rate"], "false_rate": r["false_rate"]}
        for kind, r in dqm.results.items()
    }
    return table
