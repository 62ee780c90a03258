"""Metrics of generated showers, checked on toy showers of a tiny calorimeter."""

from __future__ import annotations

import time

import numpy as np
import pytest

from hepml_course.metrics import generative as gm
from tests.generative.toy import GEOMETRY, toy_showers


@pytest.fixture(scope="module")
def samples():
    ref = toy_showers(3000, seed=1)
    same = toy_showers(3000, seed=2)
    wide = toy_showers(3000, seed=3, width_scale=1.6)
    return ref, same, wide


def features(sample):
    return gm.high_level_features(sample[0], sample[1], GEOMETRY)


def test_high_level_features_of_a_single_voxel_shower():
    voxels = np.zeros((1, 16))
    voxels[0, 4 + 3 * 1 + 2] = 7.0  # layer 1, angle bin 1, radial bin 2
    f = gm.high_level_features(voxels, np.array([10.0]), GEOMETRY)
    r, a = GEOMETRY.voxel_centres(1)
    assert f["e_ratio"][0] == pytest.approx(0.7)
    assert f["e_layer_1"][0] == pytest.approx(7.0) and f["e_layer_0"][0] == 0
    assert f["centroid_x_1"][0] == pytest.approx(r[5] * np.cos(a[5]))
    assert f["centroid_y_1"][0] == pytest.approx(r[5] * np.sin(a[5]))
    assert f["width_x_1"][0] == pytest.approx(0.0, abs=1e-9)
    assert f["sparsity_1"][0] == pytest.approx(1 / 12)
    assert f["centroid_x_0"][0] == 0.0  # empty layer


def test_widths_grow_with_the_shower_width(samples):
    ref, _, wide = samples
    assert np.mean(features(wide)["width_x_1"]) > 1.2 * np.mean(features(ref)["width_x_1"])


@pytest.mark.parametrize(
    ("voxels", "e_inc", "match"),
    [
        (np.zeros(16), np.ones(1), "shape"),
        (np.zeros((2, 15)), np.ones(2), "expected 16 voxels"),
        (np.zeros((2, 16)), np.ones(3), "incident energies"),
        (np.full((2, 16), np.nan), np.ones(2), "NaN"),
        (np.zeros((2, 16)), np.array([1.0, -1.0]), "> 0"),
    ],
)
def test_bad_showers_are_rejected(voxels, e_inc, match):
    with pytest.raises(ValueError, match=match):
        gm.high_level_features(voxels, e_inc, GEOMETRY)


def test_wasserstein_is_zero_for_identical_samples_and_grows_with_a_distortion(samples):
    ref, same, wide = samples
    f_ref = features(ref)
    assert max(gm.wasserstein_per_feature(f_ref, f_ref).values()) == pytest.approx(0.0)
    w_same = gm.wasserstein_per_feature(f_ref, features(same))
    w_wide = gm.wasserstein_per_feature(f_ref, features(wide))
    assert w_wide["width_x_1"] > 5 * w_same["width_x_1"]
    # weights that drop half of the sample change the distance
    weights = np.r_[np.ones(1500), np.zeros(1500)]
    w_weighted = gm.wasserstein_per_feature(f_ref, features(same), generated_weights=weights)
    assert w_weighted["e_ratio"] != pytest.approx(w_same["e_ratio"])


def test_frechet_distance_of_shifted_gaussians():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20000, 3))
    b = rng.standard_normal((20000, 3)) + np.array([1.0, 0, 0])
    fd = gm.frechet_distance(a, b, n_bootstrap=5)
    assert fd.value == pytest.approx(1.0, abs=0.05)
    assert gm.frechet_distance(a, rng.standard_normal((20000, 3)), n_bootstrap=5).value < 0.01


def test_fpd_and_kpd_separate_a_distorted_sample(samples):
    ref, same, wide = samples
    names = gm.informative_features(features(ref))
    x_ref, _ = gm.feature_matrix(features(ref), names)
    x_same, _ = gm.feature_matrix(features(same), names)
    x_wide, _ = gm.feature_matrix(features(wide), names)
    fpd_same, fpd_wide = gm.frechet_distance(x_ref, x_same), gm.frechet_distance(x_ref, x_wide)
    assert fpd_wide.value > 10 * fpd_same.value
    assert fpd_same.error > 0
    kpd_same = gm.kernel_distance(x_ref, x_same, batch_size=500)
    kpd_wide = gm.kernel_distance(x_ref, x_wide, batch_size=500)
    assert abs(kpd_same.value) < 4 * kpd_same.error + 1e-3
    assert kpd_wide.value > 10 * kpd_wide.error


def test_feature_matrix_names_missing_features(samples):
    with pytest.raises(KeyError, match="missing"):
        gm.feature_matrix(features(samples[0]), ["e_ratio", "nope"])


def test_high_level_classifier_auc(samples):
    ref, same, wide = samples
    names = gm.informative_features(features(ref))

    def mat(s):
        return np.column_stack([gm.feature_matrix(features(s), names)[0], np.log(s[1])])

    auc_same = gm.classifier_auc_high_level(mat(ref), mat(same))
    auc_wide = gm.classifier_auc_high_level(mat(ref), mat(wide))
    assert 0.4 < auc_same < 0.58
    assert auc_wide > 0.8


def test_low_level_classifier_auc(samples):
    ref, same, wide = samples

    def inputs(s):
        return gm.low_level_inputs(*s)

    auc_same = gm.classifier_auc_low_level(inputs(ref), inputs(same), epochs=8, hidden=(64,))
    auc_wide = gm.classifier_auc_low_level(inputs(ref), inputs(wide), epochs=8, hidden=(64,))
    assert 0.4 < auc_same < 0.6
    assert auc_wide > 0.75


def test_low_level_test_uses_the_packages_one_classifier(samples, monkeypatch):
    """The metric trains no network of its own: it calls nn.ClassifierReweighter.predict_proba."""
    import hepml_course.nn as nn

    calls = {}

    class Recording(nn.ClassifierReweighter):
        def fit(self, X, y, *, sample_weight=None, seed=0):
            calls["fit"] = (len(X), set(np.unique(y)), seed, self.hidden, self.epochs)
            return super().fit(X, y, sample_weight=sample_weight, seed=seed)

        def predict_proba(self, X):
            calls["predict_proba"] = len(X)
            return super().predict_proba(X)

    monkeypatch.setattr(nn, "ClassifierReweighter", Recording)
    ref, same, _ = samples
    a, b = gm.low_level_inputs(*ref)[:400], gm.low_level_inputs(*same)[:400]
    auc = gm.classifier_auc_low_level(a, b, seed=3, epochs=1, hidden=(8,))
    assert 0 <= auc <= 1
    assert calls["fit"] == (400, {0, 1}, 3, (8,), 1) and calls["predict_proba"] == 400
    source = open(gm.__file__).read()
    assert "keras" not in source and "tensorflow" not in source


def test_classifier_needs_enough_showers():
    with pytest.raises(ValueError, match="at least 20"):
        gm.classifier_auc_high_level(np.zeros((5, 2)), np.zeros((5, 2)))


def test_showers_per_second_measures_the_call():
    def slow(e):
        time.sleep(0.02)
        return e

    rate = gm.showers_per_second(slow, 50.0, n_showers=100, warmup=0)
    assert 0 < rate <= 100 / 0.02
    with pytest.raises(ValueError):
        gm.showers_per_second(slow, 50.0, n_showers=0)


def test_cpu_clock_counts_work_not_waiting():
    def sleepy(e):
        time.sleep(0.05)  # waiting costs wall time, almost no CPU time
        return e

    def busy(e):
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass
        return e

    wall = gm.showers_per_second(sleepy, 50.0, n_showers=100, warmup=0)
    cpu = gm.showers_per_second(sleepy, 50.0, n_showers=100, warmup=0, clock="cpu")
    assert wall <= 100 / 0.05 and cpu > 10 * wall
    busy_cpu = gm.showers_per_second(busy, 50.0, n_showers=100, warmup=0, clock="cpu")
    assert busy_cpu <= 100 / 0.05 * 1.01
    with pytest.raises(ValueError, match="clock"):
        gm.showers_per_second(busy, 50.0, n_showers=10, clock="gpu")


def test_metric_summary_keys_and_sanity(samples):
    ref, same, _ = samples
    row = gm.metric_summary(*ref, *same, GEOMETRY, low_level=False)
    assert set(row) == {"auc_high_level", "fpd", "fpd_err", "kpd", "kpd_err", "w1_mean"}
    assert row["auc_high_level"] < 0.6 and row["w1_mean"] < 0.1
    assert "auc_high_level" in gm.format_table({"toy": row})


def test_incident_energies_of_shape_n_by_2_are_refused_not_flattened():
    voxels = np.ones((3, 16))
    # 3 showers with 2 energies each: flattening would give 6 energies (or, with 6 showers, a
    # silent mix-up); the checker must refuse the shape itself
    with pytest.raises(ValueError, match=r"\(n_showers,\) or \(n_showers, 1\).*\(3, 2\)"):
        gm.check_showers(voxels, np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"\(6, 2\)"):
        gm.check_showers(np.ones((12, 16)), np.ones((6, 2)))
    with pytest.raises(ValueError, match="one energy per shower"):
        gm.check_showers(np.ones((1, 16)), np.float64(5.0))


def test_incident_energies_of_shape_n_by_1_are_accepted():
    voxels, e_inc = gm.check_showers(np.ones((3, 16)), np.array([[1.0], [2.0], [3.0]]))
    assert e_inc.shape == (3,)
    np.testing.assert_array_equal(e_inc, [1.0, 2.0, 3.0])
    assert voxels.shape == (3, 16)
