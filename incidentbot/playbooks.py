"""Load playbooks and jurisdictions from YAML files into core objects.

The I/O half of the schema: this module reads the files and turns YAML into plain data with the
line of every node; :mod:`incidentbot.core.playbook` checks that data and builds the frozen
model. The YAML is composed into a node tree (``yaml.compose`` with the safe loader) rather
than loaded straight to Python, so that every problem can point at the line a person has to
fix, and so that a key written twice is reported instead of silently taking the last value.

Folders are read in order: ``jurisdictions.yaml`` and playbooks (``<id>.yaml``) from a later
folder replace those of an earlier one with the same id, which is how a campaign's extra folder
adds or changes a playbook or a regulator without touching the bundled ones.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from incidentbot.core.model import Jurisdiction, Playbook
from incidentbot.core.playbook import (
    KeyPath,
    Problem,
    build_jurisdictions,
    build_playbook,
)
from incidentbot.errors import ConfigError, NotFound
from incidentbot.i18n import Message, render

log = logging.getLogger(__name__)

JURISDICTIONS_FILE = "jurisdictions.yaml"


# --- YAML with lines -----------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A YAML file as plain data, with the 1-based line of every node by key path."""

    data: Any
    lines: Mapping[KeyPath, int]

    def line_of(self, path: KeyPath) -> int:
        """The line of the node at ``path``, else of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse_yaml(text: str, *, source: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document; syntax errors come back as problems with their line.

    A mapping key's line is the line of the key itself (where a person would fix it); a list
    item's line is where the item starts.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        hint = Message("playbooks.quote_hint") if "mapping values are not allowed" in what else ""
        return None, [
            Problem(source, line, Message("playbooks.yaml_syntax", what=_Join(what, hint)))
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(source, 0, Message("playbooks.yaml_error", error=exc))]
    if root is None:
        return None, [Problem(source, 0, Message("playbooks.empty_file"))]
    problems: list[Problem] = []
    lines: dict[KeyPath, int] = {}
    data = _Converter(source, lines, problems).convert(root, ())
    return Document(data, lines), problems


class _Converter:
    """Node tree -> plain data, recording lines and reporting what PyYAML would hide."""

    def __init__(self, source: str, lines: dict[KeyPath, int], problems: list[Problem]) -> None:
        self.source = source
        self.lines = lines
        self.problems = problems
        self.constructor = SafeConstructor()
        self.active: set[int] = set()

    def problem(self, node: Node, message: Message | str) -> None:
        self.problems.append(Problem(self.source, node.start_mark.line + 1, message))

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.active:
            self.problem(node, Message("playbooks.alias_loop"))
            return None
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                self.problem(
                    node, Message("playbooks.bad_value", error=getattr(exc, "problem", exc))
                )
                return None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self.convert_mapping(node, path)
        finally:
            self.active.discard(id(node))
        self.problem(node, "unsupported YAML node")  # pragma: no cover - composer makes 3 kinds
        return None

    def convert_mapping(self, node: MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, Message("playbooks.key_not_text"))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, Message("playbooks.merge_keys"))
                continue
            try:
                key = self.constructor.construct_object(key_node, deep=True)
            except yaml.YAMLError as exc:
                self.problem(
                    key_node, Message("playbooks.bad_key", error=getattr(exc, "problem", exc))
                )
                continue
            if not isinstance(key, str):
                # YAML 1.1 reads `no`, `on`, `1` as booleans or numbers: ids must be text
                key = key_node.value
            if key in result:
                first = self.lines.get(path + (key,), 0)
                self.problem(key_node, Message("playbooks.key_twice", key=key, first=str(first)))
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = self.convert(value_node, path + (key,))
        return result


def read_yaml(path: Path) -> tuple[Document | None, list[Problem]]:
    """Read and parse one file; a file that cannot be read is a problem, not an exception."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(source, 0, Message("playbooks.not_utf8", reason=exc.reason))]
    except OSError as exc:
        error = exc.strerror or exc
        return None, [Problem(source, 0, Message("playbooks.unreadable", error=error))]
    return parse_yaml(text, source=source)


# --- the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """Every playbook and jurisdiction in force, by id (read-only)."""

    playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    jurisdictions: Mapping[str, Jurisdiction] = field(default_factory=dict)

    def playbook(self, playbook_id: str) -> Playbook:
        """The playbook ``playbook_id`` (any case), or :class:`NotFound` naming the known ones."""
        found = self.playbooks.get(playbook_id.strip().lower())
        if found is None:
            known = ", ".join(self.playbooks)
            raise NotFound(
                Message("playbooks.no_playbook", id=playbook_id, known=known), field="playbook"
            )
        return found

    def jurisdiction(self, jurisdiction_id: str) -> Jurisdiction:
        """The jurisdiction ``jurisdiction_id`` (any case), or :class:`NotFound`."""
        found = self.jurisdictions.get(jurisdiction_id.strip().lower())
        if found is None:
            known = ", ".join(self.jurisdictions)
            raise NotFound(
                Message("playbooks.no_jurisdiction", id=jurisdiction_id, known=known),
                field="jurisdictions",
            )
        return found


def _read(dirs: Sequence[Path]) -> tuple[Catalogue, list[Problem]]:
    """Read ``dirs`` in order, later ones overriding earlier ones by id; collect every problem."""
    problems: list[Problem] = []
    jurisdictions: dict[str, Jurisdiction] = {}
    # ids written in a jurisdictions.yaml, valid or not, so that one broken jurisdiction is
    # reported once, not again in every playbook that suggests it
    declared: set[str] = set()
    playbook_files: dict[str, Path] = {}  # lower-case stem -> the file in force
    for folder in dirs:
        folder = Path(folder)
        if not folder.is_dir():
            problems.append(Problem(str(folder), 0, Message("playbooks.no_folder")))
            continue
        j_file = folder / JURISDICTIONS_FILE
        if j_file.is_file():
            doc, found = read_yaml(j_file)
            problems.extend(found)
            if doc is not None:
                if isinstance(doc.data, Mapping):
                    declared.update(str(k).strip().lower() for k in doc.data)
                built, found = build_jurisdictions(
                    doc.data, source=str(j_file), line_of=doc.line_of
                )
                problems.extend(found)
                jurisdictions.update(built)
        in_folder: dict[str, Path] = {}
        for path in sorted(folder.glob("*.yaml")):
            if path.name == JURISDICTIONS_FILE or not path.is_file():
                continue
            stem = path.stem.lower()
            if stem in in_folder:
                problems.append(
                    Problem(
                        str(path),
                        0,
                        Message("playbooks.also_in", id=stem, other=in_folder[stem].name),
                    )
                )
                continue
            in_folder[stem] = path
        playbook_files.update(in_folder)

    playbooks: dict[str, Playbook] = {}
    for stem, path in sorted(playbook_files.items()):
        doc, found = read_yaml(path)
        problems.extend(found)
        if doc is None:
            continue
        playbook, found = build_playbook(
            doc.data, source=str(path), line_of=doc.line_of, jurisdictions=declared
        )
        problems.extend(found)
        if playbook is None:
            continue
        if playbook.id != stem:
            problems.append(
                Problem(
                    str(path),
                    doc.line_of(("id",)),
                    Message("playbooks.id_mismatch", id=playbook.id, stem=stem),
                )
            )
            continue
        playbooks[playbook.id] = playbook
    catalogue = Catalogue(
        playbooks=MappingProxyType(playbooks),
        jurisdictions=MappingProxyType(dict(sorted(jurisdictions.items()))),
    )
    return catalogue, problems


def check(dirs: Sequence[Path], *, base: Sequence[Path] = ()) -> list[Problem]:
    """Every problem in ``dirs`` (for ``incidentbot playbooks check``); never raises.

    ``base`` folders are read first and supply the jurisdictions (and playbooks) that a
    campaign's extra folder may rely on; their own problems are reported too.
    """
    _, problems = _read([*base, *dirs])
    return problems


def load(dirs: Sequence[Path]) -> Catalogue:
    """The catalogue of ``dirs``, or :class:`ConfigError` listing every problem, one a line."""
    catalogue, problems = _read(dirs)
    if not problems and not catalogue.playbooks:
        folders = ", ".join(str(d) for d in dirs) or "(no folder given)"
        problems.append(Problem(folders, 0, Message("playbooks.none_found")))
    if problems:
        raise PlaybookProblems(problems)
    log.info(
        "loaded %d playbooks and %d jurisdictions",
        len(catalogue.playbooks),
        len(catalogue.jurisdictions),
    )
    return catalogue


class PlaybookProblems(ConfigError):
    """:class:`ConfigError` whose message lists every problem; ``problems`` keeps them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listing = _Listing(self.problems)
        super().__init__(Message("playbooks.problems", count=len(self.problems), listing=listing))


@dataclass(frozen=True)
class _Listing:
    """The problems one a line, worded in the reader's language (a message parameter)."""

    problems: Sequence[Problem]

    def render(self, lang: str) -> str:
        return "\n".join(p.text(lang) for p in self.problems)


@dataclass(frozen=True)
class _Join:
    """YAML's own (English) description of a syntax error, then our hint in the reader's words."""

    what: str
    hint: Message | str

    def render(self, lang: str) -> str:
        return self.what + render(self.hint, lang)
