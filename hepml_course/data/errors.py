"""Errors of the data layer.

Every error names the file (or the command-line argument) involved and says how
to fix the problem: the command that regenerates a course dataset, or
:func:`hepml_course.data.open_file` for a file that is not one.  Every class
derives from :class:`DataError`, which the ``hepml-course`` command reports as
one ``error: ...`` line.
"""

from __future__ import annotations


class DataError(Exception):
    """Base class of every data-layer error."""


class UnknownDatasetError(DataError, KeyError):
    """The dataset name is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DatasetMissingError(DataError, FileNotFoundError):
    """The dataset's ROOT file does not exist."""


class CorruptDatasetError(DataError):
    """The file exists but cannot be read as the expected ROOT file."""


class ChecksumMismatchError(DataError):
    """The file's sha256 differs from the one recorded when it was written."""


class RecordError(ChecksumMismatchError):
    """The checksum record (``NAME.root.json``) is damaged: not JSON, wrong types, a folder."""


class SchemaError(DataError):
    """A tree or branch is missing, or has an unexpected type or shape."""


class NotACourseFileError(SchemaError):
    """The file is not a course dataset (no record, other trees or branches).

    Read such files with :func:`hepml_course.data.open_file`.
    """


class GenerationError(DataError):
    """A generator failed or is not installed."""


class OutputPathError(DataError, ValueError):
    """The output path of a generation run cannot or must not be written."""
