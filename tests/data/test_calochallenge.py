"""CaloChallenge HDF5 format: voxel order, units, round trip, bad files, the export command."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from hepml_course.cli import main
from hepml_course.data import calochallenge as cc
from hepml_course.data.errors import (
    CorruptDatasetError,
    DataError,
    DatasetMissingError,
    OutputPathError,
)
from hepml_course.metrics import generative as gm
from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY

N_R = DEFAULT_GEOMETRY.n_r  # (8, 16, 19, 5, 5)
STARTS = [s.start for s in DEFAULT_GEOMETRY.layer_slices]  # (0, 8, 168, 358, 363)


def _raw_file(path, e_inc, showers, **extra):
    """An HDF5 file with exactly the given datasets (no validation: for bad files)."""
    with h5py.File(path, "w") as f:
        if e_inc is not None:
            f.create_dataset("incident_energies", data=e_inc)
        if showers is not None:
            f.create_dataset("showers", data=showers)
        for k, v in extra.items():
            f.create_dataset(k, data=v)
    return path


def _course_showers(n, seed):
    """Positive GeV voxels (≈ 40 % zero) and incident energies in 1–250 GeV."""
    rng = np.random.default_rng(seed)
    e = np.exp(rng.uniform(np.log(1.0), np.log(250.0), n))
    vox = rng.exponential(1.0, (n, 368)) * (rng.random((n, 368)) > 0.4)
    vox *= (0.95 * e / vox.sum(axis=1))[:, None]
    return vox, e


def _good_mev(n=30, seed=0):
    vox, e = _course_showers(n, seed)
    return (e * 1000.0)[:, None], vox * 1000.0


# --- voxel order -------------------------------------------------------------------------
def test_course_geometry_has_the_dataset_1_photon_binning():
    cc.check_geometry(DEFAULT_GEOMETRY)  # must not raise
    assert DEFAULT_GEOMETRY.n_voxels == cc.N_VOXELS == 368
    import dataclasses

    other = dataclasses.replace(
        DEFAULT_GEOMETRY, n_alpha=(1, 8, 10, 1, 1)
    )  # 8 α bins in the strips
    with pytest.raises(cc.CaloChallengeFormatError, match=r"layer 1 .* differs from CaloChallenge"):
        cc.check_geometry(other)


def test_permutations_are_inverse_and_only_rotate_alpha():
    fwd = cc.course_to_calochallenge_index()
    back = cc.calochallenge_to_course_index()
    assert sorted(fwd.tolist()) == list(range(368))
    np.testing.assert_array_equal(fwd[back], np.arange(368))
    np.testing.assert_array_equal(back[fwd], np.arange(368))
    x = np.random.default_rng(0).random((4, 368))
    np.testing.assert_array_equal(x[:, fwd][:, back], x)
    # layers without α segmentation (0, 3, 4) are untouched
    for layer in (0, 3, 4):
        sl = DEFAULT_GEOMETRY.layer_slices[layer]
        np.testing.assert_array_equal(fwd[sl], np.arange(sl.start, sl.stop))
    # a half turn moves every voxel of layers 1 and 2, keeping its layer and r bin
    for layer in (1, 2):
        sl = DEFAULT_GEOMETRY.layer_slices[layer]
        assert np.all(fwd[sl] != np.arange(sl.start, sl.stop))
        np.testing.assert_array_equal(
            (fwd[sl] - sl.start) % N_R[layer], np.arange(190 if layer == 2 else 160) % N_R[layer]
        )


@pytest.mark.parametrize("layer", [1, 2])
@pytest.mark.parametrize("a_cc", range(10))
def test_a_single_voxel_lands_where_the_course_expects_it(tmp_path, layer, a_cc):
    """Energy only in CaloChallenge (layer, α bin a_cc, r bin b) → course α bin (a_cc - 5) mod 10.

    And its position agrees with the official HighLevelFeatures convention:
    α_cc = -π + (a_cc + ½)·2π/10, (Δη, Δφ) = (r cos α_cc, r sin α_cc) = course (centroid_x, _y).
    """
    b = 3
    showers = np.zeros((1, 368))
    showers[0, STARTS[layer] + a_cc * N_R[layer] + b] = 5000.0  # MeV
    path = _raw_file(tmp_path / "one.h5", np.array([[6000.0]]), showers)
    vox, e = cc.read_calochallenge(path)
    expected = STARTS[layer] + ((a_cc - 5) % 10) * N_R[layer] + b
    assert np.flatnonzero(vox[0]).tolist() == [expected]
    assert vox[0, expected] == pytest.approx(5.0)
    assert e.tolist() == [6.0]
    edges = DEFAULT_GEOMETRY.r_edges_mm[layer]
    r_mid = 0.5 * (edges[b] + edges[b + 1])
    alpha_cc = -np.pi + (a_cc + 0.5) * 2 * np.pi / 10
    f = gm.high_level_features(vox, e, DEFAULT_GEOMETRY)
    assert f[f"centroid_x_{layer}"][0] == pytest.approx(r_mid * np.cos(alpha_cc), abs=1e-9)
    assert f[f"centroid_y_{layer}"][0] == pytest.approx(r_mid * np.sin(alpha_cc), abs=1e-9)


def test_layers_without_alpha_bins_keep_their_order(tmp_path):
    showers = np.zeros((1, 368))
    showers[0, [2, 358 + 4, 363 + 1]] = [100.0, 200.0, 300.0]
    vox, _ = cc.read_calochallenge(_raw_file(tmp_path / "f.h5", [[1000.0]], showers))
    np.testing.assert_allclose(vox[0, [2, 362, 364]], [0.1, 0.2, 0.3])
    assert np.count_nonzero(vox) == 3


# --- round trip --------------------------------------------------------------------------
def test_write_then_read_round_trips_within_float32(tmp_path):
    vox, e = _course_showers(50, seed=1)
    path = cc.write_calochallenge(tmp_path / "out" / "s.h5", vox, e, attrs={"note": "test"})
    back_vox, back_e = cc.read_calochallenge(path)
    assert back_vox.dtype == back_e.dtype == np.float64
    np.testing.assert_allclose(back_vox, vox, rtol=1.2e-7, atol=0)
    np.testing.assert_allclose(back_e, e, rtol=1.2e-7, atol=0)
    with h5py.File(path, "r") as f:
        assert f["incident_energies"].shape == (50, 1)
        assert f["showers"].shape == (50, 368)
        assert f["incident_energies"].dtype == f["showers"].dtype == np.float32
        assert f.attrs["units"] == "MeV" and f.attrs["note"] == "test"
        # stored in MeV and in CaloChallenge order
        np.testing.assert_allclose(
            f["showers"][:], vox[:, cc.course_to_calochallenge_index()] * 1000, rtol=1e-6
        )
        np.testing.assert_allclose(f["incident_energies"][:, 0], e * 1000, rtol=1e-6)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["s.h5"]  # no temporary left


def test_reader_accepts_n_energies_and_max_showers(tmp_path):
    e, s = _good_mev(20)
    path = _raw_file(tmp_path / "f.h5", e[:, 0], s)  # (N,) instead of (N, 1)
    vox, e_gev = cc.read_calochallenge(path, max_showers=7)
    assert vox.shape == (7, 368) and e_gev.shape == (7,)
    np.testing.assert_allclose(e_gev, e[:7, 0] / 1000)
    with pytest.raises(ValueError, match="max_showers must be >= 1"):
        cc.read_calochallenge(path, max_showers=0)


# --- bad files ---------------------------------------------------------------------------
def test_missing_file(tmp_path):
    with pytest.raises(DatasetMissingError, match=r"no CaloChallenge file at .*nope\.h5"):
        cc.read_calochallenge(tmp_path / "nope.h5")


def test_not_hdf5_and_folder_and_truncated(tmp_path):
    text = tmp_path / "t.h5"
    text.write_text("incident_energies,showers\n1,2\n")
    with pytest.raises(CorruptDatasetError, match="not an HDF5 file"):
        cc.read_calochallenge(text)
    with pytest.raises(CorruptDatasetError, match="is a folder"):
        cc.read_calochallenge(tmp_path)
    e, s = _good_mev(200)
    good = _raw_file(tmp_path / "good.h5", e, s)
    cut = tmp_path / "cut.h5"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CorruptDatasetError, match=r"cut\.h5"):
        cc.read_calochallenge(cut)


def test_missing_datasets_are_named_with_what_is_there(tmp_path):
    e, s = _good_mev()
    path = _raw_file(tmp_path / "f.h5", None, s, energy=e)
    with pytest.raises(cc.CaloChallengeFormatError) as info:
        cc.read_calochallenge(path)
    msg = str(info.value)
    assert "'incident_energies'" in msg and "missing" in msg
    assert "energy (30, 1)" in msg and "showers (30, 368)" in msg
    with pytest.raises(cc.CaloChallengeFormatError, match="'incident_energies', 'showers'"):
        cc.read_calochallenge(_raw_file(tmp_path / "g.h5", None, None, other=[1.0]))


@pytest.mark.parametrize(
    ("n_voxels", "which"),
    [(533, "dataset 1, pions"), (6480, "dataset 2"), (40500, "dataset 3"), (367, "")],
)
def test_wrong_voxel_count_says_which_dataset(tmp_path, n_voxels, which):
    path = _raw_file(tmp_path / "f.h5", np.full((3, 1), 1e4), np.ones((3, n_voxels)))
    with pytest.raises(cc.CaloChallengeFormatError, match=f"{n_voxels} voxels.*{which}") as info:
        cc.read_calochallenge(path)
    assert "only CaloChallenge dataset 1 photons (368 voxels" in str(info.value)


def test_energy_array_of_two_columns_is_refused_not_flattened(tmp_path):
    _, s = _good_mev(30)
    e2 = np.full((15, 2), 1e4)  # 30 numbers for 30 showers: flattening would "work"
    with pytest.raises(cc.CaloChallengeFormatError, match=r"\(N, 1\) or \(N,\), got \(15, 2\)"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e2, s))
    with pytest.raises(cc.CaloChallengeFormatError, match=r"got \(30, 1, 1\)"):
        cc.read_calochallenge(_raw_file(tmp_path / "g.h5", np.full((30, 1, 1), 1e4), s))


def test_lengths_must_agree(tmp_path):
    e, s = _good_mev(30)
    with pytest.raises(cc.CaloChallengeFormatError, match="29 incident energies but 30 showers"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e[:29], s))


def test_showers_must_be_two_dimensional_and_numeric(tmp_path):
    e, s = _good_mev(3)
    with pytest.raises(cc.CaloChallengeFormatError, match=r"shape \(N, 368\), got \(3, 368, 1\)"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e, s[..., None]))
    with pytest.raises(cc.CaloChallengeFormatError, match="numeric"):
        cc.read_calochallenge(_raw_file(tmp_path / "g.h5", np.array([b"a", b"b", b"c"]), s))


@pytest.mark.parametrize("where", ["showers", "incident_energies"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(tmp_path, where, bad):
    e, s = _good_mev(30)
    (s if where == "showers" else e)[17, 0] = bad
    with pytest.raises(cc.CaloChallengeFormatError, match=r"NaN/inf.*first at row 17"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e, s))


def test_non_positive_incident_energies_are_refused(tmp_path):
    e, s = _good_mev(30)
    e[4, 0] = -2000.0
    with pytest.raises(cc.CaloChallengeFormatError, match=r"<= 0 .*row 4"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e, s))


def test_a_file_in_gev_is_refused_with_advice(tmp_path):
    e, s = _good_mev(30)
    path = _raw_file(tmp_path / "f.h5", e / 1000, s / 1000)  # GeV throughout
    with pytest.raises(cc.CaloChallengeFormatError, match=r"almost certainly in GeV.*multiply"):
        cc.read_calochallenge(path)


def test_voxels_and_energies_in_different_units_are_refused(tmp_path):
    e, s = _good_mev(30)
    with pytest.raises(cc.CaloChallengeFormatError, match="different units"):
        cc.read_calochallenge(_raw_file(tmp_path / "f.h5", e, s / 1000))  # voxels in GeV
    with pytest.raises(cc.CaloChallengeFormatError, match="different units"):
        cc.read_calochallenge(_raw_file(tmp_path / "g.h5", e, s * 1000))  # voxels in keV


def test_format_errors_are_data_errors_and_value_errors():
    assert issubclass(cc.CaloChallengeFormatError, DataError)
    assert issubclass(cc.CaloChallengeFormatError, ValueError)


# --- the writer --------------------------------------------------------------------------
def test_writer_never_replaces_a_file_unless_told(tmp_path):
    vox, e = _course_showers(5, seed=2)
    path = tmp_path / "mine.h5"
    path.write_text("precious")
    with pytest.raises(OutputPathError, match="exists: pass overwrite=True"):
        cc.write_calochallenge(path, vox, e)
    assert path.read_text() == "precious"
    cc.write_calochallenge(path, vox, e, overwrite=True)
    assert len(cc.read_calochallenge(path).e_inc_gev) == 5
    with pytest.raises(OutputPathError, match="is a folder"):
        cc.write_calochallenge(tmp_path, vox, e, overwrite=True)


def test_an_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    vox, e = _course_showers(5, seed=3)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(cc.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cc.write_calochallenge(tmp_path / "s.h5", vox, e)
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_mev_passed_as_gev_and_bad_arrays(tmp_path):
    vox, e = _course_showers(10, seed=4)
    out = tmp_path / "s.h5"
    with pytest.raises(cc.CaloChallengeFormatError, match=r"look like MeV.*divide"):
        cc.write_calochallenge(out, vox * 1000, e * 1000)
    with pytest.raises(cc.CaloChallengeFormatError, match=r"got \(5, 2\)"):
        cc.write_calochallenge(out, vox, e.reshape(5, 2))
    with pytest.raises(cc.CaloChallengeFormatError, match="533 voxels"):
        cc.write_calochallenge(out, np.ones((10, 533)), e)
    bad = vox.copy()
    bad[3, 7] = np.nan
    with pytest.raises(cc.CaloChallengeFormatError, match="NaN"):
        cc.write_calochallenge(out, bad, e)
    with pytest.raises(cc.CaloChallengeFormatError, match="<= 0"):
        cc.write_calochallenge(out, vox, -e)
    assert not out.exists()
    # (N, 1) incident energies are fine
    cc.write_calochallenge(out, vox, e[:, None])
    np.testing.assert_allclose(cc.read_calochallenge(out).e_inc_gev, e, rtol=1.2e-7)


# --- the export command ------------------------------------------------------------------
def test_export_writes_the_courses_test_split(tmp_path, capsys):
    from hepml_course.generative.showers import calo_split

    out = tmp_path / "calo_test.h5"
    argv = ["data", "export", "calo", "--format", "calochallenge", "--out", str(out)]
    assert main([*argv, "--split", "test", "--max-showers", "40"]) == 0
    printed = capsys.readouterr().out
    assert "wrote" in printed and "40 showers" in printed and "split test" in printed
    vox, e = cc.read_calochallenge(out)
    _, test = calo_split()
    np.testing.assert_allclose(vox, test.voxels_gev[:40], rtol=1.2e-7, atol=0)
    np.testing.assert_allclose(e, test.e_inc_gev[:40], rtol=1.2e-7, atol=0)
    # a second run must be told to replace the file
    assert main([*argv, "--split", "train", "--max-showers", "10"]) == 2
    assert "--force" in capsys.readouterr().err
    assert len(cc.read_calochallenge(out).e_inc_gev) == 40
    assert main([*argv, "--split", "train", "--max-showers", "10", "--force"]) == 0
    assert len(cc.read_calochallenge(out).e_inc_gev) == 10


def test_export_only_knows_calorimeter_datasets_and_calochallenge(tmp_path, capsys):
    out = str(tmp_path / "x.h5")
    with pytest.raises(SystemExit) as info:
        main(["data", "export", "dimuon", "--format", "calochallenge", "--out", out])
    assert info.value.code == 2
    assert "invalid choice: 'dimuon'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["data", "export", "calo", "--format", "root", "--out", out])
    assert "invalid choice: 'root'" in capsys.readouterr().err


def test_judge_command_reports_a_bad_file_in_one_line(tmp_path, capsys):
    assert main(["data", "judge-calo", str(tmp_path / "a.h5"), str(tmp_path / "b.h5")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no CaloChallenge file at") and "Traceback" not in err
