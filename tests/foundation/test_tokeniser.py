"""BinnedTokeniser: tokens, round trip, fingerprint and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from hepml_course.foundation import BinnedTokeniser, check_constituents
from hepml_course.nn import NotFittedError

from .conftest import constituents


def test_tokens_cover_vocabulary_and_pad():
    p, m = constituents(400)
    tok = BinnedTokeniser(n_bins=(4, 3, 5)).fit(p, m)
    ids = tok.transform(p, m)
    assert tok.vocab_size == 4 * 3 * 5 + 1 and tok.pad_id == 60
    assert ids.shape == m.shape and ids.dtype == np.int64
    assert np.all(ids[~m] == tok.pad_id)
    assert np.all((ids[m] >= 0) & (ids[m] < tok.pad_id))
    # quantile edges: each log-pT bin holds about a quarter of the training constituents
    pt_bin = ids[m] // 15
    shares = np.bincount(pt_bin, minlength=4) / m.sum()
    assert np.allclose(shares, 0.25, atol=0.02)


def test_harder_particle_gets_higher_pt_bin():
    p, m = constituents(200)
    tok = BinnedTokeniser(n_bins=(8, 2, 2)).fit(p, m)
    ids = tok.transform(p, m)
    pt_bin = ids // 4
    # pT-ordered constituents → non-increasing pT bin along each jet
    assert np.all(np.diff(np.where(m, pt_bin, -1), axis=1) <= 0)


def test_round_trip_and_fingerprint():
    p, m = constituents(200)
    tok = BinnedTokeniser().fit(p, m)
    again = BinnedTokeniser.from_dict(tok.to_dict())
    assert np.array_equal(tok.transform(p, m), again.transform(p, m))
    assert tok.fingerprint == again.fingerprint
    other = BinnedTokeniser().fit(*constituents(200, seed=1))
    assert other.fingerprint != tok.fingerprint
    assert BinnedTokeniser(n_bins=(4, 4, 4)).fit(p, m).fingerprint != tok.fingerprint


def test_from_dict_refuses_other_state():
    with pytest.raises(ValueError, match="not a BinnedTokeniser state"):
        BinnedTokeniser.from_dict({"n_bins": [2, 2, 2]})


def test_not_fitted():
    with pytest.raises(NotFittedError, match="fit"):
        BinnedTokeniser().transform(*constituents(5))
    with pytest.raises(NotFittedError):
        _ = BinnedTokeniser().fingerprint


def test_bad_n_bins():
    with pytest.raises(ValueError, match="n_bins"):
        BinnedTokeniser(n_bins=(4, 0, 4))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p, m: (p[..., :3], m), r"shape \(n_jets, n_particles, 4\)"),
        (lambda p, m: (p, m[:, :-1]), "mask must have shape"),
        (lambda p, m: (p[..., [1, 0, 2, 3]], m), r"feature order must be \(pt, deta, dphi, e\)"),
        (lambda p, m: (p[..., [3, 1, 2, 0]], m), r"E \(column 3\) < pT"),
        (lambda p, m: (p[:, ::-1], m[:, ::-1]), "padding must be trailing"),
        (
            lambda p, m: (
                np.where(np.arange(8)[None, :, None] < 2, p[:, [1, 0, 2, 3, 4, 5, 6, 7]], p),
                m,
            ),
            "not pT-ordered",
        ),
        (lambda p, m: (np.where(np.arange(4) == 1, np.nan, p), m), "NaN"),
        (lambda p, m: (p, np.zeros_like(m)), "no real constituents"),
    ],
)
def test_bad_constituents_are_refused(change, message):
    p, m = constituents(40)
    m[:, :2] = True  # at least two real particles per jet
    bad_p, bad_m = change(p, m)
    with pytest.raises(ValueError, match=message):
        BinnedTokeniser().fit(bad_p, bad_m)


def test_check_constituents_padding_length():
    p, m = constituents(10)
    with pytest.raises(ValueError, match="n_particles=30"):
        check_constituents(p, m, n_particles=30)
