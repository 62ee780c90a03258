"""``python -m hepml_course.bench regression``: train the chapter's calibrations afresh and measure.

Prints ``{"models": {NAME: {"sigma_eff_rel": {E_bin: value}, "response": {E_bin: value},
"stochastic_a", "constant_c", "pull_width"}}}`` for ``linear``, ``bdt`` and ``dnn``
(trained on the first ``--train`` showers of the shipped ``calo`` sample, measured on the rest).
"""

from __future__ import annotations

import argparse

import numpy as np


def run(argv: list[str]) -> dict:
    """Train and evaluate; return the benchmark JSON."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench regression")
    parser.add_argument("--train", type=int, default=10_000, help="training showers")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from hepml_course import data
    from hepml_course.regression import (
        GaussianNLLCalibration,
        GradientBoostedCalibration,
        LinearCalibration,
        evaluate,
    )

    showers = data.load("calo", branches=["incident_energy_gev", "voxel_energy_gev"])
    voxels = np.asarray(showers.voxel_energy_gev)
    energy = np.asarray(showers.incident_energy_gev)
    if not 0 < args.train < len(energy) - 1000:
        raise SystemExit(f"--train must be in (0, {len(energy) - 1000}), got {args.train}")
    tr, te = slice(0, args.train), slice(args.train, None)

    models = {}
    lin = LinearCalibration().fit(voxels[tr], energy[tr], seed=args.seed)
    models["linear"] = evaluate(energy[te], lin.predict(voxels[te]))
    bdt = GradientBoostedCalibration().fit(voxels[tr], energy[tr], seed=args.seed)
    models["bdt"] = evaluate(energy[te], bdt.predict(voxels[te]))
    dnn = GaussianNLLCalibration().fit(voxels[tr], energy[tr], seed=args.seed)
    e_dnn, s_dnn = dnn.predict(voxels[te], return_std=True)
    models["dnn"] = evaluate(energy[te], e_dnn, s_dnn)
    return {"models": {name: ev.as_dict() for name, ev in models.items()}}
