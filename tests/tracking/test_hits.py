from __future__ import annotations

import numpy as np
import pytest

from hepml_course.tracking.hits import HitsError, layer_index, make_hits

from .helpers import helix_event


def test_layer_index_maps_barrel_layers_and_flags_others():
    idx = layer_index(np.array([8, 8, 13, 13, 9]), np.array([2, 8, 2, 8, 2]))
    assert idx.tolist() == [0, 3, 4, 7, -1]


def test_helix_event_geometry():
    hits = helix_event(10)
    assert len(hits) == 80
    assert np.allclose(np.sort(np.unique(np.round(hits.r))), [32, 72, 116, 172, 260, 360, 500, 660])
    assert np.all(np.isfinite(hits.hit_pt))


def test_missing_column_is_a_clear_error():
    with pytest.raises(HitsError, match="lack the column"):
        make_hits({"x": [1.0], "y": [1.0]})


def test_nan_positions_rejected():
    cols = {"x": [np.nan], "y": [1.0], "z": [0.0], "volume": [8], "layer": [2]}
    with pytest.raises(HitsError, match="NaN"):
        make_hits(cols)


def test_non_barrel_layer_rejected():
    cols = {"x": [1.0], "y": [1.0], "z": [0.0], "volume": [9], "layer": [2]}
    with pytest.raises(HitsError, match="not barrel layers"):
        make_hits(cols)


def test_zero_hits_is_a_valid_empty_event():
    hits = make_hits({k: [] for k in ("x", "y", "z", "volume", "layer")})
    assert len(hits) == 0
