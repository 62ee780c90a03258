"""``python -m hepml_course.generative.train NAME --seed S --epochs E``: train, save a generator.

Trains generator ``NAME`` (``vae``, ``gan``, ``flow_matching``, ``distilled``)
and saves it as the folder ``data/models/generative/NAME/`` (or
``--out``/NAME), then rewrites the card.  The training showers are, by
default, the training split of the shipped ``calo`` dataset; ``--large N``
trains on the training part of a large simulated sample of N showers
(:mod:`hepml_course.generative.training_data`: generated on first use,
reused afterwards) and then judges the generator on its validation part
(per-group classifier AUCs, stored in the record: the numbers on which
hyper-parameters are chosen).  ``--data FILE`` takes another ``calo`` ROOT
file or a CaloChallenge dataset-1-photon HDF5 file (``.h5``/``.hdf5``).
The shipped recipes (:data:`RECIPES`) set each generator's hyper-parameters.
``distilled`` learns from a saved flow-matching teacher (``--teacher``,
default the shipped one).
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

#: Training length of the shipped weights (epochs over the training showers).
DEFAULT_EPOCHS = {"vae": 80, "gan": 60, "flow_matching": 600, "distilled": 40}
#: Hyper-parameters of the shipped recipes (on top of each class's defaults).
RECIPES: dict[str, dict[str, Any]] = {
    "vae": {},
    "gan": {},
    "flow_matching": {"hidden": (512, 512, 512), "batch_size": 256, "energy_batch_size": 512},
    "distilled": {},
}


def command_line(
    name: str,
    seed: int,
    epochs: int,
    batch_size: int,
    n_train: int | None,
    augment: bool = False,
    large: int | None = None,
    teacher: str | None = None,
) -> str:
    """The reproducible command that trains ``name`` with these settings."""
    cmd = f"python -m hepml_course.generative.train {name} --seed {seed} --epochs {epochs}"
    if augment:
        cmd += " --augment"
    if batch_size != 128:
        cmd += f" --batch-size {batch_size}"
    if n_train is not None:
        cmd += f" --n-train {n_train}"
    if large is not None:
        cmd += f" --large {large}"
    if teacher is not None:
        cmd += f" --teacher {teacher}"
    return cmd


def training_showers(
    data_path: str | Path | None, large: int | None, progress: bool = True
) -> tuple[Any, Any, str | None]:
    """(training showers, validation showers or None, sha256 of the data file)."""
    from hepml_course.data import registry
    from hepml_course.generative.showers import Showers, calo_split, load_calo
    from hepml_course.generative.training_data import large_sample, split_large

    if data_path is not None and large is not None:
        raise SystemExit("give either --data or --large, not both")
    if large is not None:
        file = large_sample(large, progress=progress)
        train_set, validation = split_large(load_calo(file))
        return train_set, validation, (registry.read_sidecar(file) or {}).get("sha256")
    if data_path is not None and Path(data_path).suffix.lower() in (".h5", ".hdf5"):
        from hepml_course.data.calochallenge import read_calochallenge
        from hepml_course.data.rootio import sha256sum

        voxels, e_inc = read_calochallenge(data_path)
        return Showers(voxels, e_inc), None, sha256sum(Path(data_path))
    file = Path(data_path) if data_path else registry.shipped_path("calo")
    train_set, _ = calo_split(data_path)
    return train_set, None, (registry.read_sidecar(file) or {}).get("sha256")


def validation_metrics(gen: Any, validation: Any, seed: int) -> dict[str, Any]:
    """The generator judged on validation showers: high-level AUC, per-group AUCs, response."""
    from hepml_course.generative.evaluate import reference_simulator
    from hepml_course.metrics import generative as gm

    geometry = reference_simulator().geometry
    voxels = gen.generate(validation.e_inc_gev, seed=seed + 101)
    row = gm.metric_summary(
        validation.voxels_gev,
        validation.e_inc_gev,
        voxels,
        validation.e_inc_gev,
        geometry,
        seed=seed,
        low_level=False,
    )
    groups = gm.classifier_auc_by_group(
        validation.voxels_gev, validation.e_inc_gev, voxels, validation.e_inc_gev, geometry, seed
    )
    response = voxels.sum(axis=1) / validation.e_inc_gev
    return {
        "n_validation": len(validation),
        "auc_high_level": round(row["auc_high_level"], 4),
        "auc_by_group": {k: round(v, 4) for k, v in groups.items()},
        "fpd": round(row["fpd"], 4),
        "w1_mean": round(row["w1_mean"], 4),
        "response_mean": round(float(response.mean()), 5),
        "response_std": round(float(response.std()), 5),
    }


def train(
    name: str,
    seed: int = 0,
    epochs: int | None = None,
    batch_size: int | None = None,
    n_train: int | None = None,
    out: str | Path | None = None,
    data_path: str | Path | None = None,
    verbose: bool = True,
    augment: bool = False,
    max_train_s: float | None = None,
    large: int | None = None,
    teacher: str | None = None,
) -> tuple[Any, Path]:
    """Train generator ``name`` and save it.

    With ``augment``, every epoch sees randomly rotated and mirrored showers
    (the geometry's α symmetry, :mod:`hepml_course.generative.augmentation`).
    With ``large``, the training showers are the large simulated sample's and
    the record holds the generator's metrics on its validation part.

    Returns
    -------
    (generator, folder of the saved model)
    """
    from hepml_course.generative.base import layer_sizes
    from hepml_course.generative.pretrained import MODELS_DIR, write_card
    from hepml_course.generative.registry import GENERATORS, make_generator
    from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

    if name not in GENERATORS:
        raise SystemExit(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    if teacher is not None and name != "distilled":
        raise SystemExit("--teacher is for the distilled generator only")
    epochs = DEFAULT_EPOCHS[name] if epochs is None else epochs
    train_set, validation, data_sha = training_showers(data_path, large, progress=verbose)
    train_set = train_set.subset(n_train)
    params = dict(RECIPES[name])
    if name == "distilled":
        if teacher is not None:
            params["teacher"] = teacher
    else:
        params["alpha_bins"] = list(DEFAULT_GEOMETRY.n_alpha) if augment else None
    if batch_size is not None:
        params["batch_size"] = batch_size
    gen = make_generator(name, layer_sizes=layer_sizes(DEFAULT_GEOMETRY), epochs=epochs, **params)
    batch_size = gen.batch_size
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
    extra = {
        "n_train": len(train_set),
        "epochs_requested": epochs,
        "train_time_s": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "finished_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "dataset_sha256": data_sha,
        "final_loss": round(gen.history_["loss"][-1], 5) if gen.history_["loss"] else None,
        "stopped": (
            f"stopped by the wall-time budget --max-train-s {max_train_s:g} after {ran} epochs"
            if ran < epochs
            else None
        ),
    }
    if validation is not None:
        extra["validation"] = validation_metrics(gen, validation, seed)
        if verbose:
            print(f"validation: {extra['validation']}", flush=True)
    # the command that reproduces exactly these weights: the epochs actually run
    gen.epochs = ran
    directory = Path(out) if out else MODELS_DIR
    path = gen.save(
        directory / name,
        overwrite=True,
        command=command_line(name, seed, ran, batch_size, n_train, augment, large, teacher),
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
    parser.add_argument("name", help="vae, gan, flow_matching or distilled")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--epochs", type=int, default=None, help=f"default per generator: {DEFAULT_EPOCHS}"
    )
    parser.add_argument(
        "--batch-size", type=int, default=None, help="default: the generator's recipe"
    )
    parser.add_argument("--n-train", type=int, default=None, help="use only the first N showers")
    parser.add_argument(
        "--out", default=None, help="output folder (default data/models/generative)"
    )
    parser.add_argument(
        "--data",
        default=None,
        help="another calo ROOT file, or a CaloChallenge dataset-1-photon HDF5 file",
    )
    parser.add_argument(
        "--large",
        type=int,
        default=None,
        metavar="N",
        help="train on a large simulated sample of N showers (made on first use, "
        "then reused; its validation part judges the result)",
    )
    parser.add_argument(
        "--teacher",
        default=None,
        help="distilled only: folder of the flow-matching teacher (default: the shipped one)",
    )
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
        large=args.large,
        teacher=args.teacher,
    )
    print(f"saved {path} ({gen.epochs_trained_} epochs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
