"""Benchmark ``fpga``: train, deploy and synthesise the chapter's models on the jets data.

Prints ``{"models": {NAME: {"accuracy", "weight_bits", "sparsity", "emulation_agreement",
"latency_cycles", "clock_ns", "lut", "ff", "dsp", "bram", "source", "critical_path_ns",
"emulation_bit_exact", "rtl_bit_exact"}}}`` (``rtl_bit_exact`` for the networks only).
``source`` names the tool behind latency and resources: ``vitis``/``vivado`` when the
vendor tools are installed, ``yosys`` for the open-source flow; ``null`` (and ``null``
resources) for the float reference, which only the vendor flow can synthesise.
``critical_path_ns`` is Yosys's routing-free timing estimate of the RTL;
``emulation_bit_exact`` the fraction of hls4ml-emulated logits identical to Keras,
``rtl_bit_exact`` that of the da4ml Verilog simulated by Verilator (``null``: not
simulated, e.g. ``--no-verilator``).
Models: ``float``, ``q8``, ``q6``, ``q4``, ``q6_p75`` (QKeras-API QAT, pruned), the
native-HGQ2 β scan ``hgq2_b<β>`` and the conifer ``bdt``.

Options: ``--max-jets N``, ``--epochs N``, ``--models float,q8,...``, ``--betas 1e-6,...``,
``--no-synth``, ``--no-verilator``, ``--out DIR`` (default: a temporary folder), ``--seed N``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

#: name → (bits or None, target sparsity)
MODELS = {
    "float": (None, 0.0),
    "q8": (8, 0.0),
    "q6": (6, 0.0),
    "q4": (4, 0.0),
    "q6_p75": (6, 0.75),
}
#: default EBOPs penalties of the HGQ2 scan
BETAS = (1e-6, 1e-5, 1e-4)


def run(argv: list[str]) -> dict:
    """Train every model, deploy it and return the benchmark JSON."""
    parser = argparse.ArgumentParser(prog="python -m hepml_course.bench fpga")
    parser.add_argument("--max-jets", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--models", default=",".join([*MODELS, "hgq2", "bdt"]))
    parser.add_argument("--betas", default=",".join(f"{b:g}" for b in BETAS))
    parser.add_argument("--no-synth", action="store_true")
    parser.add_argument("--no-verilator", action="store_true")
    parser.add_argument("--out", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = set(names) - {*MODELS, "hgq2", "bdt"}
    if unknown:
        known = [*MODELS, "hgq2", "bdt"]
        raise SystemExit(f"unknown models {sorted(unknown)}; choose from {known}")
    if args.out is None:
        with tempfile.TemporaryDirectory(prefix="hepml-fpga-") as tmp:
            return _run(args, names, Path(tmp))
    return _run(args, names, Path(args.out))


def _run(args: argparse.Namespace, names: list[str], out: Path) -> dict:
    from hepml_course.fpga.pipeline import jet_data

    split = jet_data(max_jets=args.max_jets, seed=args.seed)
    out.mkdir(parents=True, exist_ok=True)
    models: dict[str, dict] = {}
    for name in names:
        print(f"fpga bench: {name}", file=sys.stderr)
        if name == "bdt":
            models[name] = _bdt(args, split, out)
        elif name == "hgq2":
            for beta in (float(b) for b in args.betas.split(",") if b.strip()):
                models[f"hgq2_b{beta:.0e}"] = _hgq2(args, split, out, beta)
        else:
            models[name] = _tagger(args, split, out, name)
        # partial results survive a later failure
        (out / "bench.json").write_text(json.dumps({"models": models}, indent=1))
    return {"models": models}


def _deploy(args: argparse.Namespace, split: Any, out: Path, target: Any) -> dict:
    from hepml_course.fpga.pipeline import deploy

    deployed = deploy(
        target,
        split.x_test,
        split.y_test,
        out / target.name,
        synthesize=not args.no_synth,
        simulate=not args.no_verilator,
    )
    for note in deployed.notes:
        print(f"  {note}", file=sys.stderr)
    row = deployed.row.bench()
    # fraction of Verilator RTL logits identical to Keras (None: not simulated)
    row["rtl_bit_exact"] = deployed.rtl_bit_exact
    print(f"  {row}", file=sys.stderr)
    return row


def _tagger(args: argparse.Namespace, split: Any, out: Path, name: str) -> dict:
    from hepml_course.fpga.taggers import JetTagger

    bits, sparsity = MODELS[name]
    tagger = JetTagger(bits=bits, sparsity=sparsity, epochs=args.epochs)
    tagger.fit(split.x_train, split.y_train, seed=args.seed)
    return _deploy(args, split, out, tagger)


def _hgq2(args: argparse.Namespace, split: Any, out: Path, beta: float) -> dict:
    from hepml_course.fpga.hgq import HGQTagger
    from hepml_course.fpga.pipeline import Deployable

    tagger = HGQTagger(beta=beta, epochs=args.epochs).fit(
        split.x_train, split.y_train, seed=args.seed
    )
    target = Deployable(tagger.model_, tagger.scaler_, f"hgq2_b{beta:.0e}")
    row = _deploy(args, split, out, target)
    row["ebops"] = int(tagger.ebops_)
    return row


def _bdt(args: argparse.Namespace, split: Any, out: Path) -> dict:
    from hepml_course.fpga import bdt
    from hepml_course.fpga.preprocess import InputScaler
    from hepml_course.fpga.report import ModelRow

    scaler = InputScaler.fit(split.x_train)
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
        critical_path_ns=synth.critical_path_ns if synth else None,
    )
    return row.bench()
