"""Jurisdictions: the YAML's data checked into frozen Jurisdiction rules, and the incident's own authorities named in its steps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from incidentbot.core.model import (
    DeadlineRule,
    Jurisdiction,
    StepDef,
    Text,
)
from incidentbot.core.playbook.schema import (
    _FIELD,
    _JURISDICTION_ID,
    DEADLINE_KEYS,
    DEADLINE_KINDS,
    DEADLINE_STARTS,
    JURISDICTION_KEYS,
    JURISDICTION_REQUIRED,
    LANGUAGES,
    PERSONS_THRESHOLDS,
    THRESHOLDS,
    KeyPath,
    LineOf,
    Problem,
    What,
    _kind,
    _of,
    _Report,
    _the,
)
from incidentbot.core.when import parse_zone
from incidentbot.errors import UsageError
from incidentbot.i18n import Message

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
    timezone = None
    if "timezone" in body:
        timezone = body["timezone"]
        try:
            if not isinstance(timezone, str):
                raise UsageError(Message("pb.timezone", what=what, value=str(timezone)))
            parse_zone(timezone)
        except UsageError:
            rep.add(path + ("timezone",), Message("pb.timezone", what=what, value=str(timezone)))
    titles = get("titles", lambda v, p: _text_map(rep, v, p, _of("titles", what)))

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
        timezone=timezone,
        titles=titles or {},
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


def _text_map(rep: _Report, raw: Any, path: KeyPath, what: What) -> dict[str, Text] | None:
    """Fact names to bilingual texts (``titles``)."""
    body = rep.mapping(raw, path, what)
    if body is None:
        return None
    result: dict[str, Text] = {}
    for key, value in body.items():
        if not isinstance(key, str) or not _FIELD.fullmatch(key):
            rep.add(path + (key,), Message("pb.map_key", key=key, what=what))
            continue
        text = rep.text(value, path + (key,), what)
        if text:
            result[key] = text
    return result


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
