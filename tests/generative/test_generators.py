"""The three generators on toy showers: API, reproducibility, persistence, learning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.generative import GENERATORS, generator_class, make_generator
from hepml_course.generative.pretrained import load_pretrained, write_card
from hepml_course.metrics import generative as gm
from tests.generative.toy import GEOMETRY, toy_showers

SMALL = {
    "vae": {"latent_dim": 4, "hidden": [32]},
    "gan": {"noise_dim": 8, "hidden": [32], "critic_hidden": [32]},
    "flow_matching": {"hidden": [32, 32], "n_steps": 4},
}


@pytest.fixture(scope="module")
def data():
    return toy_showers(1000, seed=5)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_fit_generate_save_load(name, data, tmp_path):
    voxels, e_inc = data
    gen = make_generator(name, seed=3, **SMALL[name]).fit(voxels, e_inc, epochs=2)
    assert gen.epochs_trained == 2 and len(gen.history) == 2
    assert np.all(np.isfinite(gen.history))
    out = gen.generate(e_inc[:50], seed=7)
    assert out.shape == (50, 16) and np.all(out >= 0) and np.all(np.isfinite(out))
    assert np.array_equal(out, gen.generate(e_inc[:50], seed=7))
    assert not np.array_equal(out, gen.generate(e_inc[:50], seed=8))
    gen.save(tmp_path, {"command": "test"})
    write_card(tmp_path)
    assert name in (tmp_path / "card.md").read_text()
    again = load_pretrained(name, tmp_path)
    assert np.allclose(again.generate(e_inc[:50], seed=7), out, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_training(name, data):
    voxels, e_inc = data
    a = make_generator(name, seed=11, **SMALL[name]).fit(voxels[:300], e_inc[:300], epochs=1)
    b = make_generator(name, seed=11, **SMALL[name]).fit(voxels[:300], e_inc[:300], epochs=1)
    assert np.allclose(a.generate(e_inc[:20], seed=1), b.generate(e_inc[:20], seed=1), atol=1e-5)


def test_damaged_weights_are_detected(data, tmp_path):
    voxels, e_inc = data
    make_generator("vae", **SMALL["vae"]).fit(voxels[:200], e_inc[:200], epochs=1).save(tmp_path)
    record = json.loads((tmp_path / "vae.json").read_text())
    good_sha = record["weight_files"]["vae.weights.h5"]
    record["weight_files"]["vae.weights.h5"] = "0" * 64
    (tmp_path / "vae.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="damaged or stale"):
        load_pretrained("vae", tmp_path)
    with pytest.raises(FileNotFoundError, match="train it with"):
        load_pretrained("gan", tmp_path)
    (tmp_path / "vae.energy.weights.h5").unlink()
    record["weight_files"]["vae.weights.h5"] = good_sha
    (tmp_path / "vae.json").write_text(json.dumps(record))
    with pytest.raises(FileNotFoundError, match=r"vae\.energy\.weights\.h5 is missing"):
        load_pretrained("vae", tmp_path)
    del record["weight_files"]  # a record of the single-stage generators (stop 11)
    (tmp_path / "vae.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="older version"):
        load_pretrained("vae", tmp_path)


def test_api_errors(data):
    with pytest.raises(KeyError, match="unknown generator"):
        generator_class("nope")
    with pytest.raises(TypeError, match="no hyper-parameter"):
        make_generator("vae", width=3)
    with pytest.raises(RuntimeError, match="not trained"):
        make_generator("gan").generate(np.ones(3))


def test_flow_matching_learns_the_toy_showers(data):
    voxels, e_inc = toy_showers(3000, seed=6)
    gen = make_generator(
        "flow_matching",
        seed=0,
        hidden=[128, 128],
        n_steps=8,
        layer_sizes=(4, 12),
        alpha_bins=[1, 4],
    )
    gen.fit(voxels, e_inc, epochs=25, batch_size=128)
    ref_v, ref_e = toy_showers(2000, seed=7)
    out = gen.generate(ref_e, seed=1)
    ref = gm.high_level_features(ref_v, ref_e, GEOMETRY)
    fake = gm.high_level_features(out, ref_e, GEOMETRY)
    assert np.mean(fake["e_ratio"]) == pytest.approx(np.mean(ref["e_ratio"]), abs=0.03)
    w1 = gm.wasserstein_per_feature(ref, fake)
    assert np.mean(list(w1.values())) < 0.25


def test_two_stages_energy_model_and_shape_model(data):
    voxels, e_inc = data
    gen = make_generator("gan", seed=0, layer_sizes=(4, 12), **SMALL["gan"])
    gen.fit(voxels, e_inc, epochs=1)
    assert len(gen.energy_history) == 1 and np.isfinite(gen.energy_history[0])
    # stage 1 models the 2 energy features, stage 2 the 16 voxels given E_inc and them
    assert gen.energy_flow.n_features == 2
    assert gen.generator.output_shape == (None, 16)
    assert gen.generator.input_shape == (None, SMALL["gan"]["noise_dim"] + 1 + 2)
    assert gen.preprocessor.hit_log_cut_.shape == (10, 16)  # 1000 showers → 10 bins
