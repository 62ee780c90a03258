"""Shipped generator weights: load them, and write their card.

``data/models/generative/NAME/`` is a saved model of the package (see
:mod:`hepml_course.nn.artifacts`): ``record.json`` (hyper-parameters, the
preprocessing state, seed, epochs, the exact training command, the sha256 of
every file and of the record itself) and the weight files of the two sampling
networks.  ``card.md`` says the same for humans.  All are written by
``python -m hepml_course.generative.train NAME``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hepml_course.data.paths import REPO_ROOT
from hepml_course.generative.registry import GENERATORS, generator_class
from hepml_course.nn import read_artifact

#: Folder of the shipped generator weights.
MODELS_DIR = REPO_ROOT / "data" / "models" / "generative"


def _folder(name: str, directory: str | Path) -> Path:
    if name not in GENERATORS:
        raise KeyError(f"unknown generator {name!r}; choose one of {sorted(GENERATORS)}")
    path = Path(directory) / name
    if not (path / "record.json").exists():
        raise FileNotFoundError(
            f"no saved generator {name!r} in {directory}; train it with: "
            f"python -m hepml_course.generative.train {name} --out {directory}"
        )
    return path


def record(name: str, directory: str | Path = MODELS_DIR) -> dict[str, Any]:
    """The verified record of a saved generator (every sha256 checked)."""
    return read_artifact(_folder(name, directory)).record


def available(directory: str | Path = MODELS_DIR) -> list[str]:
    """Names of the generators saved in ``directory``."""
    return [n for n in GENERATORS if (Path(directory) / n / "record.json").exists()]


def load_pretrained(name: str, directory: str | Path = MODELS_DIR) -> Any:
    """A saved generator, ready to ``generate`` (the sha256 of its record and files is verified)."""
    return generator_class(name).load(_folder(name, directory))


def write_card(directory: str | Path = MODELS_DIR) -> Path:
    """(Re)write ``card.md`` from the records found in ``directory``."""
    directory = Path(directory)
    lines = [
        '# Generator weights of the chapter "Generative simulation"',
        "",
        "Written by `python -m hepml_course.generative.train NAME` (this card is regenerated",
        "by every training run). With `--large N` (the shipped weights) a generator trains on",
        "the training part of a large simulated sample (`hepml_course.generative.training_data`:",
        "N showers from the `calo` simulator with its own seed, made on first use by",
        "`hepml-course data generate calo --events N --seed 20261207` into `data/generated/`,",
        "not shipped) and is judged on its validation part (the `validation` line: the numbers",
        "on which hyper-parameters are chosen); without it, on the training split of the",
        "shipped `calo` file. The `distilled` student learns from the flow-matching teacher",
        "named in its hyper-parameters. Each `NAME/` folder is a saved model",
        "(`hepml_course.nn.artifacts`):",
        "`record.json` holds the hyper-parameters, the preprocessing state, the seed, the",
        "command and the sha256 of every file and of the record itself; only the sampling",
        "networks are stored: the layer-energy flow (`energy_flow.weights.h5`, stage 1) and",
        "the shape network (`shape_network.weights.h5`: VAE decoder, GAN generator or",
        "flow-matching velocity field, stage 2); the student has one network",
        "(`student.weights.h5`).",
        "Load with `hepml_course.generative.load_pretrained(NAME)`, which checks every",
        "sha256 (a modified record or weight file is refused).",
        "`tests/generative/test_pretrained.py` (slow) re-runs the command and compares the",
        "metrics of the retrained and the shipped weights.",
        "",
    ]
    for name in available(directory):
        rec = record(name, directory)
        extra, params, state = rec.get("extra", {}), rec["params"], rec["state"]
        lines += [
            f"## `{name}` ({rec['class'].rsplit('.', 1)[-1]})",
            "",
            f"- command: `{rec.get('command', '?')}`",
            f"- seed: {rec['seed']}; epochs trained: {state['epochs_trained']}"
            + (
                f" (of {extra.get('epochs_requested', '?')} requested: {extra['stopped']})"
                if extra.get("stopped")
                else ""
            )
            + f"; batch size: {params['batch_size']}; learning rate: {params['learning_rate']}",
            f"- hyper-parameters: `{json.dumps(params)}`",
            f"- parameters needed for sampling (both stages): {state['n_parameters']}",
            f"- training showers: {extra.get('n_train', '?')}; "
            f"training time: {extra.get('train_time_s', '?')} s ({extra.get('machine', '?')}); "
            f"finished {extra.get('finished_utc', '?')}",
            f"- versions: {', '.join(f'{k} {v}' for k, v in rec.get('versions', {}).items())}",
            f"- dataset sha256: `{extra.get('dataset_sha256', '?')}`",
            f"- record sha256: `{rec['record_sha256']}`",
            *(f"- `{name}/{file}`: sha256 `{sha}`" for file, sha in rec["files"].items()),
            f"- final training loss: {extra.get('final_loss', '?')}",
            *(
                [
                    f"- validation ({extra['validation']['n_validation']} showers): "
                    f"`{json.dumps(extra['validation'])}`"
                ]
                if extra.get("validation")
                else []
            ),
            *(
                [f"- teacher record sha256: `{state['teacher_record_sha256']}`"]
                if state.get("teacher_record_sha256")
                else []
            ),
            "",
        ]
    card = directory / "card.md"
    card.write_text("\n".join(lines))
    return card
