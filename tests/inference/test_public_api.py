"""The chapter's public names resolve lazily; importing it does not import TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import hepml_course.inference as inference
from hepml_course.nn import Estimator


def test_every_public_name_resolves():
    expected = {"Interval", "ParametrisedClassifier", "TemplateFit", "profile_scan"}
    assert expected <= set(inference.__all__)
    for name in inference.__all__:
        assert getattr(inference, name) is not None, name
    assert sorted(dir(inference)) == sorted(inference.__all__)


def test_the_classifier_follows_the_model_contract():
    from hepml_course.inference._contract import EXAMPLES
    from hepml_course.nn.contract import check

    assert issubclass(inference.ParametrisedClassifier, Estimator)
    result = check(EXAMPLES["ParametrisedClassifier"](), inference.__all__)
    assert all(result.values()), result


def test_importing_the_package_does_not_import_tensorflow():
    code = (
        "import sys, hepml_course.inference as i; i.TemplateFit; i.profile_scan; "
        "print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
