"""``python -m hepml_course.bench calo-sim``: showers per second of the reference simulator.

Prints ``{"showers_per_s": {E_GeV: value}, "spots_per_shower": {E_GeV: value}}`` at fixed
incident energies (one process, the default photon configuration).  The cost per shower
grows with energy because the number of energy spots does.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def showers_per_second(energy_gev: float, n: int, seed: int = 0) -> float:
    """Showers per second at one energy (GeV), from simulating ``n`` showers once."""
    from hepml_course.sim.calorimeter import CalorimeterSimulator

    sim = CalorimeterSimulator()
    sim.simulate(np.full(5, energy_gev), seed=seed)  # warm-up
    start = time.perf_counter()
    sim.simulate(np.full(n, energy_gev), seed=seed + 1)
    return n / (time.perf_counter() - start)


def run(argv: list[str]) -> dict:
    """Measure at each energy; return the benchmark JSON."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench calo-sim")
    parser.add_argument("--energies", type=float, nargs="+", default=[10.0, 50.0, 200.0])
    parser.add_argument(
        "--spots", type=float, default=2e6, help="spots simulated per energy (sets n showers)"
    )
    args = parser.parse_args(argv)
    from hepml_course.sim.calorimeter import ReadoutResponse

    per_gev = ReadoutResponse().spots_per_gev
    rates, spots = {}, {}
    for e in args.energies:
        n = max(int(args.spots / (per_gev * e)), 20)
        rates[f"{e:g}"] = showers_per_second(e, n)
        spots[f"{e:g}"] = per_gev * e
    return {"showers_per_s": rates, "spots_per_shower": spots}
