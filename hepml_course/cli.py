"""Command-line interface: ``hepml-course ...``.

Sub-commands register themselves in :data:`COMMANDS`; each chapter adds its own
through a small module in :mod:`hepml_course.commands`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import signal
import sys
from collections.abc import Sequence

from hepml_course import commands as _commands_pkg


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command module's sub-parsers."""
    parser = argparse.ArgumentParser(
        prog="hepml-course",
        description="Companion tool of the course 'Machine Learning for Particle Physics'.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module_info in sorted(pkgutil.iter_modules(_commands_pkg.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_commands_pkg.__name__}.{module_info.name}")
        module.register(sub)
    return parser


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hepml-course`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # turn `kill` (SIGTERM) into an exception so writers clean up their temporary files
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        result = args.handler(args)
    except KeyboardInterrupt:
        print("interrupted: no output file was written", file=sys.stderr)
        return 130
    except Exception as err:  # report, do not dump a traceback at users
        from hepml_course.data.errors import DataError

        if isinstance(err, DataError | ValueError | FileNotFoundError):
            print(f"error: {err}", file=sys.stderr)
            return 2
        raise
    if result is not None and not isinstance(result, int):
        print(json.dumps(result, indent=2, default=str))
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
