"""``python -m hepml_course.generative.train NAME --seed S --epochs E``: train, save a generator.

Trains generator ``NAME`` (``vae``, ``gan``, ``flow_matching``) on the
training split of the shipped ``calo`` dataset and writes its weights,
record and card to ``data/models/generative/`` (or ``--out``).  The exact
command is stored in the record, so the shipped weights can be reproduced.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

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
):
    """Train generator ``name`` on the ``calo`` training split and save it.

    With ``augment``, every epoch sees randomly rotated and mirrored showers
    (the geometry's α symmetry, :mod:`hepml_course.generative.augmentation`).

    Returns
    -------
    (generator, path of its JSON record)
    """
    from hepml_course.data import registry
    from hepml_course.generative import GENERATORS, make_generator
    from hepml_course.generative.pretrained import MODELS_DIR, write_card
    from hepml_course.generative.showers import calo_split

    if name not in GENERATORS:
        raise SystemExit(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    epochs = DEFAULT_EPOCHS[name] if epochs is None else epochs
    train_set, _ = calo_split(data_path)
    train_set = train_set.subset(n_train)
    from hepml_course.generative.base import layer_sizes
    from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

    gen = make_generator(
        name,
        seed=seed,
        layer_sizes=layer_sizes(DEFAULT_GEOMETRY),
        alpha_bins=list(DEFAULT_GEOMETRY.n_alpha) if augment else None,
    )
    start = time.perf_counter()
    gen.fit(
        train_set.voxels_gev,
        train_set.e_inc_gev,
        epochs=epochs,
        batch_size=batch_size,
        verbose=verbose,
    )
    elapsed = time.perf_counter() - start
    file = Path(data_path) if data_path else registry.shipped_path("calo")
    sidecar = registry.read_sidecar(file) or {}
    meta = {
        "command": command_line(name, seed, epochs, batch_size, n_train, augment),
        "batch_size": batch_size,
        "n_train": len(train_set),
        "train_time_s": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "dataset_sha256": sidecar.get("sha256"),
        "final_loss": round(gen.history[-1], 5) if gen.history else None,
    }
    directory = Path(out) if out else MODELS_DIR
    path = gen.save(directory, meta)
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
    )
    print(f"saved {path} ({gen.epochs_trained} epochs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
