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
from typing import NoReturn

from hepml_course import commands as _commands_pkg


class CourseParser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``error: ...`` line, like the others."""

    def error(self, message: str) -> NoReturn:
        """Print ``error: MESSAGE (see PROG --help)`` and exit with status 2."""
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command module's sub-parsers."""
    parser = CourseParser(
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


#: Exceptions that mean "bad input" (a path, a file's content, an argument):
#: reported as one ``error: ...`` line, exit status 2.  Anything else is a bug
#: and keeps its traceback.
INPUT_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError, LookupError)


def _message(err: BaseException) -> str:
    """One line for the user; OSError's own text names the file."""
    from hepml_course.data.errors import DataError

    if isinstance(err, DataError) or not isinstance(err, OSError):
        text = str(err)
    else:
        where = f" {err.filename}" if err.filename else ""
        text = f"{err.strerror or err}{':' if where else ''}{where}"
    return " ".join(text.split()) or type(err).__name__


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

        if isinstance(err, (DataError, *INPUT_ERRORS)):
            print(f"error: {_message(err)}", file=sys.stderr)
            return 2
        raise
    if result is not None and not isinstance(result, int):
        print(json.dumps(result, indent=2, default=str))
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
