"""Benchmark ``generative``: fast-simulation generators judged against the reference simulator.

Prints ``{"generators": {NAME: {"auc_high_level", "auc_low_level", "fpd",
"w1_mean", "showers_per_s"}}, "reference": {"auc_high_level",
"auc_low_level", "showers_per_s": {E: value}}, "setup": {...}}`` for ``vae``,
``gan`` and ``flow_matching``.

Every number is measured afresh.  By default the generators are the shipped
weights of ``data/models/generative`` (sha256 verified; ``setup.weights``
says so); ``--train EPOCHS`` trains each generator afresh on the ``calo``
training split instead.  Metrics compare showers generated at the test
split's incident energies with the test split; the reference row is the
simulator against itself (fresh showers, new seed).  Speeds are showers per
second on this CPU — the generators' at 50 GeV, the simulator's at each
energy of ``--energies``.  ``reference.showers_per_s`` is the simulator in
one process (it is single-threaded NumPy), while TensorFlow runs the
generators on every core; ``setup.reference_showers_per_s_all_cores`` and
``setup.speed_up_at_50_gev_all_cores`` repeat the comparison with the
simulator in one process per core, like for like.
"""

from __future__ import annotations

import argparse
import time

SPEED_ENERGY_GEV = 50.0


def run(argv: list[str]) -> dict:
    """Measure and return the benchmark's JSON."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench generative")
    parser.add_argument(
        "--train",
        type=int,
        default=None,
        metavar="EPOCHS",
        help="train each generator afresh for EPOCHS (default: shipped weights)",
    )
    parser.add_argument("--generators", default="vae,gan,flow_matching")
    parser.add_argument("--n-test", type=int, default=None, help="use only N test showers")
    parser.add_argument("--energies", default="10,50,200", help="simulator speed energies, GeV")
    parser.add_argument("--low-level-epochs", type=int, default=30)
    parser.add_argument(
        "--n-speed", type=int, default=10000, help="showers per generator speed measurement"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import numpy as np

    from hepml_course.generative import (
        MODELS_DIR,
        calo_split,
        layer_sizes,
        load_pretrained,
        make_generator,
        metric_table,
        reference_simulator,
        simulate,
        simulator_speed_all_cores,
    )
    from hepml_course.metrics.generative import showers_per_second

    names = [n for n in args.generators.split(",") if n]
    energies = [float(e) for e in args.energies.split(",")]
    train, test = calo_split()
    test = test.subset(args.n_test)
    generators, setup_train = {}, {}
    for name in names:
        if args.train is None:
            generators[name] = load_pretrained(name)
        else:
            start = time.perf_counter()
            generators[name] = make_generator(
                name, layer_sizes=layer_sizes(reference_simulator().geometry), epochs=args.train
            ).fit(train.voxels_gev, train.e_inc_gev, seed=args.seed)
            setup_train[name] = round(time.perf_counter() - start, 1)

    samples = {n: g.generate(test.e_inc_gev, seed=args.seed + 1) for n, g in generators.items()}
    samples["reference"] = simulate(test.e_inc_gev, seed=args.seed + 12345)
    rows = metric_table(test, samples, seed=args.seed, low_level_epochs=args.low_level_epochs)

    result: dict = {"generators": {}, "reference": {}}
    for name, gen in generators.items():
        speed = showers_per_second(gen.generate, SPEED_ENERGY_GEV, args.n_speed, repeats=2)
        result["generators"][name] = {
            "auc_high_level": round(rows[name]["auc_high_level"], 4),
            "auc_low_level": round(rows[name]["auc_low_level"], 4),
            "fpd": round(rows[name]["fpd"], 4),
            "w1_mean": round(rows[name]["w1_mean"], 4),
            "showers_per_s": round(speed, 1),
        }
    sim = reference_simulator()
    result["reference"] = {
        "auc_high_level": round(rows["reference"]["auc_high_level"], 4),
        "auc_low_level": round(rows["reference"]["auc_low_level"], 4),
        "showers_per_s": {
            f"{e:g}": round(
                showers_per_second(
                    lambda en: sim.simulate(en, seed=1), e, max(50, int(20000 / e)), repeats=2
                ),
                1,
            )
            for e in energies
        },
    }
    sim_all_cores = simulator_speed_all_cores(
        SPEED_ENERGY_GEV, max(100, int(40000 / SPEED_ENERGY_GEV)), repeats=2
    )
    result["setup"] = {
        "weights": (
            f"shipped, loaded from {MODELS_DIR.relative_to(MODELS_DIR.parents[2])} (sha256 checked)"
            if args.train is None
            else f"trained afresh: {args.train} epochs, seed {args.seed}, times (s) {setup_train}"
        ),
        "n_test_showers": len(test),
        "generator_speed_energy_gev": SPEED_ENERGY_GEV,
        "reference_row": "simulator vs test split (fresh showers, new seed)",
        "fpd_err": {n: round(rows[n]["fpd_err"], 4) for n in rows},
        "speed_up_at_50_gev": {
            n: round(result["generators"][n]["showers_per_s"] / v, 1)
            for n in generators
            if (v := result["reference"]["showers_per_s"].get(f"{SPEED_ENERGY_GEV:g}"))
        },
        "reference_showers_per_s_all_cores": {f"{SPEED_ENERGY_GEV:g}": round(sim_all_cores, 1)},
        "speed_up_at_50_gev_all_cores": {
            n: round(result["generators"][n]["showers_per_s"] / sim_all_cores, 1)
            for n in generators
        },
        "n_voxels": int(np.shape(test.voxels_gev)[1]),
    }
    return result
