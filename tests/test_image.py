"""The Docker image's recipe: locked, cached, lean, pinned (no Docker engine is needed to check it)."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions() -> list[str]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_base_image_is_pinned_by_digest() -> None:
    image = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert image and re.fullmatch(r"python:3\.11[\w.-]*@sha256:[0-9a-f]{64}", image.group(1))
    assert all(
        line.endswith("${PYTHON_IMAGE}") or " AS " in line
        for line in _instructions()
        if line.startswith("FROM ")
    )
    assert "imagetools inspect" in DOCKERFILE  # how to refresh the digest


def test_dependencies_come_from_the_lock_in_a_layer_before_the_source() -> None:
    lines = _instructions()
    install = next(i for i, line in enumerate(lines) if "--require-hashes" in line)
    assert "requirements/runtime.txt" in lines[install]
    source = next(i for i, line in enumerate(lines) if line.startswith("COPY incidentbot"))
    assert install < source
    assert "--no-deps" in next(line for line in lines[source:] if "pip install" in line)


def test_the_final_image_keeps_no_wheels_or_build_tools_and_runs_as_a_user() -> None:
    final = DOCKERFILE.rsplit("FROM ${PYTHON_IMAGE}", 1)[1]
    assert "/wheels" not in DOCKERFILE
    assert "pip uninstall -y -q setuptools wheel" in DOCKERFILE
    assert "USER incidentbot" in final and "VOLUME /data" in final and "HEALTHCHECK" in final


def test_the_default_command_is_socket_mode_as_in_the_readme() -> None:
    cmd = re.search(r'^CMD \["(\w+)"', DOCKERFILE, re.M)
    assert cmd and cmd.group(1) == "run"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "serve --host 0.0.0.0 --port 3000" in readme  # HTTP mode, the documented override


def test_the_build_context_leaves_out_the_venv_and_caches() -> None:
    patterns = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    patterns = [p for p in patterns if not p.startswith("#")]

    def included(path: str) -> bool:
        keep = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
                keep = negate
        return keep

    assert not included(".venv/lib/python3.11/site-packages/x.py")
    assert not included(".git/HEAD") and not included("incidentbot.db")
    assert included("requirements/runtime.txt") and included("incidentbot/cli.py")
