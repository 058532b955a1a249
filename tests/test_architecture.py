"""The layering of DESIGN.md, checked by reading imports (CONVENTIONS habit 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "incidentbot"
FORBIDDEN_IN_CORE = {
    "slack_bolt", "slack_sdk", "aiohttp", "sqlite3", "sqlite_utils", "jinja2", "yaml", "os",
    "babel", "docx", "click",
}  # fmt: skip
ONLY_IN = {"slack_bolt": {"slack"}, "slack_sdk": {"slack"}, "aiohttp": {"slack", "web"}}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def calls_now_or_environ(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today", "environ"}:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


CORE_FILES = sorted((PACKAGE / "core").glob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_core_is_pure(path: Path) -> None:
    bad = imports(path) & FORBIDDEN_IN_CORE
    assert not bad, f"core/{path.name} imports {sorted(bad)}"
    third_party = imports(path) - {"incidentbot", "dateutil", "__future__"}
    import sys

    assert all(name in sys.stdlib_module_names for name in third_party), third_party
    assert not calls_now_or_environ(path)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_front_end_libraries_stay_at_the_edges(path: Path) -> None:
    top = path.relative_to(PACKAGE).parts[0]
    for lib, allowed in ONLY_IN.items():
        if lib in imports(path):
            assert top in allowed, f"{path.relative_to(PACKAGE)} imports {lib}"


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "config.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text or "getenv(" in text:
            offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders
