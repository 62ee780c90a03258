"""Benchmark ``fpga``: train, deploy and synthesise the chapter's models on the jets data.

Prints ``{"models": {NAME: {"accuracy", "weight_bits", "sparsity", "emulation_agreement",
"latency_cycles", "clock_ns", "lut", "ff", "dsp", "bram", "source"}}}``.
``source`` names the tool behind latency and resources: ``vitis``/``vivado`` when the
vendor tools are installed, ``yosys`` for the open-source flow; ``null`` (and ``null``
resources) for the float reference, which only the vendor flow can synthesise.

Options: ``--max-jets N``, ``--epochs N``, ``--models float,q8,...``, ``--no-synth``,
``--out DIR`` (default: a temporary folder), ``--seed N``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

#: name → (bits or None, target sparsity)
MODELS = {
    "float": (None, 0.0),
    "q8": (8, 0.0),
    "q6": (6, 0.0),
    "q4": (4, 0.0),
    "q6_p75": (6, 0.75),
}


def run(argv: list[str]) -> dict:
    """Train every model, deploy it and return the benchmark JSON."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench fpga")
    parser.add_argument("--max-jets", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--models", default=",".join([*MODELS, "bdt"]))
    parser.add_argument("--no-synth", action="store_true")
    parser.add_argument("--out", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = set(names) - {*MODELS, "bdt"}
    if unknown:
        raise SystemExit(f"unknown models {sorted(unknown)}; choose from {[*MODELS, 'bdt']}")
    if args.out is None:
        with tempfile.TemporaryDirectory(prefix="hepml-fpga-") as tmp:
            return _run(args, names, Path(tmp))
    return _run(args, names, Path(args.out))


def _run(args: argparse.Namespace, names: list[str], out: Path) -> dict:
    from hepml_course.fpga import bdt
    from hepml_course.fpga.models import TaggerSpec, train_tagger
    from hepml_course.fpga.pipeline import deploy, jet_data
    from hepml_course.fpga.preprocess import InputScaler
    from hepml_course.fpga.report import ModelRow

    split = jet_data(max_jets=args.max_jets, seed=args.seed)
    scaler = InputScaler.fit(split.x_train)
    models: dict[str, dict] = {}
    for name in names:
        print(f"fpga bench: {name}", file=sys.stderr)
        if name == "bdt":
            clf = bdt.train_bdt(scaler.transform(split.x_train), split.y_train, seed=args.seed)
            result = bdt.deploy_bdt(
                clf,
                scaler.transform(split.x_test),
                split.y_test,
                out / "bdt",
                synthesize=not args.no_synth,
            )
            synth = result.synthesis
            row = ModelRow(
                name="bdt",
                accuracy=result.accuracy,
                weight_bits=scaler.fixed.width,
                sparsity=0.0,
                emulation_agreement=result.emulation_agreement,
                latency_cycles=result.latency_cycles,
                clock_ns=5.0,
                lut=synth.lut if synth else None,
                ff=synth.ff if synth else None,
                dsp=synth.dsp if synth else None,
                bram=synth.bram if synth else None,
                source="yosys" if synth else None,
            )
            models[name] = row.bench()
            continue
        bits, sparsity = MODELS[name]
        tagger = train_tagger(
            TaggerSpec(bits=bits),
            split.x_train,
            split.y_train,
            scaler=scaler,
            sparsity=sparsity,
            epochs=args.epochs,
            seed=args.seed,
        )
        deployed = deploy(
            tagger, split.x_test, split.y_test, out / name, synthesize=not args.no_synth
        )
        for note in deployed.notes:
            print(f"  {note}", file=sys.stderr)
        models[name] = deployed.row.bench()
    return {"models": models}
