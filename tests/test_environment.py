"""environment.yml mirrors pyproject.toml: same packages, same version specifiers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _requirements(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        req = Requirement(line)
        out[req.name.lower().replace("_", "-")] = str(req.specifier)
    return out


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    return _requirements(lines)


def environment_requirements() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section: list[str] = []
    conda: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section += dep["pip"]
        else:
            conda.append(dep)
    return _requirements([p for p in pip_section if not p.startswith("-e")]), conda


def test_environment_yml_mirrors_pyproject():
    pip_reqs, _ = environment_requirements()
    assert pip_reqs == pyproject_requirements()


def test_environment_installs_the_package_and_python_version():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    _, conda = environment_requirements()
    python = next(c for c in conda if c.startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python.removeprefix("python") == requires
