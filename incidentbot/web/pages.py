"""What the web pages show, gathered synchronously on the database worker thread.

Each function here takes the service and returns plain, already-worded data (strings in the
reader's language and zone), so that the templates are simple loops and rendering can run on
another thread without touching SQLite. The web handlers call these through
``ServiceRunner.call`` only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentbot import reports
from incidentbot.core import deadlines
from incidentbot.core.model import PHASES, Incident, IncidentStatus, TimelineEvent, pick
from incidentbot.core.when import format_local, parse_zone
from incidentbot.errors import NotFound, UsageError
from incidentbot.store import to_text
from incidentbot.web.links import token_id
from incidentbot.web.wording import word

log = logging.getLogger(__name__)

OPENED_KIND = "timeline_opened"
OPENED_QUIET = timedelta(hours=1)
MAX_FILTER_CHARS = 200
SAFE_LINK_SCHEMES = ("https://", "http://")


@dataclass(frozen=True)
class Filters:
    """The page's filters, read from GET parameters so that they work without JavaScript."""

    phase: str = ""
    kind: str = ""
    actor: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        values = {name: (query.get(name) or "").strip() for name in ("phase", "kind", "actor", "q")}
        for name, value in values.items():
            if len(value) > MAX_FILTER_CHARS:
                raise UsageError(
                    f"The filter {name} is {len(value)} characters long; keep it under "
                    f"{MAX_FILTER_CHARS}.",
                    field=name,
                    message_fr=f"Le filtre {name} dépasse {MAX_FILTER_CHARS} caractères.",
                )
        phase = values["phase"].lower()
        allowed = [p.value for p in PHASES]
        if phase and phase not in allowed:
            raise UsageError(
                f'Unknown phase "{values["phase"][:40]}"; use one of: {", ".join(allowed)}.',
                field="phase",
                message_fr=f"Phase « {values['phase'][:40]} » inconnue ; au choix : "
                f"{', '.join(allowed)}.",
            )
        return cls(phase=phase, kind=values["kind"], actor=values["actor"], q=values["q"])

    @property
    def active(self) -> bool:
        return bool(self.phase or self.kind or self.actor or self.q)

    def params(self) -> dict[str, str]:
        """The filters in force, as query parameters (kept in export links)."""
        return {
            k: v
            for k, v in (("phase", self.phase), ("kind", self.kind), ("actor", self.actor))
            if v
        } | ({"q": self.q} if self.q else {})

    def matches(self, *, phase: str | None, kind: str, actor: str, text: str, step: str) -> bool:
        if self.phase and (phase or "") != self.phase:
            return False
        if self.kind and kind != self.kind:
            return False
        if self.actor and actor != self.actor:
            return False
        if self.q:
            needle = self.q.casefold()
            return needle in text.casefold() or needle in step.casefold()
        return True

    def event(self, e: TimelineEvent) -> bool:
        return self.matches(
            phase=e.phase, kind=e.kind, actor=e.actor, text=e.text, step=_step_of(e.data)
        )

    def exported(self, e: Mapping[str, Any]) -> bool:
        return self.matches(
            phase=e["phase"],
            kind=e["kind"],
            actor=e["actor"],
            text=e["text"] or "",
            step=_step_of(e["data"]),
        )


def _step_of(data: Mapping[str, Any]) -> str:
    step = data.get("step") if isinstance(data, Mapping) else None
    return step if isinstance(step, str) else ""


def safe_link(link: str | None) -> str | None:
    """A link shown as ``href`` only when it is plain http(s): never ``javascript:``."""
    if link and link.lower().startswith(SAFE_LINK_SCHEMES) and not any(c in link for c in " \n"):
        return link
    return None


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


def record_opened(service: Any, ref: str, *, actor: str, token: str, view: str) -> bool:
    """Add a ``timeline_opened`` event for ``actor``, at most once per token an hour.

    Returns whether an event was written. Opening is recorded even in a closed incident: who
    read the record, and when, is part of it. Only a short hash of the token is kept.
    """
    store = service.store
    now = service.clock()
    tid = token_id(token)
    with store.transaction():
        incident = service.incident(ref)
        recent = store.conn.execute(
            "SELECT 1 FROM timeline WHERE incident = ? AND kind = ? AND at > ? "
            "AND json_extract(data, '$.token') = ? LIMIT 1",
            [incident.ref, OPENED_KIND, to_text(now - OPENED_QUIET), tid],
        ).fetchone()
        if recent:
            return False
        store.append_event(
            incident.ref,
            at=now,
            actor=actor,
            kind=OPENED_KIND,
            text=word("opened_text", incident.language, view=view),
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
    service: Any,
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
            word(f"severity.{incident.severity.value}", lang) if incident.severity else not_set,
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
            note=line.step.note or "",
            mandatory=line.step.definition.mandatory,
            overdue=line.overdue,
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
    kind_words: dict[str, str] = {}
    rows: list[EventRow] = []
    for e in events:
        kind_label = kind_words.get(e.kind)
        if kind_label is None:
            kind_label = kind_words[e.kind] = word(f"kind.{e.kind}", lang)
        if not filters.event(e):
            continue
        rows.append(
            EventRow(
                seq=e.seq,
                time=format_local(e.at, tz, lang),
                actor=e.actor,
                phase=phase_words.get(e.phase or "", e.phase or ""),
                kind=e.kind,
                kind_label=kind_label,
                step=_step_of(e.data),
                text=e.text,
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
        chain=Chain(verified=problem is None, problem=problem, head=head, count=len(events)),
        phases=tuple(phase_words.items()),
        kinds=tuple(sorted(kind_words.items(), key=lambda kv: kv[1].casefold())),
        actors=tuple(sorted({e.actor for e in events}, key=str.casefold)),
        generated=generated,
    )


def _parse(text: str | None) -> datetime | None:
    from dateutil.parser import isoparse

    return isoparse(text) if text else None


# -- exports ---------------------------------------------------------------------------------


def export_text(
    service: Any, ref: str, fmt: str, filters: Filters, *, lang: str, tz: tzinfo
) -> str:
    """The CLI's export (``reports``), narrowed to the events the filters keep.

    Unfiltered, this is exactly ``incidentbot export``. Filtered, the JSON carries the filters
    under ``filters`` and every kept event keeps its ``prev_hash`` and ``hash``, so each one can
    still be checked against the chain; ``chain`` still describes the whole chain.
    """
    if not filters.active:
        return reports.export(service, ref, fmt, lang=lang, tz=tz)
    data = reports.export_data(service, ref)
    total = len(data["timeline"])
    data["timeline"] = [e for e in data["timeline"] if filters.exported(e)]
    data["filters"] = {**filters.params(), "shown": len(data["timeline"]), "total": total}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return reports.to_csv(reports.TIMELINE_HEADER, (_csv_row(e) for e in data["timeline"]))
    shown = word("shown", lang, shown=len(data["timeline"]), total=total)
    described = ", ".join(f"{k}={v}" for k, v in filters.params().items())
    described = described.replace("|", "\\|").replace("\n", " ")
    text = reports.export_markdown(data, lang=lang, tz=tz)
    head, _, rest = text.partition("\n")
    return f"{head}\n\n> {shown} ({word('filtered_by', lang)} {described})\n{rest}"


def _csv_row(e: Mapping[str, Any]) -> Sequence[Any]:
    return (
        e["seq"],
        e["at"],
        e["actor"],
        e["kind"],
        e["phase"] or "",
        _step_of(e["data"]),
        e["text"],
        e["link"] or "",
        e["hash"],
    )


# -- drafts ----------------------------------------------------------------------------------


def draft_file(service: Any, ref: str, draft_id: int) -> tuple[str, str]:
    """``(file name, Markdown body)`` of one draft of ``ref``; NotFound for another's."""
    incident = service.incident(ref)
    rows = service.store.rows("drafts", "incident = ? AND id = ?", [incident.ref, draft_id])
    if not rows:
        raise NotFound(
            f"{incident.ref} has no draft number {draft_id}.",
            message_fr=f"{incident.ref} n'a pas de projet numéro {draft_id}.",
        )
    r = rows[0]
    parts = [incident.ref, r["kind"], r["jurisdiction"], r["language"], r.get("variant")]
    name = "-".join(str(p) for p in parts if p) + f"-v{r['version']}.md"
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
    return safe, r["body"] or ""


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


def incident_list(service: Any, *, actor: str, lang: str, tz: tzinfo) -> tuple[ListRow, ...]:
    """Every incident (open first, then closed) that ``actor`` may see, with its next clock."""
    rows = []
    may_see = getattr(service, "_may_see", None)
    for inc in service.store.incidents():
        if inc.private and may_see is not None and not may_see(actor, inc):
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
