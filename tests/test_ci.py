"""CI runs what the README tells a new user to run, from a fresh environment built from the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)][:2]


def _ci_commands() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_the_readme_has_two_setup_commands_that_use_the_venv() -> None:
    install, run_tests = _setup_commands()
    assert install == "bash scripts/venv.sh && .venv/bin/incidentbot shell"
    assert run_tests.startswith(".venv/bin/python -m pytest")


def test_ci_ends_with_exactly_the_readme_test_command() -> None:
    _, run_tests = _setup_commands()
    assert _ci_commands()[-1] == run_tests


def test_ci_builds_a_fresh_venv_from_the_lock_and_runs_the_linters() -> None:
    ci = _ci_commands()
    assert "bash scripts/venv.sh --fresh" in ci
    for check in (".venv/bin/ruff format --check .", ".venv/bin/ruff check .", ".venv/bin/mypy"):
        assert check in ci, check
    script = (ROOT / "scripts" / "venv.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in script
    assert "requirements/test.txt" in script


def test_the_lock_pins_every_range_of_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = (ROOT / "requirements" / "test.txt").read_text(encoding="utf-8").lower()
    pinned = set(re.findall(r"^([a-z0-9][a-z0-9._-]*)==", lock, re.M))
    for requirement in wanted:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is in pyproject.toml but not in requirements/test.txt"
    assert "--hash=sha256:" in lock
