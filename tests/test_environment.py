"""pyproject.toml is the source of truth; environment.yml repeats its pins."""

from __future__ import annotations

import tomllib

import yaml

from hepml_course.data.paths import REPO_ROOT

EXACT = {
    "tensorflow-cpu": "2.15.1",
    "qkeras": "0.9.0",
    "hls4ml": "1.3.0",
    "tensorflow-model-optimization": "0.7.5",
    "numpy": "1.26.4",
    "pythia8mc": "8.317.2",
    "fastjet": "3.5.2.0",
    "jupyter-book": "1.0.4.post1",
}


def _pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def _conda_pip() -> list[str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml needs exactly one pip: section"
    return pip[0]["pip"]


def test_every_pyproject_pin_is_in_environment_yml_and_back():
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    runtime = set(project["dependencies"]) | {
        req for name, reqs in extras.items() if name != "dev" for req in reqs
    }
    conda = set(_conda_pip())
    assert runtime - conda == set(), f"in pyproject.toml, not in environment.yml: {runtime - conda}"
    assert conda - runtime == set(), f"in environment.yml, not in pyproject.toml: {conda - runtime}"


def test_fragile_stack_is_pinned_exactly():
    deps = _pyproject()["project"]["dependencies"]
    for name, version in EXACT.items():
        assert f"{name}=={version}" in deps, f"{name} must be pinned to =={version}"


def test_every_dependency_is_pinned():
    project = _pyproject()["project"]
    for extra in project["optional-dependencies"].values():
        for req in extra:
            assert "==" in req or "~=" in req, f"{req!r} is not pinned"
    for req in project["dependencies"]:
        assert "==" in req or "~=" in req, f"{req!r} is not pinned"


def test_python_version_agrees():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert _pyproject()["project"]["requires-python"] == "==3.11.*"


def test_installed_versions_match_exact_pins():
    from importlib.metadata import version

    for name, pinned in EXACT.items():
        assert version(name) == pinned, f"installed {name} {version(name)} != pinned {pinned}"
