"""``python -m hepml_course.bench systematics``: decorrelation, nuisances, domain shift, errors.

Measured afresh on the shipped ``jets`` and ``calo_material`` data (every network
is trained in the run; hyper-parameters are chosen on validation splits, the
numbers are on test splits):

- ``decorrelation``: per method (``plain``, ``adversary``, ``disco``, ``mdmm``) the
  background rejection at 50 % signal efficiency and the Jensen–Shannon
  divergence of the QCD groomed-mass distribution before/after that cut;
- ``parametrised``: AUC of the jet-energy-scale-parametrised tagger at a scale it
  was not trained on, and of a tagger trained at that scale;
- ``domain``: accuracy on MPI-on jets of the MPI-off tagger, the
  domain-adversarial one, and one trained on labelled MPI-on jets;
- ``calibration``: expected calibration error of single networks and of a deep
  ensemble;
- ``regression``: coverage of the mixture density network's 68 %/95 % energy
  intervals on showers with varying dead material, the pull width and the gain
  in σ_eff/E over the linear calibration at 1–2 GeV.

Prints::

    {"decorrelation": {METHOD: {"rej50", "jsd_mass", ...}},
     "parametrised": {"interpolation_auc", "dedicated_auc", ...},
     "domain": {"source_only_acc", "adapted_acc", "target_trained_acc", ...},
     "calibration": {"ece_single", "ece_ensemble", ...},
     "regression": {"coverage_68", "coverage_95", "pull_width", "low_e_gain_vs_linear", ...},
     "seconds": {PART: wall time}, "seed", "quick"}
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

PARTS = ("decorrelation", "parametrised", "domain", "calibration", "regression")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hepml_course.bench systematics")
    p.add_argument("--seed", type=int, default=0, help="seed of the splits and trainings")
    p.add_argument(
        "--quick", action="store_true", help="the chapter's short configuration (about 1 min)"
    )
    p.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    return p


def jsonable(value: Any) -> Any:
    """``value`` with NumPy scalars/arrays as Python numbers/lists; other objects dropped."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not _keep(item):
                continue
            converted = jsonable(item)
            if isinstance(item, dict) and item and not converted:
                continue  # a dict of fitted models: nothing JSON in it
            out[str(key)] = converted
        return out
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _keep(value: Any) -> bool:
    """JSON-able values (``None`` included); fitted models and samples are dropped."""
    return value is None or isinstance(
        value, dict | list | tuple | np.ndarray | np.generic | int | float | str
    )


def run(argv: list[str]) -> dict:
    """Run the studies; return the JSON payload."""
    from hepml_course import systematics as sy

    args = _parser().parse_args(argv)
    parts = tuple(args.only or PARTS)
    train, val, test = sy.split_sample(sy.load_tagging(), seed=args.seed)
    studies: dict[str, Callable[[], dict]] = {
        "decorrelation": lambda: sy.decorrelation_study(
            train, val, test, seed=args.seed, quick=args.quick
        ),
        "parametrised": lambda: sy.parametrised_study(
            train, val, test, seed=args.seed, quick=args.quick
        ),
        "domain": lambda: sy.domain_study(seed=args.seed, quick=args.quick),
        "calibration": lambda: sy.calibration_study(
            train, val, test, seed=args.seed, quick=args.quick
        ),
        "regression": lambda: sy.material_study(seed=args.seed, quick=args.quick),
    }
    out: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name in parts:
        start = time.perf_counter()
        out[name] = jsonable(studies[name]())
        seconds[name] = round(time.perf_counter() - start, 1)
    return {**out, "seconds": seconds, "seed": args.seed, "quick": args.quick}
