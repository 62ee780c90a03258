"""Small helpers around Pythia 8 (``pythia8mc``) shared by the dataset generators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import awkward as ak

from hepml_course.data.errors import GenerationError

#: Settings every course sample uses: 13 TeV pp, seeded, quiet.
COMMON_SETTINGS: tuple[str, ...] = (
    "Beams:idA = 2212",
    "Beams:idB = 2212",
    "Beams:eCM = 13000.",
    "Random:setSeed = on",
    "Print:quiet = on",
    "Next:numberCount = 0",
    "Next:numberShowEvent = 0",
    "Next:numberShowInfo = 0",
    "Next:numberShowProcess = 0",
)

#: Cross section unit conversion: Pythia reports millibarn.
MB_TO_PB = 1.0e9


def make_pythia(settings: Iterable[str], seed: int) -> Any:
    """Initialise a seeded, quiet Pythia 8 instance.

    Parameters
    ----------
    settings
        Process and tune settings (``"HardQCD:all = on"`` ...), applied after
        :data:`COMMON_SETTINGS`.
    seed
        ``Random:seed``, in [1, 900000000].

    Raises
    ------
    GenerationError
        If pythia8mc is missing, a setting is not understood, or init fails.
    """
    try:
        import pythia8mc
    except ImportError as err:
        raise GenerationError(
            "Pythia 8 (package pythia8mc) is needed to generate this dataset; "
            "install the course environment with `make setup`"
        ) from err
    pythia = pythia8mc.Pythia("", False)
    for line in (*COMMON_SETTINGS, f"Random:seed = {int(seed)}", *settings):
        if not pythia.readString(line):
            raise GenerationError(f"Pythia did not accept the setting {line!r}")
    if not pythia.init():
        raise GenerationError(f"Pythia initialisation failed with settings {list(settings)}")
    return pythia


def generate_events(pythia: Any, n_events: int, batch: int = 200) -> ak.Array:
    """Generate ``n_events`` events as an Awkward array (``prt`` particles, ``info``).

    Events are produced with :meth:`Pythia.nextBatch`, in batches to bound memory.
    """
    chunks = []
    remaining = n_events
    while remaining > 0:
        size = min(batch, remaining)
        chunks.append(pythia.nextBatch(size))
        remaining -= size
    events = ak.concatenate(chunks) if len(chunks) > 1 else chunks[0]
    if len(events) != n_events:
        raise GenerationError(f"Pythia returned {len(events)} events instead of {n_events}")
    return events


def sigma_pb(pythia: Any) -> float:
    """Generated cross section of the run so far, in pb."""
    return float(pythia.infoPython().sigmaGen()) * MB_TO_PB


def final_state(events: ak.Array) -> ak.Array:
    """Final-state particles (Pythia status > 0) of each event."""
    prt = events["prt"]
    return prt[prt.status > 0]
