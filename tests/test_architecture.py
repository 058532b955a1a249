"""The layering of README.md ("Development"), checked by reading the imports and the source."""

from __future__ import annotations

import ast
import re
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


# -- the middle layer (issue 12): one service, one writer of events, one composition root -----

MAX_LINES = 400
LONG_MODULES: dict[str, str] = {}
"""Modules allowed past the 400-line split point, each with the reason why (for now)."""


def _source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_modules_stay_under_the_split_point() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in _source_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    unexplained = {name: n for name, n in long.items() if name not in LONG_MODULES}
    assert not unexplained, f"split these modules (or say why in LONG_MODULES): {unexplained}"


def test_the_service_is_typed_where_it_is_passed() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)}:{i}"
        for p in _source_files()
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "service: Any" in line or "svc: Any" in line
    ]
    assert not offenders


def test_only_the_service_timeline_module_writes_timeline_events() -> None:
    writers = {
        str(p.relative_to(PACKAGE))
        for p in _source_files()
        if p.parts[-2] != "store"
        and (".append_event(" in (text := p.read_text(encoding="utf-8")) or "INTO timeline" in text)
    }
    assert writers == {"service/timeline.py"}


def test_every_event_kind_has_a_label_in_both_languages() -> None:
    from incidentbot.core.model import EventKind
    from incidentbot.i18n import gettext

    for kind in EventKind:
        english, french = gettext(f"kind.{kind.value}", "en"), gettext(f"kind.{kind.value}", "fr")
        assert english != f"kind.{kind.value}" and french != f"kind.{kind.value}", kind
        assert english != french or kind.value == "note", kind


THIRD_PARTY_PRIVATES = {"_undefined_name", "_p", "_migrations"}
"""jinja2's Undefined, python-docx's paragraph element, sqlite-utils' migration list."""


def test_no_module_reaches_into_another_objects_private_parts() -> None:
    found = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                and node.attr not in THIRD_PARTY_PRIVATES
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {ast.unparse(node)}")
    assert not found


def test_one_composition_root_builds_the_service() -> None:
    builders = {
        str(p.relative_to(PACKAGE))
        for p in _source_files()
        if "IncidentService(" in p.read_text(encoding="utf-8")
    }
    assert builders == {"app.py"}


def test_front_ends_find_an_incident_only_through_resolve() -> None:
    """Commands, buttons and web routes go through IncidentService.resolve (the access gate's
    place); only the bot's own deliveries (slack/sender.py) read an incident directly."""
    front_ends = [
        *sorted((PACKAGE / "slack" / "listeners").glob("*.py")),
        PACKAGE / "web" / "handlers.py",
        PACKAGE / "shell.py",
    ]
    direct = [
        str(p.relative_to(PACKAGE))
        for p in front_ends
        if re.search(r"service\.incident\b|store\.incident\(", p.read_text(encoding="utf-8"))
    ]
    assert not direct
