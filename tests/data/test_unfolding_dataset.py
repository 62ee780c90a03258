"""The ``unfolding`` dataset: generation (a few events) and the shipped file's physics."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.data import registry
from hepml_course.data.datasets import unfolding

pytest.importorskip("pythia8mc")


@pytest.fixture(scope="module")
def small():
    return unfolding.generate_sample(unfolding.SAMPLES["sim"], 40, seed=11, batch=50)


def test_generation_is_reproducible_and_selected(small):
    again = unfolding.generate_sample(unfolding.SAMPLES["sim"], 40, seed=11, batch=50)
    for key, values in small.items():
        assert len(values) == 40
        assert np.array_equal(values, again[key], equal_nan=values.dtype.kind == "f")
    assert np.all(small["pass_gen"] | small["pass_reco"])
    g = small["pass_gen"]
    assert np.all(small["gen_pt"][g] > unfolding.JET_PT_MIN_GEV)
    assert np.all(
        (small["gen_zg"][g] == 0) | ((small["gen_zg"][g] >= 0.1) & (small["gen_zg"][g] <= 0.5))
    )
    assert np.all((small["gen_tau21"][g] >= 0) & (small["gen_tau21"][g] <= 1))
    assert np.all(small["gen_mult"][g] >= 1)
    # the detector loses particles: fewer candidates than particles on average
    both = small["pass_gen"] & small["pass_reco"]
    assert small["reco_mult"][both].mean() < small["gen_mult"][both].mean()


def test_schema_matches_the_generator(small):
    names = set(registry.get("unfolding").branch_names("sim"))
    assert names == set(small)
    assert registry.get("unfolding").branch_names("nature") == registry.get(
        "unfolding"
    ).branch_names("sim")


def test_shipped_samples_differ_in_substructure():
    from hepml_course.unfolding import load_sample

    sim, nature = load_sample("sim"), load_sample("nature")
    assert len(sim) == len(nature) == unfolding.SPEC.default_events
    for s in (sim, nature):
        eff = (s.pass_gen & s.pass_reco).sum() / s.pass_gen.sum()
        assert 0.8 < eff < 0.98
        assert (s.pass_reco & ~s.pass_gen).sum() / s.pass_reco.sum() < 0.1
    m_sim = sim.column("mult")[sim.pass_gen]
    m_nat = nature.column("mult")[nature.pass_gen]
    err = np.hypot(m_sim.std() / np.sqrt(len(m_sim)), m_nat.std() / np.sqrt(len(m_nat)))
    assert (m_nat.mean() - m_sim.mean()) / err > 10  # more FSR → more constituents
