"""The chapter's contract example passes the model-contract checks."""

from __future__ import annotations

import hepml_course.foundation as foundation
from hepml_course.foundation._contract import EXAMPLES
from hepml_course.nn.contract import check


def test_contract_example():
    assert set(EXAMPLES) == {"FoundationTagger"}
    result = check(EXAMPLES["FoundationTagger"](), foundation.__all__)
    assert all(result.values()), result


def test_import_is_lazy():
    import subprocess
    import sys

    code = "import sys, hepml_course.foundation; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
