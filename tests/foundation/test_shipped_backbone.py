"""The shipped pre-trained backbone: verified on load, within the budget, and reproducible."""

from __future__ import annotations

import json
import shlex

import numpy as np
import pytest

from hepml_course.foundation import PretrainedBackbone
from hepml_course.foundation.pretrain import BACKBONE_FOLDER, default_out, main

SHIPPED = default_out() / BACKBONE_FOLDER
#: The unlabelled sample the shipped backbone was pre-trained on (generated, not shipped).
UNLABELLED_EVENTS = 200_000


def _record() -> dict:
    return json.loads((SHIPPED / "record.json").read_text())


def test_shipped_backbone_loads_verified_and_is_small():
    backbone = PretrainedBackbone.load(SHIPPED)
    info = backbone.info
    assert backbone.n_params <= 1_000_000
    assert info["objective"] == "masked-particle"
    assert info["n_jets"] >= UNLABELLED_EVENTS * 0.99  # all of it (a 5 % hold-out inside)
    assert info["command"].startswith("python -m hepml_course.foundation.pretrain --data ")
    assert info["train_s"] <= 2 * 3600
    final = info["final"]
    # the pre-training learned something: the masked tokens are far above chance
    assert final["holdout_masked_token_accuracy"] > 20 * final["chance_accuracy"]


@pytest.mark.slow
@pytest.mark.timeout(4 * 3600)  # generation (≈ 30 min) + pre-training (≈ 40 min) on 2 cores
def test_pretraining_command_reproduces_the_shipped_backbone(tmp_path):
    from hepml_course import data
    from hepml_course.data.paths import REPO_ROOT

    rec = _record()
    args = shlex.split(rec["command"])[3:]  # after "python -m hepml_course.foundation.pretrain"
    source = REPO_ROOT / args[args.index("--data") + 1]
    if not source.exists():
        data.generate("jets_unlabelled", UNLABELLED_EVENTS, workers=2, out=source, progress=False)
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    new = json.loads((tmp_path / BACKBONE_FOLDER / "record.json").read_text())
    assert new["extra"]["data_sha256"] == rec["extra"]["data_sha256"]
    assert np.isclose(
        new["final"]["holdout_masked_token_accuracy"], rec["final"]["holdout_masked_token_accuracy"]
    )
    # the same weights, value for value (the HDF5 file's bytes may differ in metadata)
    shipped = PretrainedBackbone.load(SHIPPED).model.get_weights()
    again = PretrainedBackbone.load(tmp_path / BACKBONE_FOLDER).model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(shipped, again, strict=True))
