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
from dataclasses import dataclass
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

KeyPath = tuple[str | int, ...]
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
PLAYBOOK_KEYS = ("id", "title", "description", "guidance", "jurisdictions", "steps")
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
_LANGUAGE_NAMES = {"en": "English", "fr": "French"}


# --- durations ---------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """``2h``, ``30m``, ``1h30m``, ``3d``, ``72h`` -> a timedelta.

    Days, hours and minutes, each a whole number, in that order, at least one of them.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration; write it as text such as 2h, 1h30m or 3d")
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(
            f"'{text}' is not a duration; write whole days, hours and minutes in that order, "
            "such as 2h, 30m, 1h30m, 3d or 72h"
        )
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes)
    except OverflowError:
        raise ValueError(f"'{text}' is too long a duration; keep it under a few years") from None


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
    message: str

    def __str__(self) -> str:
        if self.line > 0:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class _Report:
    """Collects problems for one source; every check goes on after reporting."""

    def __init__(self, source: str, line_of: LineOf) -> None:
        self.source = source
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, path: KeyPath, message: str) -> None:
        try:
            line = int(self.line_of(path))
        except (KeyError, IndexError, TypeError, ValueError):
            line = 0
        self.problems.append(Problem(self.source, line, message))

    # -- shapes --

    def mapping(self, value: Any, path: KeyPath, what: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, f"{what} must be a mapping of keys to values, not {_kind(value)}")
        return None

    def keys(
        self,
        data: Mapping[Any, Any],
        path: KeyPath,
        what: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    path + (key,),
                    f"unknown key '{key}' in {what}{_did_you_mean(key, allowed)}; "
                    f"allowed keys: {', '.join(allowed)}",
                )
        for key in required:
            if key not in data:
                self.add(path, f"{what} is missing the required key '{key}'")

    def text(
        self, value: Any, path: KeyPath, what: str, *, max_len: int | None = None
    ) -> dict[str, str] | None:
        """A bilingual text: a mapping with a non-empty ``en`` and ``fr``."""
        if not isinstance(value, Mapping):
            self.add(
                path,
                f"{what} must give the text in English and French, as {{en: ..., fr: ...}}, "
                f"not {_kind(value)}",
            )
            return None
        ok = True
        result: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES and not (
                isinstance(lang, str) and _EXTRA_LANGUAGE.fullmatch(lang)
            ):
                self.add(
                    path + (lang,),
                    f"unknown language '{lang}' in {what}; use en and fr "
                    "(and other two-letter language codes if you wish)",
                )
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.add(path + (lang,), f"{what} in '{lang}' must be non-empty text")
                ok = False
            else:
                if max_len is not None and len(text.strip()) > max_len:
                    self.add(
                        path + (lang,),
                        f"{what} in '{lang}' is {len(text.strip())} characters long; "
                        f"Slack shows at most {max_len}, so shorten it",
                    )
                    ok = False
                result[lang] = text.strip()
        for lang in LANGUAGES:
            if lang not in value:
                self.add(
                    path,
                    f"{what} has no {_LANGUAGE_NAMES[lang]} text; give both, as "
                    "{en: ..., fr: ...}",
                )
                ok = False
        return result if ok else None

    def string(self, value: Any, path: KeyPath, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.add(path, f"{what} must be non-empty text, not {_kind(value)}")
        return None

    def boolean(self, value: Any, path: KeyPath, what: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(path, f"{what} must be true or false, not {_kind(value)}")
        return None

    def number(self, value: Any, path: KeyPath, what: str) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        self.add(path, f"{what} must be a positive number of hours such as 72, not {_kind(value)}")
        return None

    def choice(self, value: Any, path: KeyPath, what: str, allowed: tuple[str, ...]) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"{what} must be one of {', '.join(allowed)}; not {_kind(value)}")
            return None
        norm = value.strip().lower()
        if norm in allowed:
            return norm
        self.add(
            path,
            f"{what} is '{value}', which is unknown{_did_you_mean(norm, allowed)}; "
            f"use one of: {', '.join(allowed)}",
        )
        return None

    def ident(self, value: Any, path: KeyPath, what: str, pattern: re.Pattern[str]) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"{what} must be text such as 'assess-risk', not {_kind(value)}")
            return None
        norm = value.strip().lower()
        if pattern.fullmatch(norm):
            return norm
        example = "assess-risk" if pattern is _KEBAB else "data_description"
        self.add(path, f"{what} '{value}' is not a valid id; use lower-case words like '{example}'")
        return None

    def id_list(
        self, value: Any, path: KeyPath, what: str, pattern: re.Pattern[str]
    ) -> list[tuple[int, str]] | None:
        """A list of ids, each with its index in the list (to point at its line)."""
        if not isinstance(value, list):
            self.add(path, f"{what} must be a list such as [a, b], not {_kind(value)}")
            return None
        items: list[tuple[int, str]] = []
        for index, item in enumerate(value):
            norm = self.ident(item, path + (index,), f"{what} entry", pattern)
            if norm is not None:
                items.append((index, norm))
        return items


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _did_you_mean(value: Any, allowed: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value.lower(), list(allowed), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
    root = rep.mapping(data, (), "a playbook file")
    if root is None:
        return None, rep.problems
    rep.keys(root, (), "the playbook", PLAYBOOK_KEYS, PLAYBOOK_REQUIRED)

    pid = rep.ident(root["id"], ("id",), "playbook id", _KEBAB) if "id" in root else None
    title = (
        rep.text(root["title"], ("title",), "the playbook's title", max_len=SLACK_OPTION_MAX)
        if "title" in root
        else None
    )
    description = (
        rep.text(
            root["description"],
            ("description",),
            "the playbook's description",
            max_len=SLACK_OPTION_MAX,
        )
        if "description" in root
        else None
    )
    guidance: dict[str, str] | None = {}
    if "guidance" in root:
        guidance = rep.text(root["guidance"], ("guidance",), "the playbook's guidance")

    known = {j.lower() for j in jurisdictions}
    suggested: list[str] = []
    if "jurisdictions" in root:
        items = rep.id_list(
            root["jurisdictions"], ("jurisdictions",), "jurisdictions", _JURISDICTION_ID
        )
        for index, jid in items or []:
            if jid not in known:
                rep.add(
                    ("jurisdictions", index),
                    f"unknown jurisdiction '{jid}'{_did_you_mean(jid, sorted(known))}; "
                    f"known: {', '.join(sorted(known)) or 'none (jurisdictions.yaml not loaded)'}",
                )
            elif jid in suggested:
                rep.add(("jurisdictions", index), f"jurisdiction '{jid}' is listed twice")
            else:
                suggested.append(jid)

    steps: list[StepDef] | None = None
    if "steps" in root:
        steps = _build_steps(rep, root["steps"])

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
    )
    return playbook, rep.problems


def _build_steps(rep: _Report, value: Any) -> list[StepDef] | None:
    if not isinstance(value, list):
        rep.add(("steps",), f"steps must be a list of steps, not {_kind(value)}")
        return None
    if not value:
        rep.add(("steps",), "steps is empty; a playbook needs at least one step")
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
                f"duplicate step id '{sid}' (already used by step number "
                f"{edges[sid][0] + 1}); step ids must be unique",
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
                rep.add(("steps", index, "requires", rindex), f"step '{sid}' requires itself")
            elif rid not in edges:
                rep.add(
                    ("steps", index, "requires", rindex),
                    f"step '{sid}' requires unknown step '{rid}'{_did_you_mean(rid, list(edges))}",
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
    step = rep.mapping(raw, path, f"step number {index + 1}")
    if step is None:
        return None
    before = len(rep.problems)
    sid = rep.ident(step["id"], path + ("id",), "step id", _KEBAB) if "id" in step else None
    what = f"step '{sid}'" if sid else f"step number {index + 1}"
    rep.keys(step, path, what, STEP_KEYS, STEP_REQUIRED)

    def get(key: str, check: Callable[[Any, KeyPath], Any]) -> Any:
        return check(step[key], path + (key,)) if key in step else None

    phase = get("phase", lambda v, p: rep.choice(v, p, f"phase of {what}", PHASE_NAMES))
    owner = get("owner", lambda v, p: rep.choice(v, p, f"owner role of {what}", ROLES))
    title = get(
        "title", lambda v, p: rep.text(v, p, f"the title of {what}", max_len=SLACK_OPTION_MAX)
    )
    guidance = get("guidance", lambda v, p: rep.text(v, p, f"the guidance of {what}"))
    draft = get("draft", lambda v, p: rep.choice(v, p, f"draft kind of {what}", DRAFT_KINDS))
    mandatory = get("mandatory", lambda v, p: rep.boolean(v, p, f"mandatory of {what}"))
    evidence = get("evidence", lambda v, p: rep.boolean(v, p, f"evidence of {what}"))
    due: timedelta | None = None
    if "due" in step:
        raw_due = step["due"]
        if isinstance(raw_due, str):
            try:
                due = parse_duration(raw_due)
            except ValueError as exc:
                rep.add(path + ("due",), f"due of {what}: {exc}")
        else:
            hint = (
                f"{raw_due}h"
                if isinstance(raw_due, int) and not isinstance(raw_due, bool)
                else "2h, 1h30m or 3d"
            )
            rep.add(
                path + ("due",),
                f"due of {what} must be a duration with its unit, such as {hint}; "
                f"not {_kind(raw_due)}",
            )
    requires: list[tuple[int, str]] = []
    if "requires" in step:
        requires = (
            rep.id_list(step["requires"], path + ("requires",), f"requires of {what}", _KEBAB) or []
        )
        seen: set[str] = set()
        for rindex, rid in requires:
            if rid in seen:
                rep.add(path + ("requires", rindex), f"{what} requires '{rid}' twice")
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
                            f"dependency cycle: {' -> '.join(cycle)}; "
                            "a step cannot wait, directly or not, for itself",
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
                f"step '{step.id}' is due at {format_duration(step.due)} but waits for step "
                f"'{latest.id}', due at {format_duration(latest.due)}; make it due at "
                f"{format_duration(latest.due)} or later",
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
    root = rep.mapping(data, (), "jurisdictions.yaml")
    if root is None:
        return {}, rep.problems
    result: dict[str, Jurisdiction] = {}
    seen: set[str] = set()
    for key, body in root.items():
        jid = rep.ident(key, (key,), "jurisdiction id", _JURISDICTION_ID)
        if jid is None:
            continue
        if jid in seen:
            rep.add((key,), f"jurisdiction '{jid}' is defined twice")
            continue
        seen.add(jid)
        built = _build_jurisdiction(rep, jid, body, (key,))
        if built is not None:
            result[jid] = built
    return result, rep.problems


def _build_jurisdiction(rep: _Report, jid: str, raw: Any, path: KeyPath) -> Jurisdiction | None:
    what = f"jurisdiction '{jid}'"
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    before = len(rep.problems)
    rep.keys(body, path, what, JURISDICTION_KEYS, JURISDICTION_REQUIRED)

    def get(key: str, check: Callable[[Any, KeyPath], Any]) -> Any:
        return check(body[key], path + (key,)) if key in body else None

    name = get("name", lambda v, p: rep.text(v, p, f"the name of {what}"))
    authority = get("authority", lambda v, p: rep.string(v, p, f"authority of {what}"))
    authority_name = get(
        "authority_name", lambda v, p: rep.text(v, p, f"the authority_name of {what}")
    )
    law = get("law", lambda v, p: rep.text(v, p, f"the law of {what}"))
    deadline = get("deadline", lambda v, p: _build_deadline(rep, v, p, f"deadline of {what}"))
    persons_deadline = get(
        "persons_deadline",
        lambda v, p: _build_deadline(rep, v, p, f"persons_deadline of {what}"),
    )
    threshold = get("threshold", lambda v, p: rep.choice(v, p, f"threshold of {what}", THRESHOLDS))
    persons_threshold = get(
        "persons_threshold",
        lambda v, p: rep.choice(v, p, f"persons_threshold of {what}", PERSONS_THRESHOLDS),
    )
    language = get(
        "language", lambda v, p: rep.choice(v, p, f"letter language of {what}", LANGUAGES)
    )
    retention = 60
    if "register_retention_months" in body:
        months = body["register_retention_months"]
        if isinstance(months, int) and not isinstance(months, bool) and months > 0:
            retention = months
        else:
            rep.add(
                path + ("register_retention_months",),
                f"register_retention_months of {what} must be a whole number of months "
                f"such as 60, not {_kind(months)}",
            )
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("notice_fields", "persons_fields", "persons_exceptions"):
        items = None
        if key in body:
            items = rep.id_list(body[key], path + (key,), f"{key} of {what}", _FIELD)
        lists[key] = tuple(dict.fromkeys(i for _, i in items or []))
    phased = get("phased", lambda v, p: rep.boolean(v, p, f"phased of {what}"))
    statutory_note = get(
        "statutory_note", lambda v, p: rep.text(v, p, f"the statutory_note of {what}")
    )
    citations = get("citations", lambda v, p: _string_map(rep, v, p, f"citations of {what}"))
    contact = get("contact", lambda v, p: _string_map(rep, v, p, f"contact of {what}"))

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


def _build_deadline(rep: _Report, raw: Any, path: KeyPath, what: str) -> DeadlineRule | None:
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    before = len(rep.problems)
    rep.keys(body, path, what, DEADLINE_KEYS, ("kind",))
    kind = (
        rep.choice(body["kind"], path + ("kind",), f"kind of {what}", DEADLINE_KINDS)
        if ("kind" in body)
        else None
    )
    hours = target = None
    if "hours" in body:
        hours = rep.number(body["hours"], path + ("hours",), f"hours of {what}")
    if "target_hours" in body:
        target = rep.number(
            body["target_hours"], path + ("target_hours",), f"target_hours of {what}"
        )
    if kind == "hours" and "hours" not in body:
        rep.add(path, f"{what} has kind 'hours' but no hours; add hours: 72 (for example)")
    if kind is not None and kind != "hours" and "hours" in body:
        rep.add(
            path + ("hours",),
            f"{what} has kind '{kind}', which sets no hour count; remove hours, or put the "
            "campaign's own internal target in target_hours",
        )
    start: str | None = "aware_at"
    if "start" in body:
        start = rep.choice(body["start"], path + ("start",), f"start of {what}", DEADLINE_STARTS)
    late = None
    if "late_requires" in body:
        late = rep.ident(body["late_requires"], path + ("late_requires",), "late_requires", _FIELD)
    if len(rep.problems) != before or kind is None or start is None:
        return None
    return DeadlineRule(
        kind=kind, hours=hours, target_hours=target, start=start, late_requires=late
    )


def _string_map(rep: _Report, raw: Any, path: KeyPath, what: str) -> dict[str, str] | None:
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    result: dict[str, str] = {}
    for key, value in body.items():
        if not isinstance(key, str) or not _FIELD.fullmatch(key):
            rep.add(path + (key,), f"key '{key}' in {what} must be a lower-case id such as 'web'")
        elif not isinstance(value, str) or not value.strip():
            rep.add(path + (key,), f"{what}: '{key}' must be non-empty text, not {_kind(value)}")
        else:
            result[key] = value.strip()
    return result
