"""Every exported model follows the one model contract (``bench contract`` on tiny data)."""

from __future__ import annotations

import pytest

from hepml_course.bench.contract import KEYS, PACKAGES
from hepml_course.nn.contract import check, collect

MODELS = collect(PACKAGES)


def test_there_are_models_in_every_chapter_with_models():
    chapters = {key.split(".")[0] for key in MODELS}
    expected = {"nn", "classification", "regression", "tracking", "generative"}
    expected |= {"unfolding", "anomaly", "fpga", "inference", "systematics", "foundation"}
    assert expected <= chapters, f"no exported model in {sorted(expected - chapters)}"


@pytest.mark.smoke
@pytest.mark.parametrize("key", sorted(MODELS))
def test_model_follows_the_contract(key):
    _cls, example, public = MODELS[key]
    assert example is not None, f"{key} has no example in its chapter's _contract.py"
    result = check(example(), public)
    assert set(result) == set(KEYS)
    failed = [k for k, ok in result.items() if not ok]
    assert not failed, f"{key} breaks the contract: {failed}"
