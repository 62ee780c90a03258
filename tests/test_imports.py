"""Importing the package has no side effects and every subpackage declares its public API."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import hepml_course

_PROBE = r"""
import json, logging, os, pkgutil, sys, importlib
env_before = dict(os.environ)
def handlers():
    out = {"": len(logging.getLogger().handlers)}
    for name, lg in logging.Logger.manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            out[name] = [type(h).__name__ for h in lg.handlers]
            out[name] += [type(f).__name__ for f in lg.filters]
    return out
log_before = handlers()
import hepml_course
walk = pkgutil.walk_packages(hepml_course.__path__, "hepml_course.")
names = ["hepml_course"] + [m.name for m in walk if m.ispkg]
for name in names:
    importlib.import_module(name)
keys = set(env_before) | set(os.environ)
changed_env = sorted(k for k in keys if env_before.get(k) != os.environ.get(k))
log_after = handlers()
changed_log = sorted(k for k in log_after if k in log_before and log_after[k] != log_before[k])
print(json.dumps({"packages": names, "env": changed_env, "logging": changed_log,
                  "tensorflow": "tensorflow" in sys.modules}))
"""


def _probe() -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.smoke
def test_importing_every_subpackage_changes_no_environment_and_no_logging():
    result = _probe()
    assert len(result["packages"]) > 10
    assert result["env"] == [], f"importing changed os.environ: {result['env']}"
    assert result["logging"] == [], (
        f"importing changed logging handlers/filters: {result['logging']}"
    )
    assert not result["tensorflow"], "importing the packages must not import TensorFlow"


CHAPTERS = [
    "analysis",
    "classification",
    "regression",
    "tracking",
    "generative",
    "unfolding",
    "anomaly",
    "fpga",
    "inference",
    "systematics",
    "foundation",
    "nn",
    "data",
    "metrics",
    "sim",
    "exercises",
]


@pytest.mark.smoke
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_package_declares_all_and_each_name_resolves(name):
    import importlib

    pkg = importlib.import_module(f"hepml_course.{name}")
    assert hasattr(pkg, "__all__"), f"hepml_course.{name} has no __all__"
    assert pkg.__all__, f"hepml_course.{name}.__all__ is empty"
    for public in pkg.__all__:
        assert getattr(pkg, public) is not None


def test_every_subpackage_is_listed_here():
    subpackages = {m.name for m in pkgutil.iter_modules(hepml_course.__path__) if m.ispkg}
    assert subpackages - set(CHAPTERS) <= {"bench", "commands"}
