"""Dataset ``jets_unlabelled``: a QCD-dominated mixture of boosted jets without labels,
for self-supervised pre-training (chapter *Foundation models*).

Generated as :mod:`hepml_course.data.datasets.jets_v2` (multi-parton
interactions on, the same processes, jet definition and branches), but every
jet of the two leading ones within the acceptance is kept, whether or not it
matches a truth class: the mixture is :data:`MIXTURE` (jets from QCD dijets
with a few per cent from W + jet, Z + jet and tt̄), closer to what a trigger
records than the balanced labelled sample.  ``process`` says which process
made a jet and ``label`` its truth class where it has one (-1 otherwise) —
for studies of the pre-training, never as a training target.

The shipped file is a small sample (for tests and the chapter's tokeniser
demonstration); the pre-training sample of 200 000 jets is generated with
``hepml-course data generate jets_unlabelled --events 200000 --workers 2
--out data/generated/jets_unlabelled-200000.root``.  See
``data/jets_unlabelled.md``.
"""

from __future__ import annotations

import numpy as np

from hepml_course.data.datasets.jets import PROCESSES, generate_columns
from hepml_course.data.datasets.jets_v2 import BRANCHES, COMPRESSION, KEPT_MANTISSA_BITS
from hepml_course.data.spec import Branch, DatasetSpec, Shard, ShardOutput, even_shards

NAME = "jets_unlabelled"
#: Fraction of the jets from each process (QCD-dominated; W, Z and t a few per cent each).
MIXTURE: dict[str, float] = {"qcd": 0.88, "w": 0.04, "z": 0.04, "t": 0.04}
#: Process index stored in branch ``process``.
PROCESS_NAMES: tuple[str, ...] = tuple(MIXTURE)
SHARD_JETS = 1000

_BRANCHES = [
    Branch("process", "int8", "", "generating process: 0 = QCD, 1 = W+jet, 2 = Z+jet, 3 = tt̄"),
    *(
        Branch(b.name, b.dtype, b.unit, "truth class if matched (as in jets_v2), else -1", b.jagged)
        if b.name == "label"
        else b
        for b in BRANCHES
    ),
]


def process_counts(n_events: int) -> dict[str, int]:
    """Jets per process for a sample of ``n_events`` jets (QCD takes the rounding remainder)."""
    if n_events < len(MIXTURE):
        raise ValueError(f"need at least {len(MIXTURE)} jets (one per process), got {n_events}")
    counts = {p: max(1, round(f * n_events)) for p, f in MIXTURE.items() if p != "qcd"}
    counts = {"qcd": n_events - sum(counts.values()), **counts}
    assert set(counts) == set(PROCESSES)
    return counts


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of :data:`SHARD_JETS` jets of one process, in :data:`MIXTURE` proportions."""
    shards: list[Shard] = []
    for process, n in process_counts(n_events).items():
        shards += even_shards(NAME, n, seed, SHARD_JETS, {"process": process}, len(shards))
    return shards


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard: any ``shard.n_events`` jets of its process, MPI on."""
    process = shard.params["process"]
    columns = generate_columns(
        process,
        shard.n_events,
        shard.seed,
        mpi=True,
        shard_index=shard.index,
        any_jet=True,
        mantissa_bits=KEPT_MANTISSA_BITS,
        with_energy=False,
    )
    n = len(columns["label"])
    return {"particles": {"process": np.full(n, PROCESS_NAMES.index(process), np.int8), **columns}}


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title=(
        "Unlabelled boosted jets, QCD-dominated mixture with W / Z / t, MPI on "
        "(anti-kt R = 0.8, pT ≈ 0.6–1.2 TeV) at 13 TeV, with constituents"
    ),
    generator=(
        "Pythia 8.317 (pythia8mc), FastJet 3.5 anti-kt R = 0.8 + contrib SoftDrop/Nsubjettiness"
    ),
    filename="jets_unlabelled.root",
    trees={"particles": _BRANCHES},
    default_events=2_000,
    default_seed=20261208,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
    compression=COMPRESSION,
)
