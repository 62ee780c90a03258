"""The training command writes weights, a record with the reproducible command, and a card."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.generative.pretrained import load_pretrained
from hepml_course.generative.showers import calo_split, split
from hepml_course.generative.train import command_line, main


def test_split_is_fixed_and_disjoint():
    train, test = calo_split()
    _, again_test = calo_split()
    assert np.array_equal(test.e_inc_gev, again_test.e_inc_gev)
    assert len(test) == round(0.25 * (len(train) + len(test)))
    assert train.voxels_gev.shape[1] == 368
    assert not set(train.e_inc_gev.tolist()) & set(test.e_inc_gev.tolist())


def test_split_rejects_bad_fractions():
    train, _ = calo_split()
    with pytest.raises(ValueError, match="test_fraction"):
        split(train, 1.5)


def test_train_command_writes_a_loadable_generator(tmp_path, capsys):
    assert (
        main(
            [
                "vae",
                "--seed",
                "2",
                "--epochs",
                "1",
                "--n-train",
                "300",
                "--out",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 0
    )
    assert "saved" in capsys.readouterr().out
    record = json.loads((tmp_path / "vae.json").read_text())
    assert record["command"] == command_line("vae", 2, 1, 128, 300)
    assert record["n_train"] == 300 and record["epochs_trained"] == 1
    assert record["preprocessor"]["layer_sizes"] == [8, 160, 190, 5, 5]
    assert record["hparams"]["alpha_bins"] is None  # not augmented by default
    assert record["preprocessor"]["hit_log_cut"] is not None  # hit rates calibrated
    card = (tmp_path / "card.md").read_text()
    assert all(sha in card for sha in record["weight_files"].values()) and record["command"] in card
    gen = load_pretrained("vae", tmp_path)
    assert gen.generate(np.array([10.0, 100.0]), seed=0).shape == (2, 368)


def test_command_line_records_every_non_default_setting():
    assert command_line("gan", 1, 5, 128, None) == (
        "python -m hepml_course.generative.train gan --seed 1 --epochs 5"
    )
    cmd = command_line("gan", 1, 5, 64, 1000, augment=True)
    assert cmd.endswith("--augment --batch-size 64 --n-train 1000")
