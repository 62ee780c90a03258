"""Every registered dataset ships a file, a checksum record and a complete datacard."""

from __future__ import annotations

import re

import pytest

from hepml_course import data
from hepml_course.data import registry
from hepml_course.data.paths import data_dir

#: Budget of the shipped data files (top level of data/, MiB): a clone stays quick on
#: Binder.  Raised from 60 to 64 for the varying-material calorimeter sample of the
#: systematics chapter, and to 80 for jets_v2 and jets_unlabelled (issue 19 allows the
#: whole data/ folder, weights included, to grow to 90 MB).
MAX_DATA_MB = 80


@pytest.mark.smoke
@pytest.mark.parametrize("name", registry.names())
def test_shipped_file_and_sidecar_exist(name):
    path = registry.shipped_path(name)
    assert path.exists(), f"{path} missing: run `hepml-course data generate {name}`"
    record = registry.read_sidecar(path)
    assert record is not None
    assert record["dataset"] == name
    assert record["version"] == registry.get(name).version
    assert record["seed"] == registry.get(name).default_seed
    assert record["n_events"] == registry.get(name).default_events


@pytest.mark.parametrize("name", registry.names())
def test_datacard_documents_every_branch(name):
    spec = registry.get(name)
    card = (data_dir() / spec.datacard).read_text()
    for tree, branches in spec.trees.items():
        assert f"`{tree}`" in card, f"datacard of {name} does not mention tree {tree}"
        for branch in branches:
            assert re.search(rf"`{re.escape(branch.name)}`", card), (
                f"datacard {spec.datacard} does not document branch {branch.name}"
            )
    assert f"hepml-course data generate {name}" in card


@pytest.mark.smoke
@pytest.mark.parametrize("name", registry.names())
def test_every_tree_loads(name):
    for tree in registry.get(name).trees:
        assert len(data.load(name, tree=tree, entry_stop=10)) > 0


def test_data_folder_stays_small():
    total = sum(p.stat().st_size for p in data_dir().glob("*") if p.is_file())
    assert total < MAX_DATA_MB * 2**20, (
        f"data/ holds {total / 2**20:.1f} MB (limit {MAX_DATA_MB} MB)"
    )


def test_data_folder_with_weights_stays_within_90_mb():
    """Everything shipped under data/ (files, shipped weights, CMS open data), not the
    generated samples (git-ignored): at most 90 MiB (issue 19's budget for jets v2)."""
    generated = data_dir() / "generated"
    total = sum(
        p.stat().st_size
        for p in data_dir().rglob("*")
        if p.is_file() and generated not in p.parents
    )
    assert total < 90 * 2**20, f"data/ holds {total / 2**20:.1f} MiB (limit 90 MiB)"
