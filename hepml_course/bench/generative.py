"""Benchmark ``generative``: fast-simulation generators judged against the reference simulator.

Prints ``{"generators": {NAME: {"auc_high_level", "auc_low_level", "fpd",
"w1_mean", "showers_per_s", "auc_by_group": {"energies", "centroids",
"widths", "sparsity"}, "speed_up_at_50_gev", "n_train_showers"}},
"reference": {"auc_high_level", "auc_low_level", "auc_by_group", "fpd",
"showers_per_s": {E: value}}, "setup": {...}}`` for ``vae``, ``gan``,
``flow_matching`` and ``distilled``.

Every number is measured afresh.  By default the generators are the shipped
weights of ``data/models/generative`` (sha256 verified; ``setup.weights``
says so); ``--train EPOCHS`` trains each generator afresh on the ``calo``
training split instead.  The test showers are simulated afresh
(:func:`~hepml_course.generative.training_data.fresh_test_showers`, 12,000
by default, a seed used nowhere else; ``--test shipped`` takes the shipped
file's test split instead).  Metrics compare showers generated at the test
showers' incident energies with them; the reference row is the simulator
against itself (fresh showers, new seed).  Speeds are showers per second on
this CPU — the generators' at 50 GeV, the simulator's at each energy of
``--energies``.  ``reference.showers_per_s`` is the simulator in one process
(it is single-threaded NumPy), while TensorFlow runs the generators on every
core: ``speed_up_at_50_gev`` divides the two, as the CaloChallenge tables
do; ``setup.reference_showers_per_s_all_cores`` and
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
    parser.add_argument("--generators", default="vae,gan,flow_matching,distilled")
    parser.add_argument("--n-test", type=int, default=12000, help="test showers")
    parser.add_argument(
        "--test",
        choices=("fresh", "shipped"),
        default="fresh",
        help="simulate fresh test showers (default) or use the shipped calo test split",
    )
    parser.add_argument("--energies", default="10,50,200", help="simulator speed energies, GeV")
    parser.add_argument("--low-level-epochs", type=int, default=30)
    parser.add_argument(
        "--n-speed", type=int, default=20000, help="showers per generator speed measurement"
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
    from hepml_course.generative.training_data import fresh_test_showers
    from hepml_course.metrics.generative import classifier_auc_by_group, showers_per_second

    names = [n for n in args.generators.split(",") if n]
    energies = [float(e) for e in args.energies.split(",")]
    train, shipped_test = calo_split()
    test = (
        shipped_test.subset(args.n_test)
        if args.test == "shipped"
        else fresh_test_showers(args.n_test)
    )
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
    geometry = reference_simulator().geometry
    by_group = {
        n: classifier_auc_by_group(
            test.voxels_gev, test.e_inc_gev, v, test.e_inc_gev, geometry, seed=args.seed
        )
        for n, v in samples.items()
    }
    sim = reference_simulator()
    sim_speed = {
        f"{e:g}": round(
            showers_per_second(
                lambda en: sim.simulate(en, seed=1), e, max(50, int(20000 / e)), repeats=2
            ),
            1,
        )
        for e in energies
    }
    sim_50 = sim_speed.get(f"{SPEED_ENERGY_GEV:g}") or round(
        showers_per_second(lambda en: sim.simulate(en, seed=1), SPEED_ENERGY_GEV, 400, repeats=2),
        1,
    )

    result: dict = {"generators": {}, "reference": {}}
    for name, gen in generators.items():
        speed = showers_per_second(gen.generate, SPEED_ENERGY_GEV, args.n_speed, repeats=3)
        n_train = (getattr(gen, "record_", {}).get("extra") or {}).get("n_train")
        result["generators"][name] = {
            "auc_high_level": round(rows[name]["auc_high_level"], 4),
            "auc_low_level": round(rows[name]["auc_low_level"], 4),
            "fpd": round(rows[name]["fpd"], 4),
            "w1_mean": round(rows[name]["w1_mean"], 4),
            "showers_per_s": round(speed, 1),
            "auc_by_group": {k: round(v, 4) for k, v in by_group[name].items()},
            "speed_up_at_50_gev": round(speed / sim_50, 1),
            "n_train_showers": int(n_train) if n_train is not None else len(train),
        }
    result["reference"] = {
        "auc_high_level": round(rows["reference"]["auc_high_level"], 4),
        "auc_low_level": round(rows["reference"]["auc_low_level"], 4),
        "auc_by_group": {k: round(v, 4) for k, v in by_group["reference"].items()},
        "fpd": round(rows["reference"]["fpd"], 4),
        "showers_per_s": sim_speed,
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
        "test_showers": (
            "the shipped calo test split"
            if args.test == "shipped"
            else "simulated afresh (hepml_course.generative.training_data.fresh_test_showers)"
        ),
        "generator_speed_energy_gev": SPEED_ENERGY_GEV,
        "reference_row": "simulator vs test showers (fresh showers, new seed)",
        "fpd_err": {n: round(rows[n]["fpd_err"], 4) for n in rows},
        "reference_showers_per_s_at_50_gev": sim_50,
        "reference_showers_per_s_all_cores": {f"{SPEED_ENERGY_GEV:g}": round(sim_all_cores, 1)},
        "speed_up_at_50_gev_all_cores": {
            n: round(result["generators"][n]["showers_per_s"] / sim_all_cores, 1)
            for n in generators
        },
        "n_voxels": int(np.shape(test.voxels_gev)[1]),
    }
    return result
