"""The chapter's public names resolve lazily, and OmniFold is a contract model."""

from __future__ import annotations

import hepml_course.unfolding as unfolding
from hepml_course.nn import Estimator


def test_every_public_name_resolves():
    assert "OmniFold" in unfolding.__all__
    assert "ClassifierReweighter" not in unfolding.__all__  # the one reweighter lives in nn
    for name in unfolding.__all__:
        assert getattr(unfolding, name) is not None, name
    assert sorted(dir(unfolding)) == sorted(unfolding.__all__)


def test_omnifold_follows_the_contract_signature():
    assert issubclass(unfolding.OmniFold, Estimator)
    params = unfolding.OmniFold().get_params()
    assert params["n_iterations"] == 3 and params["max_weight"] == 20.0


def test_functions_are_not_shadowed_by_submodules():
    from hepml_course.unfolding import bin_by_bin, ibu, response_matrix  # noqa: F401

    assert callable(ibu) and ibu.__module__ == "hepml_course.unfolding.binned"
    assert callable(unfolding.ibu)
