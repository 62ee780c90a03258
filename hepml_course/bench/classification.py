"""``python -m hepml_course.bench classification [--long]``: train and evaluate the chapter's
jet taggers (BDT, DNN, Deep Sets, Particle Transformer, ParticleNet) afresh on the shipped
``jets_v2`` data (the chapter's 15 000 jets; ``--all-jets``: the same schedule on all
50 000; ``--long``: all 50 000, trained longer).

Prints ``{"n_train", "n_test", "models": {NAME: {"accuracy", "auc": {class: …},
"rej50": {class: …}, "n_params", "train_s"}}}``.  ``--long`` uses the longer
training configuration :data:`hepml_course.classification.compare.LONG`.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def run(argv: list[str]) -> dict:
    """Run the comparison and return the JSON-ready result."""
    from hepml_course.classification.compare import CHAPTER, LONG, run_comparison
    from hepml_course.classification.jets import load_jets

    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench classification")
    parser.add_argument("--long", action="store_true", help="longer training, 50 constituents")
    parser.add_argument(
        "--all-jets", action="store_true", help="the chapter's training schedule on all jets"
    )
    args = parser.parse_args(argv)
    cfg = LONG if args.long else CHAPTER
    if args.all_jets:
        cfg = replace(cfg, max_jets=None)
    split = load_jets(
        n_particles=cfg.n_particles,
        test_fraction=cfg.test_fraction,
        seed=cfg.seed,
        max_jets=cfg.max_jets,
        dataset=cfg.dataset,
    )
    results, _, _ = run_comparison(split, cfg)
    models = {
        name: {
            "accuracy": round(r["accuracy"], 4),
            "auc": {k: round(v, 4) for k, v in r["auc"].items()},
            "rej50": {k: round(v, 2) for k, v in r["rej50"].items()},
            "n_params": int(r["n_params"]),
            "train_s": round(r["train_s"], 1),
        }
        for name, r in results.items()
    }
    return _clean(
        {
            "dataset": cfg.dataset,
            "n_train": len(split.y_train),
            "n_test": len(split.y_test),
            "models": models,
        }
    )
