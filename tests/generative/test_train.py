"""The training command writes weights, a record with the reproducible command, and a card."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.generative.pretrained import load_pretrained, record
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
    args = ["vae", "--seed", "2", "--epochs", "1", "--n-train", "300"]
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    assert "saved" in capsys.readouterr().out
    rec = record("vae", tmp_path)  # sha256 verified
    assert rec["command"] == command_line("vae", 2, 1, 128, 300)
    assert rec["seed"] == 2 and rec["params"]["epochs"] == 1
    assert rec["extra"]["n_train"] == 300 and rec["state"]["epochs_trained"] == 1
    assert rec["extra"]["stopped"] is None
    pre = rec["state"]["preprocessor"]
    assert pre["layer_sizes"] == [8, 160, 190, 5, 5]
    assert rec["params"]["alpha_bins"] is None  # not augmented by default
    assert pre["hit_log_cut"] is not None  # hit rates calibrated
    card = (tmp_path / "card.md").read_text()
    assert all(sha in card for sha in rec["files"].values()) and rec["command"] in card
    assert rec["record_sha256"] in card
    gen = load_pretrained("vae", tmp_path)
    assert gen.generate(np.array([10.0, 100.0]), seed=0).shape == (2, 368)


def test_a_time_budget_records_the_epochs_actually_run(tmp_path):
    args = ["gan", "--epochs", "50", "--n-train", "200", "--max-train-s", "0"]
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    rec = record("gan", tmp_path)
    # stopped after the first epoch; the command reproduces exactly that training
    assert rec["state"]["epochs_trained"] == 1 and rec["params"]["epochs"] == 1
    assert rec["command"] == command_line("gan", 0, 1, 128, 200)
    assert "--max-train-s 0 after 1 epochs" in rec["extra"]["stopped"]
    assert "of 50 requested" in (tmp_path / "card.md").read_text()


def test_command_line_records_every_non_default_setting():
    assert command_line("gan", 1, 5, 128, None) == (
        "python -m hepml_course.generative.train gan --seed 1 --epochs 5"
    )
    cmd = command_line("gan", 1, 5, 64, 1000, augment=True)
    assert cmd.endswith("--augment --batch-size 64 --n-train 1000")


def test_large_sample_training_records_validation_metrics(tmp_path, monkeypatch):
    """--large trains on the large sample's training part and judges it on its validation part."""
    from hepml_course.data import registry
    from hepml_course.generative import training_data

    # stand-in for the 140,000-shower sample: the shipped file, with a small validation part
    monkeypatch.setattr(training_data, "VALIDATION_SIZE", 400)
    monkeypatch.setattr(
        training_data,
        "large_sample",
        lambda n, seed=0, workers=2, progress=True: registry.shipped_path("calo"),
    )
    args = ["vae", "--epochs", "1", "--n-train", "500", "--large", "15000", "--quiet"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    rec = record("vae", tmp_path)
    assert rec["command"].endswith("--n-train 500 --large 15000")
    val = rec["extra"]["validation"]
    assert val["n_validation"] == 400
    assert set(val["auc_by_group"]) == {"energies", "centroids", "widths", "sparsity"}
    assert 0.5 <= val["auc_high_level"] <= 1.0
    assert (
        rec["extra"]["dataset_sha256"]
        == registry.read_sidecar(registry.shipped_path("calo"))["sha256"]
    )
    with pytest.raises(SystemExit, match="either --data or --large"):
        main([*args, "--data", "x.root", "--out", str(tmp_path)])


def test_training_on_a_calochallenge_file(tmp_path):
    from hepml_course.data import write_calochallenge

    showers = calo_split()[1].subset(400)
    file = tmp_path / "photons.h5"
    write_calochallenge(file, showers.voxels_gev, showers.e_inc_gev)
    args = ["gan", "--epochs", "1", "--data", str(file), "--quiet", "--out", str(tmp_path)]
    assert main(args) == 0
    rec = record("gan", tmp_path)
    assert rec["extra"]["n_train"] == 400
    gen = load_pretrained("gan", tmp_path)
    low, high = gen.preprocessor_.e_inc_range_gev_
    assert low == pytest.approx(showers.e_inc_gev.min(), rel=1e-6)
    assert high == pytest.approx(showers.e_inc_gev.max(), rel=1e-6)


def test_teacher_is_for_the_distilled_generator_only(tmp_path):
    with pytest.raises(SystemExit, match="distilled generator only"):
        main(["vae", "--teacher", str(tmp_path), "--out", str(tmp_path)])
