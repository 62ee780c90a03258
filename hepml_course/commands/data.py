"""``hepml-course data {list,info,generate,verify}``."""

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
