"""``python -m hepml_course.generative.train NAME --seed S --epochs E``: train, save a generator.

Trains generator ``NAME`` (``vae``, ``gan``, ``flow_matching``) on the
training split of the shipped ``calo`` dataset and saves it as the folder
``data/models/generative/NAME/`` (or ``--out``/NAME), then rewrites the card.
The exact command is stored in the checksummed record, so the shipped weights
can be reproduced.  ``--max-train-s`` stops after the epoch that exceeds a
wall-time budget; the record then holds the command with the epochs actually
run (the same command reproduces the same training) and says so.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

#: Training length of the shipped weights (epochs over the training split).
DEFAULT_EPOCHS = {"vae": 80, "gan": 60, "flow_matching": 600}


def command_line(
    name: str,
    seed: int,
    epochs: int,
    batch_size: int,
    n_train: int | None,
    augment: bool = False,
) -> str:
    """The reproducible command that trains ``name`` with these settings."""
    cmd = f"python -m hepml_course.generative.train {name} --seed {seed} --epochs {epochs}"
    if augment:
        cmd += " --augment"
    if batch_size != 128:
        cmd += f" --batch-size {batch_size}"
    if n_train is not None:
        cmd += f" --n-train {n_train}"
    return cmd


def train(
    name: str,
    seed: int = 0,
    epochs: int | None = None,
    batch_size: int = 128,
    n_train: int | None = None,
    out: str | Path | None = None,
    data_path: str | Path | None = None,
    verbose: bool = True,
    augment: bool = False,
    max_train_s: float | None = None,
) -> tuple[Any, Path]:
    """Train generator ``name`` on the ``calo`` training split and save it.

    With ``augment``, every epoch sees randomly rotated and mirrored showers
    (the geometry's α symmetry, :mod:`hepml_course.generative.augmentation`).

    Returns
    -------
    (generator, folder of the saved model)
    """
    from hepml_course.data import registry
    from hepml_course.generative.base import layer_sizes
    from hepml_course.generative.pretrained import MODELS_DIR, write_card
    from hepml_course.generative.registry import GENERATORS, make_generator
    from hepml_course.generative.showers import calo_split
    from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

    if name not in GENERATORS:
        raise SystemExit(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    epochs = DEFAULT_EPOCHS[name] if epochs is None else epochs
    train_set, _ = calo_split(data_path)
    train_set = train_set.subset(n_train)
    gen = make_generator(
        name,
        layer_sizes=layer_sizes(DEFAULT_GEOMETRY),
        alpha_bins=list(DEFAULT_GEOMETRY.n_alpha) if augment else None,
        epochs=epochs,
        batch_size=batch_size,
    )
    start = time.perf_counter()
    gen.fit(
        train_set.voxels_gev,
        train_set.e_inc_gev,
        seed=seed,
        verbose=verbose,
        max_train_s=max_train_s,
    )
    elapsed = time.perf_counter() - start
    ran = gen.epochs_trained_
    file = Path(data_path) if data_path else registry.shipped_path("calo")
    sidecar = registry.read_sidecar(file) or {}
    extra = {
        "n_train": len(train_set),
        "epochs_requested": epochs,
        "train_time_s": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "finished_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset_sha256": sidecar.get("sha256"),
        "final_loss": round(gen.history_["loss"][-1], 5) if gen.history_["loss"] else None,
        "stopped": (
            f"stopped by the wall-time budget --max-train-s {max_train_s:g} after {ran} epochs"
            if ran < epochs
            else None
        ),
    }
    # the command that reproduces exactly these weights: the epochs actually run
    gen.epochs = ran
    directory = Path(out) if out else MODELS_DIR
    path = gen.save(
        directory / name,
        overwrite=True,
        command=command_line(name, seed, ran, batch_size, n_train, augment),
        seed=seed,
        extra=extra,
    )
    write_card(directory)
    return gen, path


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m hepml_course.generative.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument("name", help="vae, gan or flow_matching")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--epochs", type=int, default=None, help=f"default per generator: {DEFAULT_EPOCHS}"
    )
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n-train", type=int, default=None, help="use only the first N showers")
    parser.add_argument(
        "--out", default=None, help="output folder (default data/models/generative)"
    )
    parser.add_argument("--data", default=None, help="another calo file (default: the shipped one)")
    parser.add_argument(
        "--augment",
        action="store_true",
        help="train on randomly rotated and mirrored showers (the α symmetry)",
    )
    parser.add_argument(
        "--max-train-s",
        type=float,
        default=None,
        help="stop after the epoch that exceeds this wall time (s); the record says so",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    gen, path = train(
        args.name,
        args.seed,
        args.epochs,
        args.batch_size,
        args.n_train,
        args.out,
        args.data,
        verbose=not args.quiet,
        augment=args.augment,
        max_train_s=args.max_train_s,
    )
    print(f"saved {path} ({gen.epochs_trained_} epochs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
