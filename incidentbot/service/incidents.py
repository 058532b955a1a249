"""Incidents: declare, notes, awareness, severity, facts, close, and what the card shows.

Each function is a use case of :class:`~incidentbot.service.facade.IncidentService` (its first
argument): one store transaction that writes the change and its timeline event together.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from incidentbot.core import commands as cmd
from incidentbot.core import playbook
from incidentbot.core.model import (
    EventKind,
    Incident,
    IncidentStatus,
    Playbook,
    Severity,
    Step,
)
from incidentbot.core.when import parse_when, parse_zone
from incidentbot.errors import Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.views import (
    Ack,
    ClosedView,
    DeclaredView,
    NeedsModal,
    View,
)

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

log = logging.getLogger(__name__)

SEVERITIES = tuple(s.value for s in Severity)
YES = {"yes", "oui", "true", "1", "y", "o"}
NO = {"no", "non", "false", "0", "n"}
TITLE_MAX = 200
NOTE_MAX = 40_000

# -- declare --------------------------------------------------------------------------


def declare_from_options(svc: IncidentService, command: cmd.Declare, *, actor: str) -> View:
    opts = dict(command.options)
    title = (opts.pop("title", None) or command.title or "").strip()
    if not opts and not title:
        return NeedsModal(kind="declare")
    if not title:
        raise UsageError(Message("incidents.title_needed"), field="title")
    zone_name = opts.pop("tz", None)
    tz = parse_zone(zone_name or svc.policy.default_timezone)
    now = svc.clock()
    aware = opts.pop("aware", None)
    detected = opts.pop("detected", None)
    juris = opts.pop("jurisdiction", None)
    private = opts.pop("private", None)
    lang = opts.pop("lang", None)
    if lang is not None and lang.lower() not in ("en", "fr"):
        raise UsageError(Message("incidents.bad_lang", value=lang), field="lang")
    if private is not None and private.lower() not in YES | NO:
        raise UsageError(Message("values.yes_no", key="private", value=private), field="private")
    return svc.declare(
        actor=actor,
        title=title,
        playbook_id=opts.pop("playbook", "") or "generic-breach",
        aware_at=parse_when(aware, now=now, tz=tz) if aware else None,
        detected_at=parse_when(detected, now=now, tz=tz) if detected else None,
        jurisdictions=juris.split(",") if juris else None,
        lead=user_id(opts.pop("lead", None)),
        severity_level=opts.pop("severity", None),
        language=lang.lower() if lang else None,
        private=(private or "no").lower() in YES,
        timezone=zone_name,
    )


def incident_tz(svc: IncidentService, incident: Incident) -> tzinfo:
    """The zone of an incident's times: its ``tz=`` at declare, else the campaign's."""
    return parse_zone(str(incident.facts.get("tz") or svc.policy.default_timezone))


def schedule_zone(svc: IncidentService, incident: Incident) -> str:
    """The zone a schedule fact (``election_silence_starts``) typed without one is read in:
    the incident's ``tz=``, else its jurisdictions' natural zone (``fr``: Europe/Paris) when
    they agree on one, else the campaign's."""
    if incident.facts.get("tz"):
        return str(incident.facts["tz"])
    zones = {
        zone
        for j in incident.jurisdictions
        if (found := svc.catalogue.jurisdictions.get(j)) is not None
        and (zone := found.timezone) is not None
    }
    return zones.pop() if len(zones) == 1 else str(svc.policy.default_timezone)


def declare(
    svc: IncidentService,
    *,
    actor: str,
    title: str,
    playbook_id: str,
    aware_at: datetime | None = None,
    detected_at: datetime | None = None,
    jurisdictions: Sequence[str] | None = None,
    lead: str | None = None,
    severity_level: str | None = None,
    language: str | None = None,
    private: bool = False,
    channel: str | None = None,
    timezone: str | None = None,
) -> DeclaredView:
    now = svc.clock()
    title = title.strip()
    if not title:
        raise UsageError(Message("incidents.title_empty"), field="title")
    if len(title) > TITLE_MAX:
        raise UsageError(
            Message("incidents.title_too_long", length=len(title), max=TITLE_MAX),
            field="title",
        )
    pb = svc.playbook(playbook_id)
    private = private or pb.private  # a playbook such as insider-access starts private
    juris = jurisdictions_of(svc, jurisdictions, pb)
    sev = severity_of(severity_level) if severity_level else None
    for at, name in ((aware_at, "aware"), (detected_at, "detected")):
        if at is not None and at > now:
            raise UsageError(Message(f"incidents.{name}_future"), field=name)
    lead = lead or actor
    with svc.store.transaction():
        ref = f"INC-{svc.store.next_number()}"
        incident = Incident(
            ref=ref,
            title=title,
            playbook=pb.id,
            status=IncidentStatus.OPEN,
            declared_by=actor,
            declared_at=now,
            aware_at=aware_at,
            detected_at=detected_at or aware_at or now,
            severity=sev,
            lead=lead,
            channel=channel,
            language=language or svc.policy.default_language,
            jurisdictions=juris,
            private=private,
            roles={"lead": lead},
            facts={"tz": str(timezone)} if timezone else {},
        )
        svc.store.insert_incident(incident)
        svc.store.insert_steps(
            [
                Step(
                    incident=ref,
                    definition=playbook.for_incident(
                        d, [svc.catalogue.jurisdictions[j] for j in juris]
                    ),
                    due_at=step_due(svc, d, juris, aware_at),
                )
                for d in pb.steps
            ]
        )
        svc.record(
            incident,
            EventKind.DECLARED,
            title,
            actor,
            data={
                "playbook": pb.id,
                "jurisdictions": list(juris),
                "lead": lead,
                "severity": sev.value if sev else None,
                "aware_at": aware_at.isoformat() if aware_at else None,
                "private": private,
            },
        )
        if aware_at is not None:
            svc.record(
                incident,
                EventKind.AWARE_SET,
                aware_at.isoformat(),
                actor,
                data={"aware_at": aware_at.isoformat()},
            )
    log.info("%s declared by %s (playbook %s)", ref, actor, pb.id)
    svc.changed(ref, "declared")
    return DeclaredView(card=svc.card(ref))


def jurisdictions_of(
    svc: IncidentService, given: Sequence[str] | None, pb: Playbook
) -> tuple[str, ...]:
    if given is None:
        ids = list(svc.policy.default_jurisdictions or pb.jurisdictions)
    else:
        ids = [j.strip().lower() for j in given if j.strip()]
    unknown = [j for j in ids if j not in svc.catalogue.jurisdictions]
    if unknown:
        raise UsageError(
            Message(
                "incidents.unknown_jurisdiction",
                id=unknown[0],
                known=", ".join(sorted(svc.catalogue.jurisdictions)),
            ),
            field="jurisdiction",
        )
    return tuple(dict.fromkeys(ids))


def severity_of(level: str) -> Severity:
    norm = level.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Severity(norm)
    except ValueError:
        raise UsageError(
            Message("incidents.unknown_severity", level=level, known=", ".join(SEVERITIES)),
            field="severity",
        ) from None


def set_channel(
    svc: IncidentService, ref: str, channel: str, *, actor: str = "incidentbot"
) -> None:
    """Record the incident's Slack channel (once it exists) with its timeline event."""
    with svc.store.transaction():
        incident = svc.incident(ref)
        if incident.channel == channel:
            return
        svc.store.save_incident(replace(incident, channel=channel))
        svc.record(incident, EventKind.CHANNEL_SET, channel, actor, data={"channel": channel})


# -- notes, awareness, severity -------------------------------------------------------


def add_note(
    svc: IncidentService,
    ref: str,
    text: str,
    *,
    actor: str,
    link: str | None = None,
    source: str = "command",
    key: str | None = None,
    at: datetime | None = None,
) -> Ack:
    """A note in the timeline; ``key`` (e.g. a Slack message ts) makes it idempotent."""
    if not text or not text.strip():
        raise UsageError(Message("incidents.note_empty"), field="note")
    if len(text) > NOTE_MAX:
        raise UsageError(
            Message("incidents.note_too_long", length=len(text), max=NOTE_MAX), field="note"
        )
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="add_note")
        svc.ensure_open(incident)
        if key is not None:
            exists = svc.store.conn.execute(
                "SELECT 1 FROM timeline WHERE incident = ? AND kind = ? "
                "AND json_extract(data, '$.key') = ?",
                [ref, EventKind.NOTE.value, key],
            ).fetchone()
            if exists:
                return Ack("note_exists", {"ref": ref}, incident=incident, changed=False)
        data: dict[str, Any] = {"source": source}
        if key is not None:
            data["key"] = key
        if at is not None:
            data["message_at"] = at.isoformat()
        svc.record(incident, EventKind.NOTE, text.strip(), actor, link=link, data=data)
    svc.changed(ref, "note")
    return Ack("note_added", {"ref": ref}, incident=incident)


def set_aware(
    svc: IncidentService, ref: str, when: str | datetime, *, actor: str, tz: str | None = None
) -> Ack:
    incident = svc.resolve(ref, actor=actor, action="set_aware")
    svc.ensure_open(incident)
    now = svc.clock()
    if isinstance(when, str):
        zone = parse_zone(tz) if tz else incident_tz(svc, incident)
        aware_at = parse_when(when, now=now, tz=zone)
    else:
        aware_at = when
        if aware_at > now:
            raise UsageError(Message("incidents.aware_future"), field="aware")
    if incident.aware_at is not None:
        svc.check("aware", actor, incident)
    with svc.store.transaction():
        incident = svc.incident(ref)
        svc.store.save_incident(replace(incident, aware_at=aware_at))
        for step in svc.store.steps(ref):
            if step.is_open:
                due = step_due(svc, step.definition, incident.jurisdictions, aware_at)
                if due != step.due_at:
                    svc.store.save_step(replace(step, due_at=due))
        svc.record(
            incident,
            EventKind.AWARE_SET,
            aware_at.isoformat(),
            actor,
            data={
                "aware_at": aware_at.isoformat(),
                "previous": incident.aware_at.isoformat() if incident.aware_at else None,
            },
        )
    svc.changed(ref, "aware")
    return Ack("aware_set", {"ref": ref, "at": aware_at}, incident=incident)


def set_severity(
    svc: IncidentService, ref: str, level: str, reason: str | None, *, actor: str
) -> Ack:
    incident = svc.resolve(ref, actor=actor, action="set_severity")
    svc.ensure_open(incident)
    sev = severity_of(level)
    svc.check("severity", actor, incident)
    with svc.store.transaction():
        incident = svc.incident(ref)
        svc.store.save_incident(replace(incident, severity=sev))
        svc.record(
            incident,
            EventKind.SEVERITY_SET,
            reason or "",
            actor,
            data={
                "severity": sev.value,
                "previous": incident.severity.value if incident.severity else None,
            },
        )
    svc.changed(ref, "severity")
    return Ack("severity_set", {"ref": ref, "severity": sev.value}, incident=incident)


# -- close ----------------------------------------------------------------------------


def close(svc: IncidentService, ref: str, *, actor: str) -> ClosedView:
    incident = svc.resolve(ref, actor=actor, action="close")
    svc.ensure_open(incident)
    svc.check("close", actor, incident)
    with svc.store.transaction():
        open_mandatory = [
            s.id for s in svc.store.steps(ref) if s.is_open and s.definition.mandatory
        ]
        if open_mandatory:
            raise Refused(
                Message("incidents.close_open_steps", ref=ref, steps=", ".join(open_mandatory))
            )
        now = svc.clock()
        closed = replace(incident, status=IncidentStatus.CLOSED, closed_at=now)
        svc.store.save_incident(closed)
        svc.record(incident, EventKind.CLOSED, "", actor)
    svc.changed(ref, "closed")
    return ClosedView(incident=closed)


def step_due(
    svc: IncidentService, definition: Any, juris: Sequence[str], aware_at: datetime | None
) -> datetime | None:
    from incidentbot.service.steps import due_at  # steps reads user_id from here

    return due_at(svc, definition, juris, aware_at)


def user_id(value: str | None) -> str | None:
    """``<@U123|bob>`` -> ``U123``; ``@dpo`` -> ``dpo``."""
    if value is None:
        return None
    v = value.strip()
    if v.startswith("<@") and v.endswith(">"):
        return v[2:-1].split("|", 1)[0]
    return v.lstrip("@") or None
