"""Geometry of the calorimeter: CaloChallenge-like binning and voxel bookkeeping."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hepml_course.sim.calorimeter import DEFAULT_GEOMETRY, CaloGeometry


def test_default_geometry_is_calochallenge_dataset1_photons():
    g = DEFAULT_GEOMETRY
    assert g.n_layers == 5
    assert g.n_voxels == 368
    assert g.n_r == (8, 16, 19, 5, 5)
    assert g.n_alpha == (1, 10, 10, 1, 1)
    sizes = [s.stop - s.start for s in g.layer_slices]
    assert sizes == [8, 160, 190, 5, 5]
    assert g.layer_slices[0].start == 0 and g.layer_slices[-1].stop == 368


def test_voxel_centres_are_alpha_major_and_inside_the_bins():
    g = DEFAULT_GEOMETRY
    for layer in range(g.n_layers):
        r, alpha = g.voxel_centres(layer)
        edges = g.r_edges_mm[layer]
        n_r = len(edges) - 1
        assert len(r) == len(alpha) == n_r * g.n_alpha[layer]
        assert np.all((r > edges[0]) & (r < edges[-1]))
        assert np.all((alpha > 0) & (alpha < 2 * np.pi))
        # α-major: the first n_r voxels share the first α bin and run over r
        assert np.all(alpha[:n_r] == alpha[0])
        assert np.all(np.diff(r[:n_r]) > 0)
    with pytest.raises(IndexError):
        g.voxel_centres(5)


def test_layer_sums_and_layer_of_voxel():
    g = DEFAULT_GEOMETRY
    voxels = np.ones((3, g.n_voxels))
    np.testing.assert_array_equal(g.layer_sums(voxels)[0], [8, 160, 190, 5, 5])
    assert np.bincount(g.layer_of_voxel()).tolist() == [8, 160, 190, 5, 5]
    with pytest.raises(ValueError, match="368 voxels"):
        g.layer_sums(np.ones((3, 10)))


def test_invalid_geometries_are_rejected():
    with pytest.raises(ValueError, match="one entry per layer"):
        dataclasses.replace(DEFAULT_GEOMETRY, n_alpha=(1, 1))
    with pytest.raises(ValueError, match="depth_edges_x0"):
        dataclasses.replace(DEFAULT_GEOMETRY, depth_edges_x0=(0.0, 1.0))
    with pytest.raises(ValueError, match="increase from 0"):
        CaloGeometry(("a",), (np.array([1.0, 2.0]),), (1,), (0.0, 1.0))
