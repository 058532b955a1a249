"""What the web pages show, gathered synchronously on the database worker thread.

Each function here takes the service and returns plain, already-worded data (strings in the
reader's language and zone), so that the templates are simple loops and rendering can run on
another thread without touching SQLite. The web handlers call these through
``ServiceRunner.call`` only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentbot.core import deadlines
from incidentbot.core.model import PHASES, EventKind, Incident, IncidentStatus, pick
from incidentbot.core.when import format_local, parse_zone
from incidentbot.events import kind_word, said, step_note
from incidentbot.i18n import render
from incidentbot.store import to_text
from incidentbot.web.filters import Filters, safe_link, step_of
from incidentbot.web.links import token_id
from incidentbot.web.wording import word

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

log = logging.getLogger(__name__)

OPENED_KIND = EventKind.TIMELINE_OPENED
OPENED_QUIET = timedelta(hours=1)


# -- the timeline page ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    seq: int
    time: str
    actor: str
    phase: str
    kind: str
    kind_label: str
    step: str
    text: str
    link: str | None


@dataclass(frozen=True)
class StepRow:
    id: str
    phase: str
    title: str
    state: str  # pending, done, skipped
    state_label: str
    who: str
    when: str
    note: str
    mandatory: bool
    overdue: bool
    guidance: str = ""
    role: str = ""
    requires: str = ""


@dataclass(frozen=True)
class ClockLine:
    text: str
    state: str


@dataclass(frozen=True)
class DraftRow:
    id: int
    name: str
    version: int
    approved: str
    created: str


@dataclass(frozen=True)
class Chain:
    verified: bool
    problem: str | None
    head: str
    count: int


@dataclass(frozen=True)
class TimelinePage:
    incident: Incident
    lang: str
    facts: tuple[tuple[str, str], ...]
    clocks: tuple[ClockLine, ...]
    steps: tuple[StepRow, ...]
    drafts: tuple[DraftRow, ...]
    rows: tuple[EventRow, ...]
    total: int
    chain: Chain
    phases: tuple[tuple[str, str], ...]
    kinds: tuple[tuple[str, str], ...]
    actors: tuple[str, ...]
    generated: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def record_opened(service: IncidentService, ref: str, *, actor: str, token: str, view: str) -> bool:
    """Add a ``timeline_opened`` event for ``actor``, at most once per token an hour.

    Returns whether an event was written. Opening is recorded even in a closed incident: who
    read the record, and when, is part of it. Only a short hash of the token is kept.
    """
    store = service.store
    now = service.clock()
    tid = token_id(token)
    with store.transaction():
        incident = service.resolve(ref, actor=actor, action="open_timeline")
        recent = store.conn.execute(
            "SELECT 1 FROM timeline WHERE incident = ? AND kind = ? AND at > ? "
            "AND json_extract(data, '$.token') = ? LIMIT 1",
            [incident.ref, OPENED_KIND, to_text(now - OPENED_QUIET), tid],
        ).fetchone()
        if recent:
            return False
        service.record(
            incident,
            EventKind.TIMELINE_OPENED,
            word("opened_text", incident.language, view=view),
            actor,
            data={"token": tid, "view": view},
        )
    log.info("%s: timeline opened (%s) by %s, link %s", incident.ref, view, actor, tid)
    return True


def reader_zone(name: str) -> tzinfo:
    """The reader's zone from an IANA name, validated by :func:`parse_zone`.

    Returned as :class:`zoneinfo.ZoneInfo` when the system has it: converting 10,000 event
    times is about three times faster than with dateutil's zone, for the same offsets.
    """
    checked = parse_zone(name)
    if checked is UTC:
        return UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return checked


def _when(at: datetime | None, tz: tzinfo, lang: str) -> str:
    return format_local(at, tz, lang) if at is not None else ""


def timeline_page(
    service: IncidentService,
    ref: str,
    filters: Filters,
    *,
    tz: tzinfo,
    zone: str,
    reader: str,
    expires: datetime | None = None,
) -> TimelinePage:
    """Everything the timeline page shows, worded in the incident's language."""
    store = service.store
    incident = service.incident(ref)
    ref = incident.ref
    lang = incident.language if incident.language in ("en", "fr") else "en"
    now = service.clock()
    events = store.events(ref)
    card = service.card(ref)
    steps = service.steps_view(ref).lines
    juris = [
        pick(service.catalogue.jurisdictions[j].name, lang)
        if j in service.catalogue.jurisdictions
        else j
        for j in incident.jurisdictions
    ]
    not_set = word("label.not_set", lang)
    facts: list[tuple[str, str]] = [
        (word("title", lang), incident.title),
        (
            word("label.status", lang),
            word(
                "label.closed" if incident.status is IncidentStatus.CLOSED else "label.open", lang
            ),
        ),
        (word("label.playbook", lang), pick(card.playbook_title, lang)),
        (word("label.lead", lang), incident.lead or not_set),
        (
            word("label.severity", lang),
            word(f"severity.{incident.severity.value}", lang)
            if incident.severity
            else word("label.severity_not_set", lang),
        ),
        (word("label.aware", lang), _when(incident.aware_at, tz, lang) or not_set),
        (word("detected", lang), _when(incident.detected_at, tz, lang) or not_set),
        (
            word("declared", lang),
            f"{_when(incident.declared_at, tz, lang)} — {incident.declared_by}",
        ),
        (word("label.jurisdictions", lang), ", ".join(juris) or not_set),
    ]
    if incident.closed_at is not None:
        facts.append((word("closed_at", lang), _when(incident.closed_at, tz, lang)))
    clocks = tuple(
        ClockLine(deadlines.describe(c, lang, tz), getattr(c, "state", "")) for c in card.clocks
    )
    step_rows = tuple(
        StepRow(
            id=line.step.id,
            phase=word(f"phase.{line.step.phase.value}", lang),
            title=pick(line.step.definition.title, lang),
            state=line.step.status.value,
            state_label=word(f"status.{line.step.status.value}", lang),
            who=line.step.done_by or line.assignee or "",
            when=(
                _when(line.step.done_at, tz, lang)
                if line.step.done_at
                else (
                    word("due", lang, at=_when(line.step.due_at, tz, lang))
                    if line.step.due_at
                    else ""
                )
            ),
            note=step_note(line.step.id, line.step.note, lang) or "",
            mandatory=line.step.definition.mandatory,
            overdue=line.overdue,
            guidance=pick(line.step.definition.guidance, lang)
            if line.step.definition.guidance
            else "",
            role=word(f"role.{line.owner}", lang),
            requires=", ".join(line.step.definition.requires),
        )
        for line in steps
    )
    drafts = tuple(
        DraftRow(
            id=int(r["id"]),
            name="-".join(
                str(p) for p in (r["kind"], r["jurisdiction"], r["language"], r.get("variant")) if p
            ),
            version=int(r["version"] or 0),
            approved=(
                word(
                    "approved",
                    lang,
                    who=r["approved_by"],
                    at=_when(_parse(r["approved_at"]), tz, lang),
                )
                if r.get("approved_by")
                else word("not_approved", lang)
            ),
            created=f"{_when(_parse(r['created_at']), tz, lang)} — {r['created_by'] or ''}",
        )
        for r in store.rows("drafts", "incident = ?", [ref], order_by="id")
    )
    phase_words = {p.value: word(f"phase.{p.value}", lang) for p in PHASES}
    kind_words: dict[str, str] = {}  # the filter's choices: one per kind code
    rows: list[EventRow] = []
    for e in events:
        kind_label = kind_word(e.kind, e.data, lang)
        kind_words.setdefault(e.kind, word(f"kind.{e.kind}", lang))
        text = said(
            e.kind, e.text, e.data, lang, actor=e.actor, when=lambda at: _when(at, tz, lang)
        )
        if not filters.event(e, text):
            continue
        rows.append(
            EventRow(
                seq=e.seq,
                time=format_local(e.at, tz, lang),
                actor=e.actor,
                phase=phase_words.get(e.phase or "", e.phase or ""),
                kind=e.kind,
                kind_label=kind_label,
                step=step_of(e.data),
                text=text,
                link=safe_link(e.link),
            )
        )
    problem = store.verify_incident(ref)
    _, head = store.head(ref)
    generated = word("generated", lang, at=format_local(now, tz, lang), actor=reader, zone=zone)
    if expires is not None:
        generated += " " + word("link_expires", lang, at=format_local(expires, tz, lang))
    return TimelinePage(
        incident=incident,
        lang=lang,
        facts=tuple(facts),
        clocks=clocks,
        steps=step_rows,
        drafts=drafts,
        rows=tuple(rows),
        total=len(events),
        chain=Chain(
            verified=problem is None,
            problem=render(problem, lang) if problem else None,
            head=head,
            count=len(events),
        ),
        phases=tuple(phase_words.items()),
        kinds=tuple(sorted(kind_words.items(), key=lambda kv: kv[1].casefold())),
        actors=tuple(sorted({e.actor for e in events}, key=str.casefold)),
        generated=generated,
    )


def _parse(text: str | None) -> datetime | None:
    from dateutil.parser import isoparse

    return isoparse(text) if text else None


# -- the list page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    ref: str
    title: str
    status: str
    severity: str
    lead: str
    next_clock: str
    clock_state: str
    open_steps: int
    declared: str
    closed: str


def incident_list(
    service: IncidentService, *, actor: str, lang: str, tz: tzinfo
) -> tuple[ListRow, ...]:
    """Every incident (open first, then closed) that ``actor`` may see, with its next clock."""
    rows = []
    for inc in service.store.incidents():
        if not service.may_see(actor, inc):
            continue
        is_open = inc.status is IncidentStatus.OPEN
        nxt = deadlines.next_deadline(service.clocks(inc)) if is_open else None
        rows.append(
            ListRow(
                ref=inc.ref,
                title=inc.title,
                status=inc.status.value,
                severity=word(f"severity.{inc.severity.value}", lang) if inc.severity else "",
                lead=inc.lead or "",
                next_clock=deadlines.describe(nxt, lang, tz) if nxt is not None else "",
                clock_state=getattr(nxt, "state", "") if nxt is not None else "",
                open_steps=sum(s.is_open for s in service.store.steps(inc.ref)) if is_open else 0,
                declared=format_local(inc.declared_at, tz, lang),
                closed=_when(inc.closed_at, tz, lang),
            )
        )
    rows.sort(key=lambda r: (r.status != IncidentStatus.OPEN.value,))
    return tuple(rows)
