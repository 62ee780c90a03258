"""``hepml-course fpga MODEL_PATH --out DIR``: deploy a saved tagger (stages 2–6).

Converts the model with hls4ml, checks the C++ emulation bit by bit against
(Q)Keras, runs vendor synthesis when Vitis/Vivado HLS is installed, and the
open-source flow (da4ml RTL → Verilator → Yosys) for QKeras models; writes
``DIR/deployment.json`` and prints the report row.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``fpga`` command."""
    parser = subparsers.add_parser(
        "fpga", help="convert, emulate and synthesise a saved jet tagger (hls4ml, da4ml, Yosys)"
    )
    parser.add_argument("model_path", help="Keras/QKeras .h5 file (from fpga.models.save_tagger)")
    parser.add_argument("--out", required=True, help="output folder (HLS/RTL projects, reports)")
    parser.add_argument("--backend", default="Vitis", choices=["Vitis", "Vivado"])
    parser.add_argument(
        "--strategy",
        default="Latency",
        choices=["Latency", "Resource", "distributed_arithmetic"],
        help="hls4ml strategy of the dense layers",
    )
    parser.add_argument("--reuse-factor", type=int, default=1)
    parser.add_argument("--clock-ns", type=float, default=5.0, help="clock period in ns")
    parser.add_argument("--jets", type=int, default=2000, help="test jets for the emulation checks")
    parser.add_argument("--no-synth", action="store_true", help="skip Yosys synthesis (slow)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> dict:
    from hepml_course.fpga.convert import HLSSettings
    from hepml_course.fpga.pipeline import deploy, jet_data, tagger_from_path

    tagger = tagger_from_path(args.model_path)
    split = jet_data()
    settings = HLSSettings(
        backend=args.backend,
        strategy=args.strategy,
        reuse_factor=args.reuse_factor,
        clock_period_ns=args.clock_ns,
    )
    result = deploy(
        tagger,
        split.x_test,
        split.y_test,
        args.out,
        n_emulate=args.jets,
        settings=settings,
        synthesize=not args.no_synth,
    )
    for note in result.notes:
        print(note)
    return {
        "model": result.row.name,
        **result.row.bench(),
        "extra": result.row.extra,
        "report": f"{args.out}/deployment.json",
    }
