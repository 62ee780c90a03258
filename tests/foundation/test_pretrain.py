"""Masked-particle pre-training: objective, reproducibility, saved backbones, command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.foundation import BinnedTokeniser, PretrainedBackbone, pretrain_backbone
from hepml_course.foundation.pretrain import (
    BACKBONE_KIND,
    IGNORE,
    choose_hidden,
    main,
    masked_token_loss,
    read_constituents,
)
from hepml_course.nn import ArtifactError

from .conftest import TINY, constituents


def test_hidden_particles_are_real_and_about_thirty_percent():
    _, m = constituents(500)
    hide = choose_hidden(m, 0.3, np.random.default_rng(0))
    assert not np.any(hide & ~m)
    expected = np.maximum(1, np.rint(0.3 * m.sum(axis=1)))
    assert np.array_equal(hide.sum(axis=1), expected)
    again = choose_hidden(m, 0.3, np.random.default_rng(0))
    assert np.array_equal(hide, again)
    assert not np.array_equal(hide, choose_hidden(m, 0.3, np.random.default_rng(1)))
    with pytest.raises(ValueError, match="mask_fraction"):
        choose_hidden(m, 1.2, np.random.default_rng(0))


def test_loss_only_on_masked_positions():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 6, 11)).astype(np.float32)
    y = rng.integers(0, 11, (4, 6))
    scored = rng.random((4, 6)) < 0.4
    scored[0, 0] = True
    target = np.where(scored, y, IGNORE).astype(np.int32)
    base = float(masked_token_loss(target, logits))
    changed = logits.copy()
    changed[~scored] = rng.normal(size=(int((~scored).sum()), 11)) * 10
    assert float(masked_token_loss(target, changed)) == pytest.approx(base, rel=1e-6)
    changed = logits.copy()
    changed[0, 0] += 5.0 * (np.arange(11) == y[0, 0])  # more confident on a scored one
    assert float(masked_token_loss(target, changed)) < base
    # the mean over the scored positions of -log softmax
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    manual = -np.mean(np.take_along_axis(logp, y[..., None], -1)[..., 0][scored])
    assert base == pytest.approx(manual, rel=1e-5)


def test_pretraining_lowers_the_loss_and_is_reproducible(jets, backbone):
    x, _ = jets
    hist = backbone.info["history"]
    assert hist["loss"][-1] < hist["loss"][0]
    assert backbone.info["n_jets"] == len(x) and backbone.info["seed"] == 0
    again = pretrain_backbone(
        x.particles, x.mask, seed=0, epochs=2, batch_size=64, holdout_fraction=0.1, **TINY
    )
    for a, b in zip(backbone.model.get_weights(), again.model.get_weights(), strict=True):
        assert np.array_equal(a, b)
    other = pretrain_backbone(
        x.particles, x.mask, seed=1, epochs=1, batch_size=64, holdout_fraction=0.1, **TINY
    )
    assert not np.array_equal(
        backbone.encoder.get_weights()[-1 - 2], other.encoder.get_weights()[-1 - 2]
    )


def test_pretraining_learns_beyond_chance(jets):
    x, _ = jets
    bb = pretrain_backbone(
        x.particles, x.mask, seed=0, epochs=12, batch_size=32, holdout_fraction=0.2, **TINY
    )
    final = bb.info["final"]
    assert final["holdout_masked_token_accuracy"] > 2 * final["chance_accuracy"]
    assert final["holdout_loss"] < np.log(bb.tokeniser.n_tokens)


def test_save_load_round_trip(backbone, saved_backbone):
    loaded = PretrainedBackbone.load(saved_backbone)
    record = json.loads((saved_backbone / "record.json").read_text())
    assert record["kind"] == BACKBONE_KIND and record["objective"] == "masked-particle"
    for key in ("command", "seed", "n_jets", "epochs", "train_s", "n_params", "weights_sha256"):
        assert record[key] is not None, key
    assert record["tokeniser_fingerprint"] == backbone.fingerprint == loaded.fingerprint
    p, m = constituents(20)
    np.testing.assert_array_equal(backbone.transform(p, m), loaded.transform(p, m))
    assert loaded.info["history"] == backbone.info["history"]


def test_corrupt_weights_are_refused(saved_backbone, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(saved_backbone, copy)
    weights = next(copy.glob("*.weights.h5"))
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        PretrainedBackbone.load(copy)


def test_missing_and_foreign_files_are_refused(saved_backbone, tmp_path, jets):
    with pytest.raises(FileNotFoundError, match="no saved model"):
        PretrainedBackbone.load(tmp_path / "nothing")
    p, m = constituents(100, seed=5)
    other = BinnedTokeniser(n_bins=(4, 4, 4)).fit(p, m)
    with pytest.raises(ArtifactError, match="another tokeniser"):
        PretrainedBackbone.load(saved_backbone, tokeniser=other)
    same = BinnedTokeniser.from_dict(PretrainedBackbone.load(saved_backbone).tokeniser.to_dict())
    PretrainedBackbone.load(saved_backbone, tokeniser=same)  # accepted
    # a saved model of another kind (a tagger) is not a backbone
    from hepml_course.foundation import FoundationTagger

    x, y = jets
    tagger = FoundationTagger(
        n_particles=8, dim=8, heads=2, n_blocks=1, head=(4,), epochs=1, batch_size=64
    ).fit(x, y, seed=0)
    tagger.save(tmp_path / "tagger")
    with pytest.raises(ArtifactError, match="not a pre-trained foundation backbone"):
        PretrainedBackbone.load(tmp_path / "tagger")


def test_overwrite_needs_permission(backbone, tmp_path):
    path = backbone.save(tmp_path / "bb")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        backbone.save(path)
    backbone.save(path, overwrite=True)
    assert PretrainedBackbone.load(path).fingerprint == backbone.fingerprint


def _write_root(path, particles, mask, branches=("pt", "deta", "dphi", "e")):
    import awkward as ak
    import uproot

    counts = mask.sum(axis=1)
    arrays = {
        f"Part_{f}": ak.unflatten(particles[..., i][mask], counts)
        for i, f in enumerate(("pt", "deta", "dphi", "e"))
        if f in branches
    }
    part = ak.zip({k[5:]: v for k, v in arrays.items()})
    with uproot.recreate(path) as file:  # a TTree, as the jets dataset (not an RNTuple)
        file.mktree("particles", {"Part": part.type}).extend({"Part": part})


def test_read_constituents(tmp_path):
    p, m = constituents(30)
    file = tmp_path / "jets.root"
    _write_root(file, p, m)
    got_p, got_m = read_constituents(file, n_particles=8)
    assert np.array_equal(got_m, m)
    np.testing.assert_allclose(got_p, p, rtol=1e-6)
    # a subset is a seeded random choice of jets, not the first ones
    sub_p, _ = read_constituents(file, n_particles=8, max_jets=20, seed=1)
    again, _ = read_constituents(file, n_particles=8, max_jets=20, seed=1)
    assert sub_p.shape == (20, 8, 4) and np.array_equal(sub_p, again)
    rows = [int(np.flatnonzero(p[:, 0, 0] == row[0, 0])[0]) for row in sub_p]
    assert rows == sorted(rows) and rows != list(range(20))
    with pytest.raises(ValueError, match="no tree 'jets'"):
        read_constituents(file, tree="jets")
    with pytest.raises(FileNotFoundError, match="--data"):
        read_constituents(tmp_path / "none.root")
    _write_root(tmp_path / "no_e.root", p, m, branches=("pt", "deta", "dphi"))
    with pytest.raises(ValueError, match=r"lacks the branches \['j_eta'\]"):
        read_constituents(tmp_path / "no_e.root")
    (tmp_path / "junk.root").write_bytes(b"not a ROOT file")
    with pytest.raises(ValueError, match="not a readable ROOT file"):
        read_constituents(tmp_path / "junk.root")


def test_command_line(tmp_path, capsys):
    p, m = constituents(60)
    file = tmp_path / "jets.root"
    _write_root(file, p, m)
    out = tmp_path / "out"
    argv = ["--data", str(file), "--seed", "3", "--epochs", "1", "--n-particles", "8"]
    assert main([*argv, "--out", str(out), "--quiet"]) == 0
    assert "pre-trained on 60 jets" in capsys.readouterr().out
    record = json.loads((out / "backbone" / "record.json").read_text())
    assert record["command"].endswith("--seed 3 --epochs 1 --n-particles 8")
    assert record["seed"] == 3 and record["n_jets"] == 60 and record["epochs"] == 1
    assert record["extra"]["data_sha256"]
    with pytest.raises(SystemExit):
        main([*argv, "--out", str(out), "--quiet"])
    assert "--force" in capsys.readouterr().err
    assert main([*argv, "--out", str(out), "--quiet", "--force", "--max-jets", "50"]) == 0
    assert PretrainedBackbone.load(out / "backbone").info["n_jets"] == 50
