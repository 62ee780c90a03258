"""``hepml-course data {list,info,generate,verify,export,judge-calo}``."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``data`` command and its sub-commands."""
    parser = subparsers.add_parser("data", help="list, describe, generate and verify datasets")
    sub = parser.add_subparsers(dest="data_command", required=True)

    p_list = sub.add_parser("list", help="names of the registered datasets")
    p_list.set_defaults(handler=_list)

    p_info = sub.add_parser("info", help="registry entry of a dataset (JSON)")
    p_info.add_argument("name")
    p_info.set_defaults(handler=_info)

    p_gen = sub.add_parser("generate", help="(re)generate a dataset with its real generators")
    p_gen.add_argument("name")
    p_gen.add_argument("--events", type=int, default=None, help="size (default: the shipped size)")
    p_gen.add_argument(
        "--seed", type=int, default=None, help="run seed (default: the shipped seed)"
    )
    p_gen.add_argument("--workers", type=int, default=1, help="local worker processes")
    p_gen.add_argument(
        "--particles",
        type=int,
        default=None,
        metavar="N",
        help="tracking only: pions per event; every event of the run gets N "
        "(a multiple of 25 in [25, 100000]; output goes to data/generated/)",
    )
    p_gen.add_argument(
        "--dask", metavar="ADDRESS", default=None, help="run shards on this Dask scheduler"
    )
    p_gen.add_argument("--out", default=None, help="output file (default: see `data info`)")
    p_gen.add_argument(
        "--force",
        action="store_true",
        help="replace --out even if it is not a course dataset file (never needed otherwise)",
    )
    p_gen.add_argument("--quiet", action="store_true", help="no progress bar")
    p_gen.set_defaults(handler=_generate)

    p_verify = sub.add_parser("verify", help="check a dataset's checksum and schema")
    p_verify.add_argument("name", nargs="?", help="dataset (all if omitted)")
    p_verify.set_defaults(handler=_verify)

    p_export = sub.add_parser(
        "export", help="write a calorimeter dataset's showers in another format (CaloChallenge)"
    )
    p_export.add_argument("name", choices=EXPORTABLE, help="calorimeter dataset to export")
    p_export.add_argument(
        "--format",
        choices=("calochallenge",),
        required=True,
        help="calochallenge: HDF5 with incident_energies (N, 1) and showers (N, 368), MeV",
    )
    p_export.add_argument("--out", required=True, help="output HDF5 file")
    p_export.add_argument(
        "--split",
        choices=("all", "train", "test"),
        default="all",
        help="the course's fixed train/test split of the showers (default: all)",
    )
    p_export.add_argument(
        "--input",
        default=None,
        metavar="FILE",
        help="a larger file of the dataset made by `hepml-course data generate NAME --out FILE` "
        "(default: the shipped file)",
    )
    p_export.add_argument(
        "--max-showers", type=int, default=None, metavar="N", help="write only the first N"
    )
    p_export.add_argument("--force", action="store_true", help="replace --out if it exists")
    p_export.set_defaults(handler=_export)

    p_judge = sub.add_parser(
        "judge-calo",
        help="the course's shower metrics (JSON) of a CaloChallenge dataset-1-photon file "
        "against a reference file",
    )
    p_judge.add_argument("reference", help="reference CaloChallenge HDF5 file (e.g. Geant4)")
    p_judge.add_argument("generated", help="generated CaloChallenge HDF5 file to judge")
    p_judge.add_argument(
        "--no-low-level", action="store_true", help="skip the (slow) voxel classifier"
    )
    p_judge.add_argument("--seed", type=int, default=0, help="seed of the classifier tests")
    p_judge.add_argument(
        "--max-showers", type=int, default=None, metavar="N", help="use the first N of each file"
    )
    p_judge.set_defaults(handler=_judge_calo)


#: Datasets that ``data export`` can write (the calorimeter showers).
EXPORTABLE = ("calo", "calo_material")


def _list(args: argparse.Namespace) -> int:
    from hepml_course.data import registry

    for name in registry.names():
        print(f"{name:14s} {registry.get(name).title}")
    return 0


def _info(args: argparse.Namespace) -> dict:
    from hepml_course.data import registry

    return registry.info(args.name)


def _generate(args: argparse.Namespace) -> int:
    from hepml_course.data import generate

    options = {"particles": args.particles} if args.particles is not None else None
    path = generate(
        args.name,
        n_events=args.events,
        seed=args.seed,
        workers=args.workers,
        dask_address=args.dask,
        out=args.out,
        progress=not args.quiet,
        force=args.force,
        options=options,
    )
    print(f"wrote {path}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from hepml_course.data import load, registry

    for name in [args.name] if args.name else registry.names():
        spec = registry.get(name)
        for tree in spec.trees:
            n = len(load(name, tree=tree))
            print(f"{name}: tree {tree!r} OK ({n} entries)")
    return 0


def _export(args: argparse.Namespace) -> int:
    import awkward as ak
    import numpy as np

    from hepml_course.data import load
    from hepml_course.data.calochallenge import write_calochallenge
    from hepml_course.generative.showers import Showers, split

    if args.max_showers is not None and args.max_showers < 1:
        raise ValueError(f"--max-showers must be >= 1, got {args.max_showers}")
    arrays = load(
        args.name,
        tree="showers",
        branches=["incident_energy_gev", "voxel_energy_gev"],
        path=args.input,
    )
    showers = Showers(
        np.asarray(ak.to_numpy(arrays["voxel_energy_gev"]), dtype=np.float64),
        np.asarray(ak.to_numpy(arrays["incident_energy_gev"]), dtype=np.float64),
    )
    if args.split != "all":
        train, test = split(showers)
        showers = train if args.split == "train" else test
    showers = showers.subset(args.max_showers)
    path = write_calochallenge(
        args.out,
        showers.voxels_gev,
        showers.e_inc_gev,
        overwrite=args.force,
        attrs={"dataset": args.name, "split": args.split},
    )
    e = showers.e_inc_gev
    print(
        f"wrote {path}: {len(showers)} showers of {args.name!r} (split {args.split}), "
        f"incident energies {e.min():.3g}–{e.max():.3g} GeV, CaloChallenge dataset-1-photon "
        "format (MeV)"
    )
    return 0


def _judge_calo(args: argparse.Namespace) -> dict:
    from hepml_course.generative.calochallenge import judge_calochallenge

    return judge_calochallenge(
        args.reference,
        args.generated,
        seed=args.seed,
        low_level=not args.no_low_level,
        max_showers=args.max_showers,
    )
