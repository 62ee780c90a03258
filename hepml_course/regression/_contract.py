"""Contract examples of the chapter's models (see :mod:`hepml_course.nn.contract`)."""

from __future__ import annotations

import numpy as np

from hepml_course.nn.contract import ContractExample
from hepml_course.regression.bdt import GradientBoostedCalibration
from hepml_course.regression.dnn import GaussianNLLCalibration, QuantileCalibration
from hepml_course.regression.linear import LinearCalibration
from hepml_course.regression.mdn import MixtureDensityCalibration
from hepml_course.sim.calorimeter import CalorimeterSimulator, sample_energies


def _showers(n: int = 240) -> tuple[np.ndarray, np.ndarray]:
    """A few simulated low-energy photon showers: voxels (n, 368) and energies (n,), GeV."""
    energy = sample_energies(n, seed=1, e_min_gev=1.0, e_max_gev=8.0)
    showers = CalorimeterSimulator().simulate(energy, seed=2)
    return np.asarray(showers.voxel_energy_gev), np.asarray(showers.incident_energy_gev)


def _linear() -> ContractExample:
    return ContractExample(LinearCalibration(), *_showers())


def _bdt() -> ContractExample:
    return ContractExample(GradientBoostedCalibration(max_iter=5), *_showers())


def _gaussian() -> ContractExample:
    model = GaussianNLLCalibration(hidden=(8,), epochs=2, batch_size=64)
    return ContractExample(model, *_showers(), verb_kwargs={"return_std": True})


def _quantile() -> ContractExample:
    model = QuantileCalibration(hidden=(8,), epochs=2, batch_size=64)
    return ContractExample(
        model, *_showers(), verb_kwargs={"return_std": True, "return_quantiles": True}
    )


def _mdn() -> ContractExample:
    model = MixtureDensityCalibration(
        n_components=2, extra_inputs=(), hidden=(8,), epochs=2, batch_size=64
    )
    return ContractExample(model, *_showers(), verb_kwargs={"return_std": True})


EXAMPLES = {
    "GaussianNLLCalibration": _gaussian,
    "GradientBoostedCalibration": _bdt,
    "LinearCalibration": _linear,
    "MixtureDensityCalibration": _mdn,
    "QuantileCalibration": _quantile,
}
