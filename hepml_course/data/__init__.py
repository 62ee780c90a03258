"""The course's data layer: registry, generation, ROOT I/O and loading.

>>> from hepml_course import data
>>> data.names()                       # doctest: +SKIP
>>> events = data.load("dimuon")       # doctest: +SKIP
"""

from hepml_course.data.errors import (
    ChecksumMismatchError,
    CorruptDatasetError,
    DataError,
    DatasetMissingError,
    GenerationError,
    SchemaError,
    UnknownDatasetError,
)
from hepml_course.data.generate import generate
from hepml_course.data.load import load, verify
from hepml_course.data.registry import get, info, names, shipped_path

__all__ = [
    "ChecksumMismatchError",
    "CorruptDatasetError",
    "DataError",
    "DatasetMissingError",
    "GenerationError",
    "SchemaError",
    "UnknownDatasetError",
    "generate",
    "get",
    "info",
    "load",
    "names",
    "shipped_path",
    "verify",
]
