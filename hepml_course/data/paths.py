"""Where the course's data live.

The shipped datasets sit in ``data/`` at the top of the repository.  Set the
environment variable ``HEPML_COURSE_DATA`` to use another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Folder holding the datasets, datacards and checksum sidecars."""
    override = os.environ.get("HEPML_COURSE_DATA")
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "data"
