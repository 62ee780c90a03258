"""``python -m hepml_course.bench NAME [options]`` — print one JSON object of fresh measurements."""

from __future__ import annotations

import json
import sys

from hepml_course.bench import available, load


def main(argv: list[str] | None = None) -> int:
    """Run benchmark ``argv[0]`` and print its JSON to stdout."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m hepml_course.bench NAME [options]")
        print("benchmarks: " + ", ".join(available()))
        return 0 if argv else 2
    result = load(argv[0]).run(argv[1:])
    print(json.dumps(result, indent=2, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
