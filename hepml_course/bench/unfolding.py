"""``python -m hepml_course.bench unfolding``: OmniFold vs IBU, stress test and closure.

Stress test: unfold the ``nature`` sample (varied Pythia settings) with the
nominal ``sim`` sample; closure: unfold one half of ``sim`` with the other half.
χ²/ndf use bootstrap covariances (data and simulation resampled, new network
initialisation per OmniFold replica).  Prints::

    {"omnifold": {OBS: {"chi2_ndf", "triangular"}},
     "ibu": {OBS: {"chi2_ndf", "triangular"}},
     "prior": {OBS: {"chi2_ndf"}},
     "closure": {OBS: chi2_ndf}}
"""

from __future__ import annotations

import argparse


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hepml_course.bench unfolding")
    p.add_argument("--events", type=int, default=None, help="events per sample (default: all)")
    p.add_argument("--iterations", type=int, default=3, help="OmniFold iterations")
    p.add_argument("--replicas", type=int, default=5, help="OmniFold bootstrap replicas")
    p.add_argument("--ibu-replicas", type=int, default=100, help="IBU bootstrap replicas")
    p.add_argument("--ibu-iterations", type=int, default=4, help="IBU iterations")
    p.add_argument("--epochs", type=int, default=12, help="maximum epochs per classifier")
    p.add_argument(
        "--central",
        choices=("nominal", "ensemble"),
        default="ensemble",
        help="OmniFold central value: the single nominal fit or the ensemble mean",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--path", default=None, help="another unfolding.root (e.g. a larger one)")
    return p


def run(argv: list[str]) -> dict:
    """Run the stress test and the closure test; return the JSON payload."""
    from hepml_course.unfolding.evaluation import split_closure, unfold_all
    from hepml_course.unfolding.sample import load_sample

    args = _parser().parse_args(argv)
    sim = load_sample("sim", args.events, args.path)
    nature = load_sample("nature", args.events, args.path)
    settings = {"n_iterations": args.iterations, "epochs": args.epochs, "patience": 2}
    stress = unfold_all(
        sim,
        nature,
        omnifold_replicas=args.replicas,
        ibu_replicas=args.ibu_replicas,
        ibu_iterations=args.ibu_iterations,
        seed=args.seed,
        central=args.central,
        **settings,
    )
    half_sim, half_data = split_closure(sim)
    closure = unfold_all(
        half_sim,
        half_data,
        omnifold_replicas=args.replicas,
        ibu_replicas=0,
        seed=args.seed + 100,
        central=args.central,
        **settings,
    )
    return {
        "omnifold": {
            o: {"chi2_ndf": r.chi2_ndf("omnifold"), "triangular": r.triangular("omnifold")}
            for o, r in stress.items()
        },
        "ibu": {
            o: {"chi2_ndf": r.chi2_ndf("ibu"), "triangular": r.triangular("ibu")}
            for o, r in stress.items()
        },
        "prior": {o: {"chi2_ndf": r.chi2_ndf("prior")} for o, r in stress.items()},
        "closure": {o: r.chi2_ndf("omnifold") for o, r in closure.items()},
    }
