"""Playbook and jurisdiction schema: plain data in, frozen model objects and problems out.

Pure: no YAML, no files. The caller (``incidentbot.playbooks``) parses the YAML and hands over
the data together with ``line_of(path)``, which gives the 1-based line of the node at a key path
such as ``("steps", 3, "requires", 0)``. Every check here collects its problem and carries on,
so one run of ``incidentbot playbooks check`` shows everything that is wrong, each as
``file:line: message``.

Ids (playbooks, steps, jurisdictions) and enumerated values (phase, owner, draft) are
case-insensitive and normalised to lower case.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from incidentbot.core.model import (
    PHASES,
    DeadlineRule,
    Jurisdiction,
    Phase,
    Playbook,
    Role,
    StepDef,
)
from incidentbot.core.severity import AUTHORITY_RULES, PERSONS_RULES
from incidentbot.i18n import Message, render

KeyPath = tuple[str | int, ...]
What = Message | str  # what a problem is about, worded in the reader's language
LineOf = Callable[[KeyPath], int]

LANGUAGES: tuple[str, ...] = ("en", "fr")
"""Every text in a playbook or jurisdiction is given in both languages."""

DRAFT_KINDS: tuple[str, ...] = ("press", "regulator", "notice", "staff", "vendor", "report")
DEADLINE_STARTS: tuple[str, ...] = ("aware_at", "detected_at")
# Threshold ids are the ones core.severity has a rule for (one source of truth):
# unlikely_risk (GDPR / UK GDPR Art. 33(1): notify unless unlikely to result in a risk),
# high_risk (Art. 34(1)), risk_of_serious_injury (Québec P-39.1 s. 3.5, factors s. 3.7),
# rrosh (PIPEDA s. 10.1(1), (7), (8): real risk of significant harm).
THRESHOLDS: tuple[str, ...] = tuple(sorted(AUTHORITY_RULES))
PERSONS_THRESHOLDS: tuple[str, ...] = tuple(sorted(PERSONS_RULES))
ROLES: tuple[str, ...] = tuple(r.value for r in Role)
PHASE_NAMES: tuple[str, ...] = tuple(p.value for p in PHASES)

SLACK_OPTION_MAX = 75
"""Slack's limit for an option's text and description in a select menu."""

# fmt: off
PLAYBOOK_KEYS = ("id", "title", "description", "guidance", "jurisdictions", "steps", "private")
PLAYBOOK_REQUIRED = ("id", "title", "description", "steps")
STEP_KEYS = ("id", "phase", "title", "guidance", "owner", "due", "requires", "draft",
             "mandatory", "evidence")
STEP_REQUIRED = ("id", "phase", "title", "guidance", "owner")
JURISDICTION_REQUIRED = ("name", "authority", "authority_name", "law", "deadline",
                         "persons_deadline", "threshold", "persons_threshold", "language")
JURISDICTION_KEYS = JURISDICTION_REQUIRED + (
    "register_retention_months", "notice_fields", "persons_fields", "persons_exceptions",
    "phased", "statutory_note", "citations", "contact")
DEADLINE_KEYS = ("kind", "hours", "target_hours", "start", "late_requires")
DEADLINE_KINDS = ("hours", "promptly", "as_soon_as_feasible", "without_undue_delay")
# fmt: on

_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELD = re.compile(r"[a-z][a-z0-9_]*")
_JURISDICTION_ID = re.compile(r"[a-z][a-z0-9_-]*")
_EXTRA_LANGUAGE = re.compile(r"[a-z]{2}")
_DURATION = re.compile(r"(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?")


# --- durations ---------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """``2h``, ``30m``, ``1h30m``, ``3d``, ``72h`` -> a timedelta.

    Days, hours and minutes, each a whole number, in that order, at least one of them.
    """
    if not isinstance(text, str):
        raise ValueError(Message("pb.duration_type", value=repr(text)))
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(Message("pb.duration_bad", text=text))
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes)
    except OverflowError:
        raise ValueError(Message("pb.duration_long", text=text)) from None


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(hours=1, minutes=30)`` -> ``1h30m``."""
    if value < timedelta(0) or value % timedelta(minutes=1):
        raise ValueError(f"{value} is not a whole, non-negative number of minutes")
    minutes = value // timedelta(minutes=1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = (f"{days}d" if days else "") + (f"{hours}h" if hours else "")
    text += f"{minutes}m" if minutes or not text else ""
    return text


# --- problems ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line (0 when it concerns the whole file)."""

    file: str
    line: int
    message: str | Message = field(compare=False)

    def text(self, lang: str = "en") -> str:
        """``file:line: what is wrong``, worded in ``lang``."""
        message = render(self.message, lang)
        if self.line > 0:
            return f"{self.file}:{self.line}: {message}"
        return f"{self.file}: {message}"

    def __str__(self) -> str:
        return self.text("en")


class _Report:
    """Collects problems for one source; every check goes on after reporting."""

    def __init__(self, source: str, line_of: LineOf) -> None:
        self.source = source
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, path: KeyPath, message: Message) -> None:
        try:
            line = int(self.line_of(path))
        except (KeyError, IndexError, TypeError, ValueError):
            line = 0
        self.problems.append(Problem(self.source, line, message))

    # -- shapes --

    def mapping(self, value: Any, path: KeyPath, what: What) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, Message("pb.not_mapping", what=what, kind=_kind(value)))
        return None

    def keys(
        self,
        data: Mapping[Any, Any],
        path: KeyPath,
        what: What,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    path + (key,),
                    Message(
                        "pb.unknown_key",
                        key=key,
                        what=what,
                        hint=_did_you_mean(key, allowed),
                        allowed=", ".join(allowed),
                    ),
                )
        for key in required:
            if key not in data:
                self.add(path, Message("pb.missing_key", what=what, key=key))

    def text(
        self, value: Any, path: KeyPath, what: What, *, max_len: int | None = None
    ) -> dict[str, str] | None:
        """A bilingual text: a mapping with a non-empty ``en`` and ``fr``."""
        if not isinstance(value, Mapping):
            self.add(path, Message("pb.not_bilingual", what=what, kind=_kind(value)))
            return None
        ok = True
        result: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES and not (
                isinstance(lang, str) and _EXTRA_LANGUAGE.fullmatch(lang)
            ):
                self.add(path + (lang,), Message("pb.unknown_language", lang=lang, what=what))
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.add(path + (lang,), Message("pb.empty_text", what=what, lang=lang))
                ok = False
            else:
                if max_len is not None and len(text.strip()) > max_len:
                    self.add(
                        path + (lang,),
                        Message(
                            "pb.too_long",
                            what=what,
                            lang=lang,
                            length=len(text.strip()),
                            max=max_len,
                        ),
                    )
                    ok = False
                result[lang] = text.strip()
        for lang in LANGUAGES:
            if lang not in value:
                language = Message(f"pb.language.{lang}")
                self.add(path, Message("pb.no_language", what=what, language=language))
                ok = False
        return result if ok else None

    def string(self, value: Any, path: KeyPath, what: What) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.add(path, Message("pb.not_string", what=what, kind=_kind(value)))
        return None

    def boolean(self, value: Any, path: KeyPath, what: What) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(path, Message("pb.not_boolean", what=what, kind=_kind(value)))
        return None

    def number(self, value: Any, path: KeyPath, what: What) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        self.add(path, Message("pb.not_hours", what=what, kind=_kind(value)))
        return None

    def choice(self, value: Any, path: KeyPath, what: What, allowed: tuple[str, ...]) -> str | None:
        if not isinstance(value, str):
            self.add(
                path,
                Message("pb.choice_type", what=what, allowed=", ".join(allowed), kind=_kind(value)),
            )
            return None
        norm = value.strip().lower()
        if norm in allowed:
            return norm
        self.add(
            path,
            Message(
                "pb.choice_unknown",
                what=what,
                value=value,
                hint=_did_you_mean(norm, allowed),
                allowed=", ".join(allowed),
            ),
        )
        return None

    def ident(self, value: Any, path: KeyPath, what: What, pattern: re.Pattern[str]) -> str | None:
        if not isinstance(value, str):
            self.add(path, Message("pb.ident_type", what=what, kind=_kind(value)))
            return None
        norm = value.strip().lower()
        if pattern.fullmatch(norm):
            return norm
        example = "assess-risk" if pattern is _KEBAB else "data_description"
        self.add(path, Message("pb.ident_bad", what=what, value=value, example=example))
        return None

    def id_list(
        self, value: Any, path: KeyPath, what: What, pattern: re.Pattern[str]
    ) -> list[tuple[int, str]] | None:
        """A list of ids, each with its index in the list (to point at its line)."""
        if not isinstance(value, list):
            self.add(path, Message("pb.list_type", what=what, kind=_kind(value)))
            return None
        items: list[tuple[int, str]] = []
        for index, item in enumerate(value):
            norm = self.ident(item, path + (index,), Message("pb.what.entry", what=what), pattern)
            if norm is not None:
                items.append((index, norm))
        return items


def _kind(value: Any) -> Message:
    if value is None:
        return Message("pb.kind.nothing")
    if isinstance(value, bool):
        return Message("pb.kind.boolean", value=str(value).lower())
    if isinstance(value, str):
        return Message("pb.kind.text", value=value)
    if isinstance(value, int | float):
        return Message("pb.kind.number", value=str(value))
    if isinstance(value, Mapping):
        return Message("pb.kind.mapping")
    if isinstance(value, list | tuple):
        return Message("pb.kind.list")
    return Message("pb.kind.other", name=type(value).__name__)


def _did_you_mean(value: Any, allowed: Iterable[str]) -> Message | str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value.lower(), list(allowed), n=1)
    return Message("pb.did_you_mean", word=close[0]) if close else ""


def _of(key: str, what: What) -> Message:
    return Message("pb.what.key_of", key=key, what=what)


def _the(key: str, what: What) -> Message:
    return Message("pb.what.the_key_of", key=key, what=what)


# --- playbooks -----------------------------------------------------------------------------


def build_playbook(
    data: Mapping[str, Any],
    *,
    source: str,
    line_of: LineOf,
    jurisdictions: Collection[str],
) -> tuple[Playbook | None, list[Problem]]:
    """Check one playbook's data and build it; ``None`` with the problems when anything is wrong.

    ``jurisdictions`` are the known jurisdiction ids the playbook may suggest.
    """
    rep = _Report(source, line_of)
    root = rep.mapping(data, (), Message("pb.what.file"))
    if root is None:
        return None, rep.problems
    rep.keys(root, (), Message("pb.what.playbook"), PLAYBOOK_KEYS, PLAYBOOK_REQUIRED)

    pid = (
        rep.ident(root["id"], ("id",), Message("pb.what.playbook_id"), _KEBAB)
        if "id" in root
        else None
    )
    title = (
        rep.text(
            root["title"], ("title",), Message("pb.what.playbook_title"), max_len=SLACK_OPTION_MAX
        )
        if "title" in root
        else None
    )
    description = (
        rep.text(
            root["description"],
            ("description",),
            Message("pb.what.playbook_description"),
            max_len=SLACK_OPTION_MAX,
        )
        if "description" in root
        else None
    )
    guidance: dict[str, str] | None = {}
    if "guidance" in root:
        guidance = rep.text(root["guidance"], ("guidance",), Message("pb.what.playbook_guidance"))

    known = {j.lower() for j in jurisdictions}
    suggested: list[str] = []
    if "jurisdictions" in root:
        items = rep.id_list(
            root["jurisdictions"],
            ("jurisdictions",),
            Message("pb.what.jurisdictions"),
            _JURISDICTION_ID,
        )
        for index, jid in items or []:
            if jid not in known:
                rep.add(
                    ("jurisdictions", index),
                    Message(
                        "pb.unknown_jurisdiction",
                        id=jid,
                        hint=_did_you_mean(jid, sorted(known)),
                        known=", ".join(sorted(known)) or Message("pb.none_loaded"),
                    ),
                )
            elif jid in suggested:
                rep.add(("jurisdictions", index), Message("pb.jurisdiction_twice", id=jid))
            else:
                suggested.append(jid)

    steps: list[StepDef] | None = None
    if "steps" in root:
        steps = _build_steps(rep, root["steps"])
    private = (
        rep.boolean(root["private"], ("private",), Message("pb.what.private"))
        if "private" in root
        else False
    )

    if rep.problems or pid is None or title is None or description is None or steps is None:
        return None, rep.problems
    playbook = Playbook(
        id=pid,
        title=title,
        description=description,
        steps=tuple(steps),
        jurisdictions=tuple(suggested),
        guidance=guidance or {},
        source=source,
        private=bool(private),
    )
    return playbook, rep.problems


def _build_steps(rep: _Report, value: Any) -> list[StepDef] | None:
    if not isinstance(value, list):
        rep.add(("steps",), Message("pb.steps_not_list", kind=_kind(value)))
        return None
    if not value:
        rep.add(("steps",), Message("pb.steps_empty"))
        return None
    before = len(rep.problems)
    steps: list[StepDef] = []
    # step id -> (index in the list, [(index in requires, required id)])
    edges: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for index, raw in enumerate(value):
        built = _build_step(rep, raw, index)
        if built is None:
            continue
        sid, requires, step = built
        if sid in edges:
            rep.add(
                ("steps", index, "id"),
                Message("pb.duplicate_step", id=sid, n=str(edges[sid][0] + 1)),
            )
            continue
        # a step with other problems still counts as existing, so that the steps that
        # require it are not reported as well
        edges[sid] = (index, requires)
        if step is not None:
            steps.append(step)

    for sid, (index, requires) in edges.items():
        for rindex, rid in requires:
            if rid == sid:
                rep.add(("steps", index, "requires", rindex), Message("pb.requires_itself", id=sid))
            elif rid not in edges:
                rep.add(
                    ("steps", index, "requires", rindex),
                    Message(
                        "pb.requires_unknown",
                        id=sid,
                        other=rid,
                        hint=_did_you_mean(rid, list(edges)),
                    ),
                )
    cycles = _report_cycles(rep, edges)
    if not cycles:
        _check_due_order(rep, steps, edges)
    return steps if len(rep.problems) == before else None


def _build_step(
    rep: _Report, raw: Any, index: int
) -> tuple[str, list[tuple[int, str]], StepDef | None] | None:
    """The step's id, its requires (with their index) and, when valid, its definition."""
    path: KeyPath = ("steps", index)
    step = rep.mapping(raw, path, Message("pb.what.step_number", n=str(index + 1)))
    if step is None:
        return None
    before = len(rep.problems)
    sid = (
        rep.ident(step["id"], path + ("id",), Message("pb.what.step_id"), _KEBAB)
        if "id" in step
        else None
    )
    what = (
        Message("pb.what.step", id=sid) if sid else Message("pb.what.step_number", n=str(index + 1))
    )
    rep.keys(step, path, what, STEP_KEYS, STEP_REQUIRED)

    def get(key: str, check: Callable[[Any, KeyPath], Any]) -> Any:
        return check(step[key], path + (key,)) if key in step else None

    phase = get("phase", lambda v, p: rep.choice(v, p, _of("phase", what), PHASE_NAMES))
    owner = get(
        "owner", lambda v, p: rep.choice(v, p, Message("pb.what.owner_of", what=what), ROLES)
    )
    title = get("title", lambda v, p: rep.text(v, p, _the("title", what), max_len=SLACK_OPTION_MAX))
    guidance = get("guidance", lambda v, p: rep.text(v, p, _the("guidance", what)))
    draft = get(
        "draft", lambda v, p: rep.choice(v, p, Message("pb.what.draft_of", what=what), DRAFT_KINDS)
    )
    mandatory = get("mandatory", lambda v, p: rep.boolean(v, p, _of("mandatory", what)))
    evidence = get("evidence", lambda v, p: rep.boolean(v, p, _of("evidence", what)))
    due: timedelta | None = None
    if "due" in step:
        raw_due = step["due"]
        if isinstance(raw_due, str):
            try:
                due = parse_duration(raw_due)
            except ValueError as exc:
                rep.add(path + ("due",), Message("pb.due_error", what=what, error=exc.args[0]))
        else:
            hint = (
                f"{raw_due}h"
                if isinstance(raw_due, int) and not isinstance(raw_due, bool)
                else Message("pb.due_hint")
            )
            rep.add(
                path + ("due",),
                Message("pb.due_unit", what=what, hint=hint, kind=_kind(raw_due)),
            )
    requires: list[tuple[int, str]] = []
    if "requires" in step:
        requires = (
            rep.id_list(step["requires"], path + ("requires",), _of("requires", what), _KEBAB) or []
        )
        seen: set[str] = set()
        for rindex, rid in requires:
            if rid in seen:
                rep.add(
                    path + ("requires", rindex), Message("pb.requires_twice", what=what, id=rid)
                )
            seen.add(rid)

    if sid is None:
        return None
    if len(rep.problems) != before or phase is None or owner is None:
        return sid, requires, None
    if title is None or guidance is None:
        return sid, requires, None
    definition = StepDef(
        id=sid,
        phase=Phase(phase),
        title=title,
        owner=Role(owner),
        due=due,
        requires=tuple(dict.fromkeys(rid for _, rid in requires)),
        draft=draft,
        mandatory=True if mandatory is None else mandatory,
        evidence=False if evidence is None else evidence,
        guidance=guidance,
    )
    return sid, requires, definition


def _report_cycles(rep: _Report, edges: Mapping[str, tuple[int, list[tuple[int, str]]]]) -> bool:
    """Report each dependency cycle once, named ``a -> b -> a``; True when there is one."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    seen_cycles: set[frozenset[str]] = set()
    for start in edges:
        if start in state:
            continue
        # iterative depth-first search, so a very long chain cannot exhaust the stack
        state[start] = 1
        trail = [start]
        stack = [(start, iter(edges[start][1]))]
        while stack:
            node, pending = stack[-1]
            for rindex, nxt in pending:
                if nxt not in edges or nxt == node:
                    continue  # unknown and self references are reported elsewhere
                if state.get(nxt) == 1:
                    # named from the step whose `requires` entry is reported: a -> b -> a
                    loop = trail[trail.index(nxt) :]
                    cycle = [node, *loop[:-1], node]
                    if frozenset(cycle) not in seen_cycles:
                        seen_cycles.add(frozenset(cycle))
                        rep.add(
                            ("steps", edges[node][0], "requires", rindex),
                            Message("pb.cycle", cycle=" -> ".join(cycle)),
                        )
                elif nxt not in state:
                    state[nxt] = 1
                    trail.append(nxt)
                    stack.append((nxt, iter(edges[nxt][1])))
                    break
            else:
                stack.pop()
                trail.pop()
                state[node] = 2
    return bool(seen_cycles)


def _check_due_order(
    rep: _Report,
    steps: list[StepDef],
    edges: Mapping[str, tuple[int, list[tuple[int, str]]]],
) -> None:
    """A step may not fall due before a step it waits for (directly or through others)."""
    by_id = {s.id: s for s in steps}
    for step in steps:
        if step.due is None:
            continue
        latest: StepDef | None = None
        stack = [rid for _, rid in edges[step.id][1] if rid in by_id]
        seen: set[str] = set()
        while stack:
            rid = stack.pop()
            if rid in seen or rid == step.id:
                continue
            seen.add(rid)
            req = by_id[rid]
            if (
                req.due is not None
                and req.due > step.due
                and (latest is None or latest.due is None or req.due > latest.due)
            ):
                latest = req
            stack.extend(r for _, r in edges[rid][1] if r in by_id)
        if latest is not None and latest.due is not None:
            rep.add(
                ("steps", edges[step.id][0], "due"),
                Message(
                    "pb.due_before_dependency",
                    id=step.id,
                    due=format_duration(step.due),
                    other=latest.id,
                    other_due=format_duration(latest.due),
                ),
            )


# --- jurisdictions -------------------------------------------------------------------------


def build_jurisdictions(
    data: Mapping[str, Any], *, source: str, line_of: LineOf
) -> tuple[dict[str, Jurisdiction], list[Problem]]:
    """Check ``jurisdictions.yaml`` (a mapping of id to jurisdiction) and build what is valid.

    Returns the jurisdictions without problems; the caller refuses the lot if any problem
    is reported.
    """
    rep = _Report(source, line_of)
    root = rep.mapping(data, (), Message("pb.what.jurisdictions_file"))
    if root is None:
        return {}, rep.problems
    result: dict[str, Jurisdiction] = {}
    seen: set[str] = set()
    for key, body in root.items():
        jid = rep.ident(key, (key,), Message("pb.what.jurisdiction_id"), _JURISDICTION_ID)
        if jid is None:
            continue
        if jid in seen:
            rep.add((key,), Message("pb.jurisdiction_defined_twice", id=jid))
            continue
        seen.add(jid)
        built = _build_jurisdiction(rep, jid, body, (key,))
        if built is not None:
            result[jid] = built
    return result, rep.problems


def _build_jurisdiction(rep: _Report, jid: str, raw: Any, path: KeyPath) -> Jurisdiction | None:
    what = Message("pb.what.jurisdiction", id=jid)
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    before = len(rep.problems)
    rep.keys(body, path, what, JURISDICTION_KEYS, JURISDICTION_REQUIRED)

    def get(key: str, check: Callable[[Any, KeyPath], Any]) -> Any:
        return check(body[key], path + (key,)) if key in body else None

    name = get("name", lambda v, p: rep.text(v, p, _the("name", what)))
    authority = get("authority", lambda v, p: rep.string(v, p, _of("authority", what)))
    authority_name = get(
        "authority_name", lambda v, p: rep.text(v, p, _the("authority_name", what))
    )
    law = get("law", lambda v, p: rep.text(v, p, _the("law", what)))
    deadline = get("deadline", lambda v, p: _build_deadline(rep, v, p, _of("deadline", what)))
    persons_deadline = get(
        "persons_deadline",
        lambda v, p: _build_deadline(rep, v, p, _of("persons_deadline", what)),
    )
    threshold = get("threshold", lambda v, p: rep.choice(v, p, _of("threshold", what), THRESHOLDS))
    persons_threshold = get(
        "persons_threshold",
        lambda v, p: rep.choice(v, p, _of("persons_threshold", what), PERSONS_THRESHOLDS),
    )
    language = get(
        "language",
        lambda v, p: rep.choice(v, p, Message("pb.what.letter_language_of", what=what), LANGUAGES),
    )
    retention = 60
    if "register_retention_months" in body:
        months = body["register_retention_months"]
        if isinstance(months, int) and not isinstance(months, bool) and months > 0:
            retention = months
        else:
            rep.add(
                path + ("register_retention_months",),
                Message("pb.retention", what=what, kind=_kind(months)),
            )
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("notice_fields", "persons_fields", "persons_exceptions"):
        items = None
        if key in body:
            items = rep.id_list(body[key], path + (key,), _of(key, what), _FIELD)
        lists[key] = tuple(dict.fromkeys(i for _, i in items or []))
    phased = get("phased", lambda v, p: rep.boolean(v, p, _of("phased", what)))
    statutory_note = get(
        "statutory_note", lambda v, p: rep.text(v, p, _the("statutory_note", what))
    )
    citations = get("citations", lambda v, p: _string_map(rep, v, p, _of("citations", what)))
    contact = get("contact", lambda v, p: _string_map(rep, v, p, _of("contact", what)))

    if len(rep.problems) != before:
        return None
    return Jurisdiction(
        id=jid,
        name=name,
        authority=authority,
        authority_name=authority_name,
        law=law,
        deadline=deadline,
        persons_deadline=persons_deadline,
        threshold=threshold,
        persons_threshold=persons_threshold,
        language=language,
        register_retention_months=retention,
        notice_fields=lists["notice_fields"],
        persons_fields=lists["persons_fields"],
        persons_exceptions=lists["persons_exceptions"],
        phased=True if phased is None else phased,
        statutory_note=statutory_note or {},
        citations=citations or {},
        contact=contact or {},
    )


def _build_deadline(rep: _Report, raw: Any, path: KeyPath, what: What) -> DeadlineRule | None:
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    before = len(rep.problems)
    rep.keys(body, path, what, DEADLINE_KEYS, ("kind",))
    kind = (
        rep.choice(body["kind"], path + ("kind",), _of("kind", what), DEADLINE_KINDS)
        if ("kind" in body)
        else None
    )
    hours = target = None
    if "hours" in body:
        hours = rep.number(body["hours"], path + ("hours",), _of("hours", what))
    if "target_hours" in body:
        target = rep.number(
            body["target_hours"], path + ("target_hours",), _of("target_hours", what)
        )
    if kind == "hours" and "hours" not in body:
        rep.add(path, Message("pb.hours_missing", what=what))
    if kind is not None and kind != "hours" and "hours" in body:
        rep.add(
            path + ("hours",),
            Message("pb.hours_extra", what=what, kind=kind),
        )
    start: str | None = "aware_at"
    if "start" in body:
        start = rep.choice(body["start"], path + ("start",), _of("start", what), DEADLINE_STARTS)
    late = None
    if "late_requires" in body:
        late = rep.ident(body["late_requires"], path + ("late_requires",), "late_requires", _FIELD)
    if len(rep.problems) != before or kind is None or start is None:
        return None
    return DeadlineRule(
        kind=kind, hours=hours, target_hours=target, start=start, late_requires=late
    )


def _string_map(rep: _Report, raw: Any, path: KeyPath, what: What) -> dict[str, str] | None:
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    result: dict[str, str] = {}
    for key, value in body.items():
        if not isinstance(key, str) or not _FIELD.fullmatch(key):
            rep.add(path + (key,), Message("pb.map_key", key=key, what=what))
        elif not isinstance(value, str) or not value.strip():
            rep.add(path + (key,), Message("pb.map_value", what=what, key=key, kind=_kind(value)))
        else:
            result[key] = value.strip()
    return result


# --- the incident's own authorities in its steps ---------------------------------------------

AUTHORITY = "{authority}"
"""Written in a playbook's step title or guidance ("Notify {authority}"); an incident's steps
name its own regulators instead (CNIL, ICO, CAI, OPC), from ``jurisdictions.yaml``."""
TO_AUTHORITY = "{to_authority}"
"""The same after "to" / « à » ("send it {to_authority}"): « à la CNIL », « au CPVP »."""


def _article_fr(j: Jurisdiction) -> str:
    """« la CNIL », « la CAI », « le CPVP », « l'ICO »: the article follows the full name."""
    short = j.authority_name.get("fr", "").rsplit("(", 1)[-1].split(",")[0].rstrip(")").strip()
    short = short or j.authority
    first = (j.authority_name.get("fr") or j.authority).split()[0]
    if short[:1] in "AEIOUÉ":
        return f"l'{short}"
    return f"le {short}" if first in ("Commissariat", "Bureau") else f"la {short}"


def _to_fr(words: str) -> str:
    """« la CNIL » → « à la CNIL », « le CPVP » → « au CPVP », « l'ICO » → « à l'ICO »."""
    return "au " + words[3:] if words.startswith("le ") else "à " + words


def authority_words(jurisdictions: Iterable[Jurisdiction], lang: str, *, to: bool = False) -> str:
    """The incident's authorities as a step names them: "the CAI and the CNIL" / "la CAI et
    la CNIL"; "the authority" / "l'autorité" when the incident has none. ``to``: after "to" /
    « à » ("to the CNIL" / « à la CAI et au CPVP »)."""
    js = list(jurisdictions)
    if lang == "fr":
        names = [_article_fr(j) for j in js] or ["l'autorité de contrôle"]
        names = [_to_fr(n) for n in names] if to else names
        joiner = " et "
    else:
        names = [f"the {j.authority}" for j in js] or ["the supervisory authority"]
        names = [f"to {n}" for n in names[:1]] + names[1:] if to else names
        joiner = " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]


AUTHORITY_CLOCKS = "{authority_clocks}"
"""Written in a step's guidance: each of the incident's authorities with the time the law gives
it ("the CAI promptly and the CNIL within 72 hours"), from ``jurisdictions.yaml``."""

_KIND_EN = {
    "promptly": "promptly",
    "as_soon_as_feasible": "as soon as feasible",
    "without_undue_delay": "without undue delay",
}
_KIND_FR = {
    "promptly": "avec diligence",
    "as_soon_as_feasible": "dès que possible",
    "without_undue_delay": "dans les meilleurs délais",
}


def authority_clocks(jurisdictions: Iterable[Jurisdiction], lang: str) -> str:
    """Each authority and its time: "the CAI promptly and the CNIL within 72 hours" / « à la
    CAI avec diligence et à la CNIL sous 72 heures »."""
    parts = []
    for j in jurisdictions:
        rule = j.deadline
        if lang == "fr":
            when = (
                f"sous {rule.hours:g} heures"
                if rule.kind == "hours" and rule.hours is not None
                else _KIND_FR.get(rule.kind, rule.kind)
            )
            parts.append(f"{_to_fr(_article_fr(j))} {when}")
        else:
            when = (
                f"within {rule.hours:g} hours"
                if rule.kind == "hours" and rule.hours is not None
                else _KIND_EN.get(rule.kind, rule.kind)
            )
            parts.append(f"the {j.authority} {when}")
    if not parts:
        return "à l'autorité de contrôle" if lang == "fr" else "the supervisory authority"
    joiner = " et " if lang == "fr" else " and "
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + joiner + parts[-1]


def for_incident(step: StepDef, jurisdictions: Iterable[Jurisdiction]) -> StepDef:
    """The step as an incident under ``jurisdictions`` reads it: ``{authority}`` and
    ``{authority_clocks}`` filled in."""
    js = list(jurisdictions)

    def fill(text: Mapping[str, str]) -> dict[str, str]:
        return {
            lang: value.replace(AUTHORITY_CLOCKS, authority_clocks(js, lang))
            .replace(TO_AUTHORITY, authority_words(js, lang, to=True))
            .replace(AUTHORITY, authority_words(js, lang))
            for lang, value in text.items()
        }

    texts = (*step.title.values(), *step.guidance.values())
    if not any(AUTHORITY in v or TO_AUTHORITY in v or AUTHORITY_CLOCKS in v for v in texts):
        return step
    return replace(step, title=fill(step.title), guidance=fill(step.guidance))
