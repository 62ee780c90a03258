"""Dataset ``jets_v2``: the realistic boosted-jet sample — multi-parton interactions on.

The same five classes (g / q / W / Z / t), generator settings, jet definition,
truth labelling and branches as :mod:`hepml_course.data.datasets.jets`, with
three differences: multi-parton interactions (MPI) are **on** in the main tree
(as in real collisions; ISR, FSR and hadronisation are on in both), the sample
is larger (10 000 jets per class, each with its 50 hardest constituents), and
the comparison tree ``mpi_off`` (1/5 of the size, also with constituents) has
MPI off, for the domain-shift material.  To fit the repository's size budget
the constituents are stored with 8 mantissa bits and without their energies
(massless E = pT cosh η is taken on reading), in an LZMA-compressed file.

Trees: ``particles`` (main sample: high-level features and constituents) and
``mpi_off``.  The idealised ``jets`` dataset stays for the chapters that were
measured on it (FPGA, systematics).  See ``data/jets_v2.md`` for the datacard.
"""

from __future__ import annotations

from hepml_course.data.datasets.jets import (
    _PARTICLES,
    CLASS_NAMES,
    PROCESSES,
    SHARD_JETS,
    _empty,
    generate_columns,
)
from hepml_course.data.spec import DatasetSpec, Shard, ShardOutput, even_shards

NAME = "jets_v2"
#: Fraction of the main size generated with MPI off (tree ``mpi_off``): 2 000 jets per class.
MPI_OFF_FRACTION = 0.2
#: Float mantissa bits kept in the constituent branches (relative precision 2^-9 ≈ 2e-3,
#: below any detector resolution): two bits fewer than ``jets``, to keep the 4× larger
#: sample within the repository's budget.
KEPT_MANTISSA_BITS = 8
TREES = ("particles", "mpi_off")
#: The branches of both trees: those of ``jets``' tree ``particles`` without ``Part_e``
#: (the energies take 1/4 of the file and are, up to hadron masses, pT cosh η; readers
#: take the massless energy, see :func:`hepml_course.classification.jets.constituents`).
BRANCHES = [b for b in _PARTICLES if b.name != "Part_e"]
#: File compression: LZMA level 9 is 15 % smaller than the default zstd here.
COMPRESSION = ("LZMA", 9)


def plan(n_events: int, seed: int) -> list[Shard]:
    """Shards of ``SHARD_JETS`` jets per class; ``n_events`` counts jets of tree ``particles``.

    The MPI-on shards of the main tree come first, then the MPI-off shards of
    tree ``mpi_off`` (:data:`MPI_OFF_FRACTION` of the size), with distinct seeds.
    """
    per_class = n_events // len(CLASS_NAMES)
    if per_class <= 0:
        raise ValueError(f"need at least {len(CLASS_NAMES)} jets (one per class), got {n_events}")
    shards: list[Shard] = []
    for tree, mpi, n_class in (
        ("particles", True, per_class),
        ("mpi_off", False, max(1, round(per_class * MPI_OFF_FRACTION))),
    ):
        for process, cfg in PROCESSES.items():
            k = len(cfg["classes"])
            params = {"process": process, "mpi": mpi, "tree": tree}
            shards += even_shards(
                NAME, n_class * k, seed, SHARD_JETS * k, params, first_index=len(shards)
            )
    return shards


def run_shard(shard: Shard) -> ShardOutput:
    """Generate one shard: ``shard.n_events`` jets of one process into its tree."""
    columns = generate_columns(
        shard.params["process"],
        shard.n_events,
        shard.seed,
        mpi=bool(shard.params["mpi"]),
        shard_index=shard.index,
        mantissa_bits=KEPT_MANTISSA_BITS,
        with_energy=False,
    )
    out = {tree: _empty(BRANCHES) for tree in TREES}
    out[shard.params["tree"]] = columns
    return out


SPEC = DatasetSpec(
    name=NAME,
    version="1",
    title=(
        "Boosted g / q / W / Z / t jets with multi-parton interactions on "
        "(anti-kt R = 0.8, pT ≈ 0.6–1.2 TeV) at 13 TeV, with constituents"
    ),
    generator=(
        "Pythia 8.317 (pythia8mc), FastJet 3.5 anti-kt R = 0.8 + contrib SoftDrop/Nsubjettiness"
    ),
    filename="jets_v2.root",
    trees={tree: BRANCHES for tree in TREES},
    default_events=50_000,
    default_seed=20261207,
    plan=plan,
    run_shard=run_shard,
    requires=("pythia8mc", "fastjet"),
    compression=COMPRESSION,
)
