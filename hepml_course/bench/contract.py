"""``python -m hepml_course.bench contract`` — does every exported model follow the contract?

Prints ``{"models": {"<chapter>.<Class>": {"fit_returns_self", "not_fitted_error",
"save_load_identical", "length_mismatch_error", "public"}}}`` for every model class
(:class:`~hepml_course.nn.Estimator` subclass) in a chapter's ``__all__``.  A class
without an example in its chapter's ``_contract.py`` gets ``false`` everywhere.
"""

from __future__ import annotations

import argparse

from hepml_course.nn.contract import check, collect

#: The packages whose exported models are checked.
PACKAGES = [
    "hepml_course.nn",
    "hepml_course.analysis",
    "hepml_course.classification",
    "hepml_course.regression",
    "hepml_course.tracking",
    "hepml_course.generative",
    "hepml_course.unfolding",
    "hepml_course.anomaly",
    "hepml_course.fpga",
    "hepml_course.inference",
    "hepml_course.systematics",
    "hepml_course.foundation",
]
KEYS = (
    "fit_returns_self",
    "not_fitted_error",
    "save_load_identical",
    "length_mismatch_error",
    "public",
)


def run(argv: list[str]) -> dict:
    """Check every exported model class; ``--only NAME`` restricts to classes containing NAME."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench contract")
    parser.add_argument("--only", default="", help="check only classes whose key contains this")
    args = parser.parse_args(argv)
    models = {}
    for key, (_cls, example, public) in sorted(collect(PACKAGES).items()):
        if args.only not in key:
            continue
        models[key] = check(example(), public) if example else dict.fromkeys(KEYS, False)
    return {"models": models}
