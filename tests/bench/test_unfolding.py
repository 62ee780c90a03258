"""The unfolding benchmark prints the keys of the issue (slow: it trains networks)."""

from __future__ import annotations

import pytest

from hepml_course.unfolding.sample import OBSERVABLES


@pytest.mark.slow
def test_benchmark_keys_and_quality():
    from hepml_course.bench import unfolding

    out = unfolding.run(
        ["--events", "6000", "--replicas", "2", "--iterations", "2", "--ibu-replicas", "20"]
    )
    assert set(out) == {"omnifold", "ibu", "prior", "closure"}
    for method in ("omnifold", "ibu"):
        assert set(out[method]) == set(OBSERVABLES)
        for obs in OBSERVABLES:
            assert set(out[method][obs]) == {"chi2_ndf", "triangular"}
    assert set(out["prior"]) == set(OBSERVABLES)
    assert set(out["closure"]) == set(OBSERVABLES)
    # the stress test: unfolding must beat the prior on most observables
    better = sum(out["omnifold"][o]["chi2_ndf"] < out["prior"][o]["chi2_ndf"] for o in OBSERVABLES)
    assert better >= 4
