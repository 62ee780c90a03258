"""``hepml-course fpga MODEL --out DIR``: deploy a trained Keras-3 network (hls4ml, da4ml, Yosys).

MODEL is a saved tagger folder (``JetTagger.save`` / ``HGQTagger.save``, which
record the input scaling) or a ``.keras`` file of a feed-forward network of
Dense / QDense (QKeras API) / HGQ2 layers with any layer names, given with its
input scaling as ``--scaler FILE``.  Converts with hls4ml, checks the C++
emulation bit by bit against Keras, runs vendor synthesis when Vitis/Vivado HLS
is installed, and the open-source flow (da4ml RTL → Verilator → Yosys) for
quantized networks; writes ``DIR/deployment.json`` and prints the report row.
Test jets come from the classification chapter's ``jets`` dataset.

A model file that carries Python code (a Keras ``Lambda`` layer) is refused,
because loading it would run that code; ``--allow-unsafe`` loads it anyway, for
files from a trusted source.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``fpga`` command."""
    parser = subparsers.add_parser(
        "fpga", help="convert, emulate and synthesise a trained network (hls4ml, da4ml, Yosys)"
    )
    parser.add_argument(
        "model_path", help="saved tagger folder, or a Keras-3 .keras file (then give --scaler)"
    )
    parser.add_argument("--out", required=True, help="output folder (HLS/RTL projects, reports)")
    parser.add_argument(
        "--scaler",
        default=None,
        help='JSON file {"mean": [...], "scale": [...]} of the input standardisation '
        "(required for a .keras file; never refitted silently)",
    )
    parser.add_argument("--backend", default="Vitis", choices=["Vitis", "Vivado"])
    parser.add_argument(
        "--strategy",
        default="Latency",
        choices=["Latency", "Resource", "distributed_arithmetic"],
        help="hls4ml strategy of the dense layers",
    )
    parser.add_argument("--reuse-factor", type=int, default=1)
    parser.add_argument(
        "--clock-ns",
        type=float,
        default=5.0,
        help="clock period in ns (hls4ml, RTL constraints and the default RTL pipelining)",
    )
    parser.add_argument(
        "--latency-cutoff",
        type=float,
        default=None,
        help="da4ml pipelining: largest adder delay between registers "
        "(default: derived from --clock-ns; <= 0: combinational)",
    )
    parser.add_argument("--jets", type=int, default=2000, help="test jets for the emulation checks")
    parser.add_argument("--no-synth", action="store_true", help="skip Yosys synthesis (slow)")
    parser.add_argument(
        "--allow-unsafe",
        action="store_true",
        help="load a model file with embedded Python code (Lambda layers), which runs while "
        "loading: only for files from a trusted source",
    )
    parser.add_argument(
        "--no-verilator", action="store_true", help="write the RTL but do not simulate it (slow)"
    )
    parser.set_defaults(handler=_run)


def _load(load_deployable: Any, args: argparse.Namespace) -> Any:
    """``load_deployable`` in safe mode; a refused model file says why and how to opt in."""
    from hepml_course.nn.artifacts import UnsafeModelError

    try:
        return load_deployable(
            args.model_path, scaler=args.scaler, allow_unsafe=bool(args.allow_unsafe)
        )
    except UnsafeModelError as err:  # raised by nn.load_keras_file; name the CLI flag
        raise UnsafeModelError(f"{err}".replace("allow_unsafe=True", "--allow-unsafe")) from err


def _run(args: argparse.Namespace) -> dict:
    from hepml_course.fpga.convert import HLSSettings
    from hepml_course.fpga.pipeline import deploy, jet_data, load_deployable

    if args.clock_ns <= 0:
        raise ValueError(f"--clock-ns must be positive, got {args.clock_ns}")
    target = _load(load_deployable, args)
    split = jet_data()
    n_in = int(target.model.input_shape[-1])
    if n_in != split.x_test.shape[1]:
        raise ValueError(
            f"the model takes {n_in} features, the jets dataset has {split.x_test.shape[1]}"
        )
    settings = HLSSettings(
        backend=args.backend,
        strategy=args.strategy,
        reuse_factor=args.reuse_factor,
        clock_period_ns=args.clock_ns,
    )
    result = deploy(
        target,
        split.x_test,
        split.y_test,
        args.out,
        n_emulate=args.jets,
        settings=settings,
        synthesize=not args.no_synth,
        simulate=not args.no_verilator,
        latency_cutoff=args.latency_cutoff,
    )
    for note in result.notes:
        print(note)
    return {
        "model": result.row.name,
        **result.row.bench(),
        "extra": result.row.extra,
        "report": f"{args.out}/deployment.json",
    }
