from __future__ import annotations

import numpy as np
import pytest

from hepml_course.tracking.tracks import build_tracks


def test_two_chains_become_two_tracks():
    # hits 0-1-2-3 and 4-5-6-7
    s = np.array([0, 1, 2, 4, 5, 6])
    r = np.array([1, 2, 3, 5, 6, 7])
    labels = build_tracks(8, s, r, np.ones(6), threshold=0.5)
    assert len(set(labels[:4])) == 1 and len(set(labels[4:])) == 1
    assert labels[0] != labels[4]


def test_clean_up_cuts_a_wrong_bridge():
    # a weak bridge 1→6 would merge both chains without the clean-up
    s = np.array([0, 1, 2, 4, 5, 6, 1])
    r = np.array([1, 2, 3, 5, 6, 7, 6])
    scores = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6])
    merged = build_tracks(8, s, r, scores, clean=False)
    assert len(set(merged[merged >= 0])) == 1
    cleaned = build_tracks(8, s, r, scores, clean=True)
    assert cleaned[0] != cleaned[7]


def test_threshold_and_min_hits():
    s, r = np.array([0, 1]), np.array([1, 2])
    assert (build_tracks(3, s, r, np.array([0.9, 0.1])) == -1).all()  # only 2 hits left
    assert (build_tracks(3, s, r, np.array([0.9, 0.9])) == 0).all()


def test_empty_inputs():
    assert build_tracks(0, [], [], []).shape == (0,)
    assert (build_tracks(5, [], [], []) == -1).all()


def test_bad_lengths_and_indices():
    with pytest.raises(ValueError, match="equal lengths"):
        build_tracks(3, [0], [1, 2], [0.9])
    with pytest.raises(ValueError, match="exceed"):
        build_tracks(2, [0], [5], [0.9])


def test_ambiguous_candidate_is_split_at_a_higher_threshold():
    # two 4-hit chains on layers 0-3 joined by weak cross edges into one candidate
    layers = np.array([0, 1, 2, 3, 0, 1, 2, 3])
    s = [0, 1, 2, 4, 5, 6, 0, 1, 2]
    r = [1, 2, 3, 5, 6, 7, 5, 6, 7]
    scores = np.array([0.97] * 6 + [0.6] * 3)
    merged = build_tracks(8, s, r, scores, clean=False)
    assert len(set(merged)) == 1
    split = build_tracks(8, s, r, scores, clean=False, layers=layers, max_shared_layers=2)
    assert split[0] == split[3] and split[4] == split[7] and split[0] != split[4]
    # allowed up to 4 doubled layers (overlapping modules): not ambiguous, no split
    kept = build_tracks(8, s, r, scores, clean=False, layers=layers, max_shared_layers=4)
    assert len(set(kept)) == 1


def test_layers_shape_is_checked():
    with pytest.raises(ValueError, match="layers needs one entry per hit"):
        build_tracks(3, [0, 1], [1, 2], [0.9, 0.9], layers=np.zeros(2))
