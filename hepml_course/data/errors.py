"""Errors of the data layer.

Every error names the file involved and says how to fix the problem, usually
with the exact command that regenerates the dataset.
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


class SchemaError(DataError):
    """A tree or branch is missing, or has an unexpected type or shape."""


class GenerationError(DataError):
    """A generator failed or is not installed."""
