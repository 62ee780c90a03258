"""A train/test split of the shipped ``calo`` sample shared by the regression tests."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course import data

N_TRAIN = 9000


@pytest.fixture(scope="session")
def calo_split():
    showers = data.load("calo", branches=["incident_energy_gev", "voxel_energy_gev"])
    v = np.asarray(showers.voxel_energy_gev)
    e = np.asarray(showers.incident_energy_gev)
    return v[:N_TRAIN], e[:N_TRAIN], v[N_TRAIN:], e[N_TRAIN:]
