"""Shipped generator weights: load them, and write their card.

``data/models/generative/`` holds, per generator, ``NAME.weights.h5`` (the
sampling network only), ``NAME.json`` (hyper-parameters, preprocessing
state, seed, epochs, the exact training command, sha256 of the weights) and
``card.md`` (the same, for humans), all written by ``python -m
hepml_course.generative.train NAME``.
"""

from __future__ import annotations

import json
from pathlib import Path

from hepml_course.data.paths import REPO_ROOT
from hepml_course.generative import GENERATORS, generator_class

#: Folder of the shipped generator weights.
MODELS_DIR = REPO_ROOT / "data" / "models" / "generative"


def record(name: str, directory: str | Path = MODELS_DIR) -> dict:
    """The JSON record of a saved generator."""
    path = Path(directory) / f"{name}.json"
    if name not in GENERATORS:
        raise KeyError(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    if not path.exists():
        raise FileNotFoundError(
            f"no saved generator {name!r} in {directory}; train it with: "
            f"python -m hepml_course.generative.train {name} --out {directory}"
        )
    return json.loads(path.read_text())


def available(directory: str | Path = MODELS_DIR) -> list[str]:
    """Names of the generators saved in ``directory``."""
    return [n for n in GENERATORS if (Path(directory) / f"{n}.json").exists()]


def load_pretrained(name: str, directory: str | Path = MODELS_DIR):
    """A saved generator, ready to ``generate`` (its weight file's sha256 is verified)."""
    return generator_class(name).from_record(record(name, directory), directory)


def write_card(directory: str | Path = MODELS_DIR) -> Path:
    """(Re)write ``card.md`` from the JSON records found in ``directory``."""
    directory = Path(directory)
    lines = [
        '# Generator weights of the chapter "Generative simulation"',
        "",
        "Written by `python -m hepml_course.generative.train NAME` (this card is regenerated",
        "by every training run). Each generator is trained on the training split (75 %,",
        "fixed permutation `hepml_course.generative.showers.SPLIT_SEED`) of the shipped",
        "`calo` dataset. Only the sampling networks are stored: the layer-energy flow",
        "(`NAME.energy.weights.h5`, stage 1) and the shape network (`NAME.weights.h5`:",
        "VAE decoder, GAN generator or flow-matching velocity field, stage 2); the",
        "preprocessing state is in `NAME.json`.",
        "Load with `hepml_course.generative.pretrained.load_pretrained(NAME)`, which checks",
        "the sha256 below. `tests/generative/test_pretrained.py` (slow) re-runs the command",
        "and compares the metrics of the retrained and the shipped weights.",
        "",
    ]
    for name in available(directory):
        rec = record(name, directory)
        lines += [
            f"## `{name}` ({rec['class']})",
            "",
            f"- command: `{rec.get('command', '?')}`",
            f"- seed: {rec['seed']}; epochs: {rec['epochs_trained']}; "
            f"batch size: {rec.get('batch_size', '?')}; learning rate: {rec['learning_rate']}",
            f"- hyper-parameters: `{json.dumps(rec['hparams'])}`",
            f"- parameters needed for sampling (both stages): {rec['n_parameters']}",
            f"- training showers: {rec.get('n_train', '?')}; "
            f"training time: {rec.get('train_time_s', '?')} s ({rec.get('machine', '?')})",
            f"- dataset sha256: `{rec.get('dataset_sha256', '?')}`",
            *(
                f"- weights: `{file}`, sha256 `{sha}`"
                for file, sha in rec.get("weight_files", {"(older record: retrain)": "?"}).items()
            ),
            f"- final training loss: {rec.get('final_loss', '?')}",
            "",
        ]
    card = directory / "card.md"
    card.write_text("\n".join(lines))
    return card
