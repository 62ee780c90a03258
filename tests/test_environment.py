"""pyproject.toml is the source of truth; environment.yml repeats its pins."""

from __future__ import annotations

import re
import tomllib

import yaml

from hepml_course.data.paths import REPO_ROOT

EXACT = {
    "tensorflow-cpu": "2.21.0",
    "keras": "3.15.1",
    "hgq2": "0.2.0",
    "hls4ml": "1.3.0",
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


#: numpy has no single release for 3.11-3.13 (2.5 dropped 3.11): a bounded range.
RANGES = {"numpy": ">=2.4,<2.6"}
#: Legacy (Keras 2) packages that collide with hgq2's ``qkeras`` module or need Keras 2.
FORBIDDEN = ("qkeras", "qkeras-v3", "tensorflow-model-optimization", "tf-keras", "tensorflow")


def _name(req: str) -> str:
    return re.split(r"[=<>~!\[; ]", req, maxsplit=1)[0].strip().lower()


def test_every_dependency_is_pinned():
    project = _pyproject()["project"]
    every = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        every += extra
    for req in every:
        name = _name(req)
        if name in RANGES:
            assert req == f"{name}{RANGES[name]}", f"{req!r} should be {name}{RANGES[name]}"
        else:
            assert "==" in req or "~=" in req, f"{req!r} is not pinned"


def test_no_legacy_keras2_stack():
    project = _pyproject()["project"]
    every = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        every += extra
    clash = sorted({_name(r) for r in every} & set(FORBIDDEN))
    assert not clash, f"legacy Keras-2 packages in the environment: {clash}"


def test_fpga_extra_pins_da4ml_06():
    fpga = _pyproject()["project"]["optional-dependencies"]["fpga"]
    assert "da4ml==0.6.0" in fpga


def test_python_version_agrees():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert len(pythons) == 1
    minor = int(pythons[0].split("=")[1].split(".")[1])
    assert 11 <= minor <= 13, f"environment.yml asks for {pythons[0]}, outside 3.11-3.13"
    assert _pyproject()["project"]["requires-python"] == ">=3.11,<3.14"


def test_makefile_tries_exactly_the_supported_pythons():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "for v in 3.13 3.12 3.11;" in makefile


def test_installed_numpy_is_in_range():
    from importlib.metadata import version

    major, minor = (int(p) for p in version("numpy").split(".")[:2])
    assert (major, minor) in {(2, 4), (2, 5)}


def test_installed_versions_match_exact_pins():
    from importlib.metadata import version

    for name, pinned in EXACT.items():
        assert version(name) == pinned, f"installed {name} {version(name)} != pinned {pinned}"
