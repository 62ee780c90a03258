"""Fixtures shared by the data-layer tests."""

from __future__ import annotations

import shutil

import pytest

from hepml_course.data import registry
from hepml_course.data.rootio import sidecar_path


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the shipped dimuon file and its record, with HEPML_COURSE_DATA there."""
    src = registry.shipped_path("dimuon")
    for path in (src, sidecar_path(src)):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv("HEPML_COURSE_DATA", str(tmp_path))
    return tmp_path / src.name
