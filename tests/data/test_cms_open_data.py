"""The real CMS Open Data files shipped in ``data/cms_open_data/``: bytes and readability."""

from __future__ import annotations

import hashlib

import awkward as ak
import numpy as np
import pytest

from hepml_course import data
from hepml_course.data.paths import REPO_ROOT

FOLDER = REPO_ROOT / "data" / "cms_open_data"
ZMUMU_2010 = FOLDER / "uproot-Zmumu.root"
MUONS_2012 = FOLDER / "Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root"


def _checksums() -> dict[str, str]:
    sums = {}
    for line in (FOLDER / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
    return sums


def test_checksum_file_lists_both_files():
    assert set(_checksums()) == {ZMUMU_2010.name, MUONS_2012.name}


@pytest.mark.parametrize("name", [ZMUMU_2010.name, MUONS_2012.name])
def test_shipped_bytes_match_the_checksums(name):
    digest = hashlib.sha256((FOLDER / name).read_bytes()).hexdigest()
    assert digest == _checksums()[name], f"{name} was modified: its bytes must stay unchanged"


def test_datacard_cites_provenance_and_licences():
    card = (FOLDER / "README.md").read_text()
    for needed in ("CC0", "BSD-3-Clause", "scikit-hep-testdata", "f51b8fb", "(Run, Event)"):
        assert needed in card


def test_not_a_course_dataset():
    assert not any("cms" in name.lower() or "zmumu" in name.lower() for name in data.names())


def test_open_file_reads_the_2010_pair_tree():
    rows = data.open_file(ZMUMU_2010)
    assert len(rows) == 2304
    assert {"Type", "Run", "Event", "pt1", "eta1", "phi1", "Q1", "M"} <= set(rows.fields)
    keys = np.stack([ak.to_numpy(rows.Run), ak.to_numpy(rows.Event)], axis=1)
    assert len(np.unique(keys, axis=0)) == 500  # several pair rows per event


def test_open_file_reads_the_2012_rntuple():
    assert data.list_trees(MUONS_2012) == {"Events": "ROOT::RNTuple"}
    events = data.open_file(MUONS_2012)
    assert len(events) == 1000
    assert set(events.Muon.fields) == {"pt", "eta", "phi", "mass", "charge"}
    pt = events.Muon.pt
    unsorted = ak.sum(ak.any(pt[:, 1:] > pt[:, :-1], axis=1))
    assert 400 < unsorted < 600  # the README's trap: muons are not pT-ordered
