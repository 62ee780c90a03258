"""``python -m hepml_course.inference.train --seed S``: train and ship the parametrised classifier.

Trains :class:`~hepml_course.inference.ParametrisedClassifier` on the training
split of the ``grid`` tree against the pooled reference of an ``eventshapes``
training sample and saves it as ``data/models/inference/parametrised/`` (or
``--out``), then rewrites the card.

The shipped model learns from a sample five times the shipped file's size,
generated with its own seed (so it shares no event with the shipped
pseudo-data): ``--train-events``/``--train-seed`` name it, and it is generated
into ``data/generated/`` on first use (≈ 10 min on 2 cores) and reused after.
Halving the training sample widened the validation intervals by 10 %, so the
learned ratio is limited by its training statistics.  The exact command, the
seed and the training file's sha256 go into the checksummed record, so the
shipped weights can be reproduced (``tests/inference/test_pretrained.py``, slow).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from hepml_course.data.paths import REPO_ROOT

#: Folder of the shipped model.
MODELS_DIR = REPO_ROOT / "data" / "models" / "inference"
NAME = "parametrised"
#: Fraction of each θ value's grid events kept for validation (never trained on).
VALIDATION_FRACTION = 0.25
#: Seed of the fixed train/validation split of the grid tree.
SPLIT_SEED = 2026
#: Training settings of the shipped model (chosen on validation pseudo-experiments of
#: the grid's validation split: the pooled reference and logarithmic inputs each
#: narrowed the intervals there).
DEFAULTS: dict[str, Any] = {"epochs": 60, "hidden": (128, 128, 128), "batch_size": 1024}


#: The shipped model's training sample: events per αs grid value and run seed
#: (``hepml-course data generate eventshapes --events N --seed S``; not shipped).
TRAINING_SAMPLE: dict[str, int] = {"events": 100_000, "seed": 20261208}


def command_line(seed: int, epochs: int, train_events: int, train_seed: int) -> str:
    """The reproducible command that trains the shipped model with these settings."""
    return (
        f"python -m hepml_course.inference.train --seed {seed} --epochs {epochs} "
        f"--train-events {train_events} --train-seed {train_seed}"
    )


def training_file(
    events: int = TRAINING_SAMPLE["events"],
    seed: int = TRAINING_SAMPLE["seed"],
    *,
    workers: int = 1,
    progress: bool = False,
) -> Path:
    """The ``eventshapes`` training sample of that size and seed, generated if missing.

    It lives in ``data/generated/`` (not shipped, ignored by git) and is reused
    once made; its checksum record is verified whenever it is loaded.
    """
    from hepml_course.data import generate
    from hepml_course.data.paths import data_dir

    path = data_dir() / "generated" / f"eventshapes_{events}ev_seed{seed}.root"
    if not path.exists():
        generate("eventshapes", events, seed, workers=workers, out=path, progress=progress)
    return path


def training_split(data_path: str | Path | None = None):
    """(train, validation) parts of the ``grid`` tree and the ``reference`` tree.

    Returns
    -------
    tuple of EventShapeSample
        ``(grid_train, grid_validation, reference_train, reference_validation)``;
        every part is disjoint from the ``pseudo_data`` tree used for results.
    """
    from hepml_course.inference.sample import load_eventshapes, split

    grid = load_eventshapes("grid", path=data_path)
    reference = load_eventshapes("reference", path=data_path)
    grid_train, grid_val = split(grid, VALIDATION_FRACTION, seed=SPLIT_SEED)
    ref_train, ref_val = split(reference, VALIDATION_FRACTION, seed=SPLIT_SEED + 1)
    return grid_train, grid_val, ref_train, ref_val


def pooled_reference(grid, reference):
    """The denominator sample: every simulated event, pooled (grid values + θ_ref).

    Any density that covers the data can be the reference of the ratios; pooling
    the grid with the θ_ref sample gives the classifier four times more class-0
    events than the θ_ref sample alone.  The calibration sample must be pooled in
    the same proportions.
    """
    import numpy as np

    return np.vstack([grid.X, reference.X])


def train(
    seed: int = 0,
    epochs: int = DEFAULTS["epochs"],
    out: str | Path | None = None,
    data_path: str | Path | None = None,
    train_events: int = TRAINING_SAMPLE["events"],
    train_seed: int = TRAINING_SAMPLE["seed"],
    workers: int = 1,
) -> tuple[Any, Path]:
    """Train the parametrised classifier and save it; returns (model, folder).

    ``data_path`` (an ``eventshapes`` file) replaces the training sample named by
    ``train_events`` and ``train_seed``; the record then holds its sha256 only.
    """
    from hepml_course.data import registry
    from hepml_course.inference.parametrised import ParametrisedClassifier
    from hepml_course.inference.sample import log_feature_indices

    if data_path is None:
        data_path = training_file(train_events, train_seed, workers=workers, progress=True)
        sample_command = registry.regenerate_command("eventshapes", train_events, train_seed)
    else:
        sample_command = None
    grid_train, grid_val, ref_train, ref_val = training_split(data_path)
    model = ParametrisedClassifier(
        hidden=DEFAULTS["hidden"],
        epochs=epochs,
        batch_size=DEFAULTS["batch_size"],
        log_features=log_feature_indices(grid_train.observables),
    )
    start = time.perf_counter()
    model.fit(
        grid_train.X,
        grid_train.theta,
        reference=pooled_reference(grid_train, ref_train),
        seed=seed,
    )
    # normalise the learned ratio on pooled reference events it was not trained on
    model.calibrate(pooled_reference(grid_val, ref_val))
    elapsed = time.perf_counter() - start
    sidecar = registry.read_sidecar(Path(data_path)) or {}
    extra = {
        "observables": list(grid_train.observables),
        "n_train_grid": len(grid_train),
        "n_train_reference": len(grid_train) + len(ref_train),
        "n_calibration_reference": len(grid_val) + len(ref_val),
        "train_time_s": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "finished_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset_sha256": sidecar.get("sha256"),
        "training_sample_command": sample_command,
    }
    directory = Path(out) if out else MODELS_DIR
    if sample_command is None:
        command = f"python -m hepml_course.inference.train --seed {seed} --epochs {epochs}"
        command += f" --data {data_path}"
    else:
        command = command_line(seed, epochs, train_events, train_seed)
    path = model.save(directory / NAME, overwrite=True, command=command, seed=seed, extra=extra)
    write_card(directory)
    return model, path


def load_pretrained(directory: str | Path = MODELS_DIR):
    """The shipped parametrised classifier (every sha256 of its record and files verified)."""
    from hepml_course.inference.parametrised import ParametrisedClassifier

    folder = Path(directory) / NAME
    if not (folder / "record.json").exists():
        raise FileNotFoundError(
            f"no saved parametrised classifier in {directory}; train it with: "
            f"{command_line(0, DEFAULTS['epochs'], **_sample_args())} --out {directory}"
        )
    return ParametrisedClassifier.load(folder)


def _sample_args() -> dict[str, int]:
    return {"train_events": TRAINING_SAMPLE["events"], "train_seed": TRAINING_SAMPLE["seed"]}


def write_card(directory: str | Path = MODELS_DIR) -> Path:
    """(Re)write ``card.md`` from the saved model's verified record."""
    from hepml_course.nn import read_artifact

    directory = Path(directory)
    rec = read_artifact(directory / NAME).record
    extra = rec.get("extra", {})
    lines = [
        '# Model of the chapter "Simulation-based inference"',
        "",
        f"Written by `{rec['command']}` (this card is regenerated by every training run).",
        "The parametrised classifier is trained on the training split (75 % of each αs",
        f"value, `hepml_course.inference.train.SPLIT_SEED` = {SPLIT_SEED}) of the `grid` tree",
        "(class 1, with its αs) against the pooled reference (class 0: the same grid events",
        "and the training split of the `reference` tree, with αs values drawn at random) of",
        "an `eventshapes` training sample five times the shipped file's size, made with its",
        "own seed by the command below (not shipped: `data/generated/`, ≈ 10 min on 2",
        "cores), then normalised (`calibrate`: ln Z(θ) = ln E_ref[r̂]) on the pooled",
        "validation splits. The shipped file's `pseudo_data` tree shares no event with it",
        "and is never used for training or for choices.",
        f"`{NAME}/` is a saved model (`hepml_course.nn.artifacts`): `record.json` holds the",
        "hyper-parameters, the standardisation, the trained θ range, the seed, the command",
        "and the sha256 of every file and of the record itself.",
        "Load with `hepml_course.inference.load_pretrained()`, which checks every sha256.",
        "`tests/inference/test_pretrained.py` (slow) re-runs the command and compares.",
        "",
        f"- command: `{rec['command']}`",
        f"- seed: {rec['seed']}",
        f"- training sample: `{extra.get('training_sample_command')}`",
        f"- hyper-parameters: `{rec['params']}`",
        f"- observables: {', '.join(extra.get('observables', []))}",
        f"- training events: {extra.get('n_train_grid')} at the grid values, "
        f"{extra.get('n_train_reference')} pooled reference; "
        f"{extra.get('n_calibration_reference')} for the calibration",
        f"- training time: {extra.get('train_time_s')} s ({extra.get('machine')}); "
        f"finished {extra.get('finished_utc')}",
        f"- dataset sha256: `{extra.get('dataset_sha256')}`",
        f"- record sha256: `{rec.get('record_sha256')}`",
    ]
    for file, sha in sorted(rec.get("files", {}).items()):
        lines.append(f"- `{NAME}/{file}`: sha256 `{sha}`")
    card = directory / "card.md"
    card.write_text("\n".join(lines) + "\n")
    return card


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m hepml_course.inference.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    parser.add_argument("--out", default=None, help="output folder (default data/models/inference)")
    parser.add_argument(
        "--train-events",
        type=int,
        default=TRAINING_SAMPLE["events"],
        help="events per αs value of the training sample (generated if missing)",
    )
    parser.add_argument("--train-seed", type=int, default=TRAINING_SAMPLE["seed"])
    parser.add_argument("--workers", type=int, default=1, help="processes to generate the sample")
    parser.add_argument(
        "--data", default=None, help="train on this eventshapes file instead of the sample"
    )
    args = parser.parse_args(argv)
    _, path = train(
        args.seed,
        args.epochs,
        args.out,
        args.data,
        args.train_events,
        args.train_seed,
        args.workers,
    )
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
