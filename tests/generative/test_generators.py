"""The three generators on toy showers: contract, reproducibility, persistence, learning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hepml_course.generative import (
    FlowMatching,
    generator_class,
    load_pretrained,
    make_generator,
)
from hepml_course.generative.pretrained import write_card
from hepml_course.metrics import generative as gm
from hepml_course.nn import ArtifactError, NotFittedError
from tests.generative.toy import GEOMETRY, toy_showers

#: The generators trained from showers in two stages (``distilled`` learns from a teacher:
#: tests/generative/test_distilled.py).
TWO_STAGE = ["flow_matching", "gan", "vae"]
SMALL = {
    "vae": {"latent_dim": 4, "hidden": [32]},
    "gan": {"noise_dim": 8, "hidden": [32], "critic_hidden": [32]},
    "flow_matching": {"hidden": [32, 32], "n_steps": 4},
}


@pytest.fixture(scope="module")
def data():
    return toy_showers(1000, seed=5)


@pytest.mark.parametrize("name", TWO_STAGE)
def test_fit_generate_save_load(name, data, tmp_path):
    voxels, e_inc = data
    gen = make_generator(name, epochs=2, **SMALL[name])
    assert gen.fit(voxels, e_inc, seed=3) is gen
    assert gen.epochs_trained_ == 2 and len(gen.history_["loss"]) == 2
    assert np.all(np.isfinite(gen.history_["loss"] + gen.history_["energy_loss"]))
    out = gen.generate(e_inc[:50], seed=7)
    assert out.shape == (50, 16) and np.all(out >= 0) and np.all(np.isfinite(out))
    assert np.array_equal(out, gen.generate(e_inc[:50], seed=7))
    assert not np.array_equal(out, gen.generate(e_inc[:50], seed=8))
    gen.save(tmp_path / name, command="test")
    write_card(tmp_path)
    assert name in (tmp_path / "card.md").read_text()
    again = load_pretrained(name, tmp_path)
    assert type(again) is type(gen) and again.get_params() == gen.get_params()
    assert np.array_equal(again.generate(e_inc[:50], seed=7), out)


@pytest.mark.parametrize("name", TWO_STAGE)
def test_same_seed_same_training(name, data):
    voxels, e_inc = data
    a = make_generator(name, epochs=1, **SMALL[name]).fit(voxels[:300], e_inc[:300], seed=11)
    b = make_generator(name, epochs=1, **SMALL[name]).fit(voxels[:300], e_inc[:300], seed=11)
    assert np.allclose(a.generate(e_inc[:20], seed=1), b.generate(e_inc[:20], seed=1), atol=1e-5)


@pytest.fixture(scope="module")
def saved_vae(data, tmp_path_factory):
    voxels, e_inc = data
    folder = tmp_path_factory.mktemp("models")
    make_generator("vae", epochs=1, **SMALL["vae"]).fit(voxels[:200], e_inc[:200]).save(
        folder / "vae"
    )
    return folder


def _edit_record(folder, edit):
    path = folder / "vae" / "record.json"
    rec = json.loads(path.read_text())
    edit(rec)
    path.write_text(json.dumps(rec, indent=1))


def test_a_tampered_preprocessing_state_is_refused(saved_vae, tmp_path):
    """Editing cond_mean (which would shift every shower) breaks the record's sha256."""
    import shutil

    shutil.copytree(saved_vae / "vae", tmp_path / "vae")
    load_pretrained("vae", tmp_path)  # intact: loads

    def shift(rec):
        rec["state"]["preprocessor"]["cond_mean"] += 0.1

    _edit_record(tmp_path, shift)
    with pytest.raises(ArtifactError, match="modified after it was saved"):
        load_pretrained("vae", tmp_path)


def test_damaged_or_missing_weights_are_refused(saved_vae, tmp_path):
    import shutil

    shutil.copytree(saved_vae / "vae", tmp_path / "vae")
    weights = tmp_path / "vae" / "shape_network.weights.h5"
    blob = bytearray(weights.read_bytes())
    blob[-100] ^= 0xFF
    weights.write_bytes(bytes(blob))
    with pytest.raises(ArtifactError, match="modified or damaged"):
        load_pretrained("vae", tmp_path)
    (tmp_path / "vae" / "energy_flow.weights.h5").unlink()
    with pytest.raises(ArtifactError, match=r"energy_flow\.weights\.h5"):
        load_pretrained("vae", tmp_path)
    with pytest.raises(FileNotFoundError, match="train it with"):
        load_pretrained("gan", tmp_path)
    with pytest.raises(ArtifactError, match="not a FlowMatching"):
        FlowMatching.load(saved_vae / "vae")


def test_contract_errors(data):
    voxels, e_inc = data
    with pytest.raises(KeyError, match="unknown generator"):
        generator_class("nope")
    with pytest.raises(TypeError, match="width"):
        make_generator("vae", width=3)
    with pytest.raises(TypeError):
        generator_class("vae")(4)  # hyper-parameters are keyword-only
    with pytest.raises(NotFittedError, match="fit"):
        make_generator("gan").generate(np.ones(3))
    gen = make_generator("vae", epochs=1, **SMALL["vae"])
    with pytest.raises(ValueError, match="same number of rows"):
        gen.fit(voxels[:100], e_inc[:90])
    with pytest.raises(ValueError, match="same number of rows"):
        gen.fit(voxels[:100], e_inc[:100], sample_weight=np.ones(50))
    with pytest.raises(ValueError, match="unequal sample weights"):
        gen.fit(voxels[:100], e_inc[:100], sample_weight=np.arange(100.0))
    with pytest.raises(ValueError, match="1-D"):
        gen.fit(voxels[:100], e_inc[:100, None])
    with pytest.raises(ValueError, match="layer_sizes"):
        make_generator("vae", layer_sizes=(4, 10), **SMALL["vae"]).fit(voxels, e_inc)
    gen.fit(voxels[:200], e_inc[:200])
    with pytest.raises(ValueError, match=r"1-D.*\(4, 2\)"):
        gen.generate(np.full((4, 2), 20.0))  # no silent flattening
    with pytest.raises(ValueError, match="1-D"):
        gen.generate(20.0)
    with pytest.raises(ValueError, match="> 0 GeV"):
        gen.generate(np.array([10.0, -1.0]))
    assert gen.generate(np.zeros(0)).shape == (0, 16)


def test_energies_outside_the_training_range_are_refused(data):
    voxels, e_inc = data
    gen = make_generator("vae", epochs=1, **SMALL["vae"]).fit(voxels[:300], e_inc[:300], seed=0)
    low, high = gen.preprocessor_.e_inc_range_gev_
    assert low == e_inc[:300].min() and high == e_inc[:300].max()
    inside = np.array([low, high, 0.5 * (low + high)])
    assert gen.generate(inside, seed=0).shape == (3, 16)
    for outside in (0.9 * low, 1.1 * high):
        with pytest.raises(ValueError, match="outside the training range"):
            gen.generate(np.array([20.0, outside]))
    out = gen.generate(np.array([1.1 * high]), allow_extrapolation=True)
    assert out.shape == (1, 16) and np.all(np.isfinite(out))


def test_flow_matching_learns_the_toy_showers():
    voxels, e_inc = toy_showers(3000, seed=6)
    gen = make_generator(
        "flow_matching",
        hidden=[128, 128],
        n_steps=8,
        layer_sizes=(4, 12),
        alpha_bins=[1, 4],
        epochs=25,
        batch_size=128,
    )
    gen.fit(voxels, e_inc, seed=0)
    ref_v, ref_e = toy_showers(2000, seed=7)
    out = gen.generate(ref_e, seed=1)
    ref = gm.high_level_features(ref_v, ref_e, GEOMETRY)
    fake = gm.high_level_features(out, ref_e, GEOMETRY)
    assert np.mean(fake["e_ratio"]) == pytest.approx(np.mean(ref["e_ratio"]), abs=0.03)
    w1 = gm.wasserstein_per_feature(ref, fake)
    assert np.mean(list(w1.values())) < 0.25


def test_two_stages_energy_model_and_shape_model(data):
    voxels, e_inc = data
    gen = make_generator("gan", layer_sizes=(4, 12), epochs=1, **SMALL["gan"])
    gen.fit(voxels, e_inc)
    assert len(gen.history_["energy_loss"]) == 1 and np.isfinite(gen.history_["energy_loss"][0])
    # stage 1 models the 2 energy features, stage 2 the 16 voxels given E_inc and them
    assert gen.energy_flow_.n_features == 2
    assert tuple(gen.generator_.output.shape) == (None, 16)
    assert tuple(gen.generator_.input.shape) == (None, SMALL["gan"]["noise_dim"] + 1 + 2)
    assert gen.preprocessor_.hit_log_cut_.shape == (10, 16)  # 1000 showers → 10 bins


def test_fit_starts_afresh(data):
    """Fitting twice with the same seed gives the same generator (no hidden continued state)."""
    voxels, e_inc = data
    gen = make_generator("vae", epochs=1, **SMALL["vae"])
    first = gen.fit(voxels[:300], e_inc[:300], seed=2).generate(e_inc[:10], seed=0)
    second = gen.fit(voxels[:300], e_inc[:300], seed=2).generate(e_inc[:10], seed=0)
    assert gen.epochs_trained_ == 1
    assert np.allclose(first, second, atol=1e-5)
