"""``python -m hepml_course.bench sbi``: measure αs with a template fit and a learned ratio.

On the shipped ``eventshapes`` data and the shipped parametrised classifier:

1. the template observable is chosen on validation pseudo-experiments (grid
   events at the grid value nearest the true one), never on the pseudo-data;
2. ``--toys`` disjoint pseudo-experiments of ``--toy-size`` events are drawn
   from the ``pseudo_data`` tree (generated at a θ no training sample used);
3. each is measured with the binned template fit of that observable and with
   the unbinned learned-likelihood scan; coverages, widths and biases follow.

Prints::

    {"parameter", "true_value",
     "template": {"estimate", "interval68", "interval95", "coverage68", ...},
     "learned": {"estimate", "interval68", "interval95", "coverage68", ...},
     "width_ratio_68", "n_toys", ...}

``estimate`` and the intervals are those of the first pseudo-experiment (the
first whose fit succeeded; failed fits count as not covering, ``n_failed``);
``coverage68`` and ``mean_width68`` are over all of them.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hepml_course.bench sbi")
    p.add_argument("--toys", type=int, default=400, help="pseudo-experiments (default 400)")
    p.add_argument("--toy-size", type=int, default=None, help="events per pseudo-experiment")
    p.add_argument("--seed", type=int, default=1, help="seed of the pseudo-experiment draw")
    p.add_argument("--model", default=None, help="folder of another saved classifier")
    p.add_argument("--data", default=None, help="another eventshapes file")
    return p


def _summary(result, intervals) -> dict:
    first = next(i for i in intervals if i is not None)  # neyman_coverage needs one
    return {
        "estimate": first.estimate,
        "interval68": list(first.interval68),
        "interval95": list(first.interval95),
        "coverage68": result.coverage68,
        "coverage68_error": result.coverage68_error,
        "coverage95": result.coverage95,
        "mean_width68": result.mean_width68,
        "bias": result.bias,
        "n_failed": result.n_failed,
    }


def run(argv: list[str]) -> dict:
    """Run the toy study; return the JSON payload."""
    from hepml_course.inference import THETA_SCAN_GRID, TemplateFit, coverage_study
    from hepml_course.inference.sample import PARAMETER, load_eventshapes
    from hepml_course.inference.study import TOY_SIZE, template_widths
    from hepml_course.inference.train import MODELS_DIR, load_pretrained, training_split

    args = _parser().parse_args(argv)
    toy_size = args.toy_size or TOY_SIZE
    start = time.perf_counter()
    grid_train, grid_val, _, _ = training_split(args.data)
    pseudo = load_eventshapes("pseudo_data", path=args.data)
    true_value = float(pseudo.values[0])
    nearest = float(grid_val.values[np.argmin(np.abs(grid_val.values - true_value))])
    widths = template_widths(grid_train, grid_val, value=nearest, toy_size=toy_size, seed=args.seed)
    best = min(widths, key=widths.get)
    template = TemplateFit().fit(grid_train.column(best), grid_train.theta)
    classifier = load_pretrained(args.model or MODELS_DIR)
    study = coverage_study(
        classifier,
        template,
        best,
        pseudo,
        theta_grid=THETA_SCAN_GRID,
        n_toys=args.toys,
        toy_size=toy_size,
        seed=args.seed,
    )
    return {
        "parameter": PARAMETER,
        "true_value": true_value,
        "template": {"observable": best, **_summary(study.template, study.template_intervals)},
        "learned": {
            "observables": list(pseudo.observables),
            **_summary(study.learned, study.learned_intervals),
        },
        "width_ratio_68": study.width_ratio_68,
        "n_toys": args.toys,
        "toy_size": toy_size,
        "template_widths_validation": widths,
        "duration_s": round(time.perf_counter() - start, 1),
    }
