"""Checks of a generation run's output path, made before anything is generated.

``hepml-course data generate NAME --out FILE`` must fail at once, with the
path in the message, when FILE cannot be written (a folder, under a file, in a
read-only place) and must never replace a file that is not a course dataset
unless asked to (``--force``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hepml_course.data.errors import OutputPathError, RecordError
from hepml_course.data.records import read_record
from hepml_course.data.rootio import sidecar_path


def _nearest_existing(path: Path) -> Path:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _not_course_reason(path: Path, name: str) -> str | None:
    """Why an existing ``path`` is not a course ``name`` file (None if it is one)."""
    try:
        record = read_record(path, "")
    except RecordError as err:
        return f"its checksum record is damaged: {err}"
    if record is None:
        return f"it has no checksum record {sidecar_path(path).name}"
    if record.get("dataset") != name:
        return f"its record says it is dataset {record.get('dataset')!r}"
    return None


def check_output(path: str | Path, name: str, force: bool = False) -> Path:
    """Make sure ``path`` can receive dataset ``name`` (ROOT file + checksum record).

    Parameters
    ----------
    path
        Target ROOT file.
    name
        Dataset to be written there.
    force
        Allow replacing an existing file that is not a course ``name`` file.

    Returns
    -------
    Path
        ``path`` with ``~`` expanded.

    Raises
    ------
    OutputPathError
        ``path`` is a folder or not a regular file, lies under a file, in a
        folder that cannot be written, or is an existing file that is not a
        course ``name`` dataset (without ``force``).
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise OutputPathError(
            f"--out {path} is a folder: give a file name, e.g. --out {path / (name + '.root')}"
        )
    if path.exists() and not path.is_file():
        raise OutputPathError(
            f"--out {path} exists and is not a regular file (a device, a socket ...): "
            "choose another --out"
        )
    side = sidecar_path(path)
    if side.exists() and not side.is_file():
        raise OutputPathError(
            f"{side}, where the checksum record of --out {path} goes, is a folder or not a "
            "regular file: move it away or choose another --out"
        )
    parent = _nearest_existing(path)
    if not parent.is_dir():
        raise OutputPathError(
            f"--out {path}: {parent} is a file, not a folder, so nothing can be written "
            "under it; choose another --out"
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".hepml-course-probe-", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OutputPathError(
            f"--out {path}: cannot write in {parent} ({err.strerror or err}); choose a folder "
            "you can write to"
        ) from err
    if path.exists() and not force:
        reason = _not_course_reason(path, name)
        if reason is not None:
            raise OutputPathError(
                f"--out {path} already exists and is not a course {name!r} dataset file "
                f"({reason}): refusing to overwrite it. Choose another --out, or add --force "
                "(force=True) to replace it"
            )
    return path
