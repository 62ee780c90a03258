"""The training command: recorded command line, cached training sample, pooled reference."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.inference import train as training
from hepml_course.inference.sample import EventShapeSample


def test_command_line_names_the_training_sample():
    cmd = training.command_line(0, 60, 100_000, 20261208)
    assert cmd == (
        "python -m hepml_course.inference.train --seed 0 --epochs 60 "
        "--train-events 100000 --train-seed 20261208"
    )
    args = cmd.split()[3:]
    parsed = [args[i + 1] for i in range(0, len(args), 2)]
    assert parsed == ["0", "60", "100000", "20261208"]


def test_training_file_is_generated_once_then_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("HEPML_COURSE_DATA", str(tmp_path))
    calls = []

    def fake_generate(name, events, seed, *, workers, out, progress):
        calls.append((name, events, seed))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"stand-in")
        return out

    monkeypatch.setattr("hepml_course.data.generate", fake_generate)
    first = training.training_file(1000, 5)
    again = training.training_file(1000, 5)
    assert first == again == tmp_path / "generated" / "eventshapes_1000ev_seed5.root"
    assert calls == [("eventshapes", 1000, 5)]


def test_pooled_reference_stacks_every_simulated_event():
    a = EventShapeSample(np.ones((4, 2)), np.full(4, 0.12), ("x", "y"))
    b = EventShapeSample(np.zeros((3, 2)), np.full(3, 0.13), ("x", "y"))
    pooled = training.pooled_reference(a, b)
    assert pooled.shape == (7, 2) and pooled[:4].sum() == 8 and pooled[4:].sum() == 0


def test_a_missing_model_folder_says_how_to_train_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python -m hepml_course\.inference\.train"):
        training.load_pretrained(tmp_path)
