"""The ``jets`` loaders (the contract other chapters rely on) and their error messages."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from hepml_course.classification import jets as J


@pytest.fixture(scope="module")
def hlf():
    return J.load_hlf(test_fraction=0.25, seed=0)


def test_contract_names():
    assert J.CLASS_NAMES == ("g", "q", "w", "z", "t")
    assert len(J.HLF_FEATURES) == 16
    assert J.HLF_FEATURES[0] == "j_zlogz" and J.HLF_FEATURES[14] == "j_mass_mmdt"


def test_load_hlf_shapes_dtypes_and_balance(hlf):
    assert hlf.x_train.dtype == np.float32 and hlf.x_train.shape[1] == 16
    assert hlf.x_test.shape[1] == 16
    n = len(hlf.y_train) + len(hlf.y_test)
    assert len(hlf.y_test) == pytest.approx(0.25 * n, abs=5)
    assert np.issubdtype(hlf.y_train.dtype, np.integer)
    counts = np.bincount(hlf.y_train, minlength=5)
    assert counts.min() > 0.9 * counts.max(), f"classes not balanced: {counts}"
    assert hlf.feature_names == J.HLF_FEATURES and hlf.class_names == J.CLASS_NAMES
    assert np.isfinite(hlf.x_train).all()


def test_load_hlf_is_reproducible_and_subsamples():
    a = J.load_hlf(seed=3, max_jets=500)
    b = J.load_hlf(seed=3, max_jets=500)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert len(a.y_train) + len(a.y_test) == 500
    c = J.load_hlf(seed=4, max_jets=500)
    assert not np.array_equal(a.x_train, c.x_train)


def test_load_hlf_bad_arguments():
    with pytest.raises(ValueError, match="test_fraction"):
        J.load_hlf(test_fraction=1.5)
    with pytest.raises(ValueError, match="max_jets"):
        J.load_hlf(max_jets=3)


def test_dataset_and_tree_errors():
    with pytest.raises(ValueError, match="no jet labels"):
        J.load_hlf(dataset="jets_unlabelled")
    with pytest.raises(ValueError, match="has the trees"):
        J.load_hlf(dataset="jets_v2", tree="mpi_on")
    with pytest.raises(ValueError, match="no constituents"):
        J.load_jets(dataset="jets", tree="mpi_on")


@pytest.mark.parametrize("dataset", ["jets", "jets_v2"])
def test_physics_sanity_groomed_mass_peaks(dataset):
    """W, Z and top jets peak at their masses in the groomed mass; QCD jets do not."""
    d = J.load_hlf(test_fraction=0.5, seed=0, dataset=dataset)
    x = np.concatenate([d.x_train, d.x_test])
    y = np.concatenate([d.y_train, d.y_test])
    m = x[:, J.HLF_FEATURES.index("j_mass_mmdt")]

    def peak(label, lo, hi):
        h, edges = np.histogram(m[y == label], bins=np.arange(lo, hi, 4.0))
        return 0.5 * (edges[np.argmax(h)] + edges[np.argmax(h) + 1])

    assert peak(2, 50, 130) == pytest.approx(80.4, abs=6)
    assert peak(3, 50, 130) == pytest.approx(91.2, abs=6)
    assert peak(4, 120, 240) == pytest.approx(173, abs=12)
    assert np.median(m[y == 0]) < 60 and np.median(m[y == 1]) < 60
    # gluon jets are broader and have more constituents than quark jets
    mult = x[:, J.HLF_FEATURES.index("j_multiplicity")]
    assert np.mean(mult[y == 0]) > np.mean(mult[y == 1]) + 3


def test_load_jets_constituents():
    s = J.load_jets(n_particles=20, max_jets=600, seed=1)
    assert s.particles_train.shape[1:] == (20, 4) and s.n_particles == 20
    assert s.mask_train.shape == s.particles_train.shape[:2]
    pt = s.particles_train[..., 0]
    assert np.all(pt[~s.mask_train] == 0)
    # pT-ordered, real constituents first
    real = s.mask_train.all(axis=1)
    assert np.all(np.diff(pt[real], axis=1) <= 1e-3)
    # constituents lie inside the R = 0.8 jet
    dr = np.hypot(s.particles_train[..., 1], s.particles_train[..., 2])
    assert dr[s.mask_train].max() < 1.0
    assert s.hlf_train.shape == (len(s.y_train), 16)


def test_pad_constituents_errors_and_padding():
    parts = ak.zip(
        {
            "pt": [[3.0, 2.0], [1.0]],
            "deta": [[0.1, 0.2], [0.0]],
            "dphi": [[0.0, 0.1], [0.3]],
            "e": [[3.0, 2.5], [1.0]],
        }
    )
    x, mask = J.pad_constituents(parts, 3)
    assert x.shape == (2, 3, 4) and mask.tolist() == [[True, True, False], [True, False, False]]
    x1, _ = J.pad_constituents(parts, 1)
    assert x1[0, 0, 0] == 3.0
    with pytest.raises(ValueError, match="n_particles must be between"):
        J.pad_constituents(parts, 51)
    with pytest.raises(ValueError, match="lack the field"):
        J.pad_constituents(ak.zip({"pt": [[1.0]]}), 2)


def test_jet_inputs_carry_features_and_constituents_together():
    s = J.load_jets(n_particles=10, max_jets=300, seed=0)
    x = s.x_train
    assert isinstance(x, J.JetInputs) and len(x) == len(s.y_train) and x.n_particles == 10
    assert x.feature_names == J.HLF_FEATURES
    sub = x[5:9]
    assert len(sub) == 4 and sub.particles.shape == (4, 10, 4) and sub.mask.shape == (4, 10)
    np.testing.assert_array_equal(sub.features, s.hlf_train[5:9])
    mass = x.columns(("j_mass_mmdt",))
    np.testing.assert_array_equal(mass[:, 0], s.hlf_train[:, 14])
    parts, mask = x.hardest(4)
    assert parts.shape == (len(x), 4, 4) and np.array_equal(mask, s.mask_train[:, :4])
    with pytest.raises(ValueError, match="padded to 10 particles"):
        x.hardest(20)
    with pytest.raises(ValueError, match="both particles and mask"):
        J.JetInputs(s.hlf_train, s.particles_train)
    with pytest.raises(ValueError, match="same number of rows"):
        J.JetInputs(s.hlf_train[:-1], s.particles_train, s.mask_train)
    with pytest.raises(ValueError, match="16 features"):
        J.JetInputs(s.hlf_train[:, :3])
    with pytest.raises(ValueError, match="mask must have shape"):
        J.JetInputs(s.hlf_train, s.particles_train, s.mask_train[:, :5])


def test_constituent_energies_massless_when_not_stored():
    from hepml_course import data

    jets = ak.Array(
        {
            "j_eta": [0.5, -1.0],
            "Part": ak.zip(
                {
                    "pt": [[10.0, 2.0], [5.0]],
                    "deta": [[0.0, 0.1], [0.2]],
                    "dphi": [[0.0, 0.1], [-0.1]],
                }
            ),
        }
    )
    parts = J.constituents(jets)
    assert parts.fields == list(J.PARTICLE_FIELDS)
    assert ak.to_list(parts.e[0]) == pytest.approx([10 * np.cosh(0.5), 2 * np.cosh(0.6)])
    assert ak.to_list(parts.e[1]) == pytest.approx([5 * np.cosh(-0.8)])
    with pytest.raises(ValueError, match="j_eta"):
        J.constituents(jets[["Part"]])
    with pytest.raises(ValueError, match="no constituents"):
        J.constituents(jets[["j_eta"]])
    # with stored energies (dataset jets) they are taken as they are
    stored = J.load_jets(n_particles=5, max_jets=100, seed=0)
    raw = data.load("jets", tree="particles", entry_stop=3)
    assert np.allclose(ak.to_list(J.constituents(raw).e[0]), ak.to_list(raw.Part.e[0]))
    assert stored.particles_train.shape[-1] == 4
