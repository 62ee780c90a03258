"""``python -m hepml_course.bench foundation``: pre-trained + fine-tuned vs from scratch vs DNN.

Measured afresh on the shipped ``jets_v2`` jets with the shipped backbone
(``data/models/foundation/backbone``); the pre-training itself is not re-run
(its numbers come from the backbone's record — the slow test
``tests/foundation/test_shipped_backbone.py`` re-runs its recorded command).
Prints::

    {"pretrain": {"n_jets", "objective", "train_s", "n_params", "holdout_masked_token_accuracy",
                  "command", "weights_sha256"},
     "curves": {N_LABELLED_PER_CLASS: {"scratch_acc", "finetuned_acc", "dnn_acc",
                "scratch_auc_top", "finetuned_auc_top", "dnn_auc_top", "n_train", ...}},
     "transfer": {"scratch_auc", "finetuned_auc", "n_train", "n_test"},
     "n_test"}

``--budgets 500,2000`` restricts the label budgets (jets per class).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace


def run(argv: list[str]) -> dict:
    """Run the study and return the JSON-ready result."""
    from hepml_course.classification import load_jets
    from hepml_course.foundation import PretrainedBackbone
    from hepml_course.foundation.pretrain import default_out
    from hepml_course.foundation.study import BENCH, DATASET, learning_curves, transfer_study

    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench foundation")
    parser.add_argument("--budgets", default=None, help="comma-separated jets per class")
    parser.add_argument("--no-transfer", action="store_true", help="skip the W-vs-Z transfer")
    args = parser.parse_args(argv)
    cfg = BENCH
    if args.budgets:
        chosen = [int(b) for b in args.budgets.split(",")]
        rows = {row[0]: row for row in BENCH.schedule()}
        unknown = [b for b in chosen if b not in rows]
        if unknown:
            parser.error(f"budgets must be among {list(BENCH.budgets)}, got {unknown}")
        _, epochs, rates, finetune_rates = zip(*(rows[b] for b in chosen), strict=True)
        cfg = replace(
            BENCH,
            budgets=tuple(chosen),
            max_epochs=epochs,
            learning_rates=rates,
            finetune_learning_rates=finetune_rates,
        )
    backbone = PretrainedBackbone.load(default_out() / "backbone")
    split = load_jets(
        n_particles=cfg.n_particles, test_fraction=cfg.test_fraction, seed=cfg.seed, dataset=DATASET
    )
    info = backbone.info
    pretrain = {
        "n_jets": info["n_jets"],
        "objective": info["objective"],
        "train_s": info["train_s"],
        "n_params": backbone.n_params,
        "holdout_masked_token_accuracy": info["final"]["holdout_masked_token_accuracy"],
        "command": info.get("command"),
        "weights_sha256": info.get("weights_sha256"),
    }

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    curves = learning_curves(split, backbone, cfg, log=log)
    result = {
        "pretrain": pretrain,
        "curves": {k: {n: round(v, 4) for n, v in row.items()} for k, row in curves.items()},
        "n_test": len(split.y_test),
    }
    if not args.no_transfer:
        transfer = transfer_study(split, backbone, cfg)
        result["transfer"] = {k: round(v, 4) for k, v in transfer.items()}
    return result
