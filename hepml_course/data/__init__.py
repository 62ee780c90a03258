"""The course's data layer: registry, generation, ROOT I/O and loading.

>>> from hepml_course import data
>>> data.names()                       # doctest: +SKIP
>>> events = data.load("dimuon")       # doctest: +SKIP

Files that are not course datasets (CMS Open Data, your own ntuples, TTree or
RNTuple) are read with :func:`open_file`:

>>> real = data.open_file("nanoaod.root", tree="Events")   # doctest: +SKIP
"""

from hepml_course.data.calochallenge import (
    CaloChallengeFormatError,
    read_calochallenge,
    write_calochallenge,
)
from hepml_course.data.errors import (
    ChecksumMismatchError,
    CorruptDatasetError,
    DataError,
    DatasetMissingError,
    GenerationError,
    NotACourseFileError,
    OutputPathError,
    RecordError,
    SchemaError,
    UnknownDatasetError,
)
from hepml_course.data.foreign import list_branches, list_trees, open_file
from hepml_course.data.generate import generate
from hepml_course.data.load import load, verify
from hepml_course.data.registry import get, info, names, shipped_path

__all__ = [
    "CaloChallengeFormatError",
    "ChecksumMismatchError",
    "CorruptDatasetError",
    "DataError",
    "DatasetMissingError",
    "GenerationError",
    "NotACourseFileError",
    "OutputPathError",
    "RecordError",
    "SchemaError",
    "UnknownDatasetError",
    "generate",
    "get",
    "info",
    "list_branches",
    "list_trees",
    "load",
    "names",
    "open_file",
    "read_calochallenge",
    "shipped_path",
    "verify",
    "write_calochallenge",
]
