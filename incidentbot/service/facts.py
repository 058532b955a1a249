"""Facts the drafts need (``/incident fact KEY value``): each value kept in the timeline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from incidentbot.core.model import EventKind
from incidentbot.core.when import format_local, parse_when, parse_zone
from incidentbot.errors import Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.service.incidents import NO, YES, incident_tz, schedule_zone
from incidentbot.views import Ack

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

FACT_KEYS = (
"description", "cause", "occurred_at", "vendor_name", "delay_reasons", "persons_in_quebec",
"others_informed", "election_silence_starts", "consequences", "persons_advice",
"persons_exception", "persons_notice_planned", "persons_notified_at", "staff_involvement",
"lessons", "hack_and_leak", "detected_at", "rental_purpose",
)  # fmt: skip
TIME_FACTS = {"occurred_at", "election_silence_starts", "persons_notified_at", "detected_at"}
SCHEDULE_FACTS = {"election_silence_starts"}
PERIOD_FACTS = {"occurred_at"}
"""Facts staff know as a day, a month or a period (``2017-11``, ``2017-11-01/2018-04-04``)."""
_PERIOD_PART = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
"""Facts that name a time to come: a future time is what staff record."""
NUMBER_FACTS = {"persons_in_quebec"}
BOOL_FACTS = {"hack_and_leak"}


def set_fact(svc: IncidentService, ref: str, key: str, value: str, *, actor: str) -> Ack:
    """Record a fact the drafts read (``incident.facts``); the timeline keeps each value."""
    key = key.lower()
    if key not in FACT_KEYS:
        raise UsageError(
            Message("facts.unknown", key=key, known=", ".join(FACT_KEYS)), field="fact"
        )
    stored: Any = value.strip()
    if key in PERIOD_FACTS and _PERIOD_PART.fullmatch(stored.split("/")[0].strip()):
        stored = _period(stored, key)
    elif key in TIME_FACTS:
        incident = svc.resolve(ref, actor=actor, action="set_fact")
        zone = (
            parse_zone(schedule_zone(svc, incident))
            if key in SCHEDULE_FACTS
            else incident_tz(svc, incident)
        )
        stored = parse_when(
            stored, now=svc.clock(), tz=zone, future=key in SCHEDULE_FACTS
        ).isoformat()
        if key == "detected_at" and datetime.fromisoformat(stored) > svc.clock():
            raise UsageError(Message("incidents.detected_future"), field=key)
    if key in NUMBER_FACTS:
        if not stored.isdigit():
            raise UsageError(Message("facts.whole_number", key=key, value=value), field=key)
        stored = int(stored)
    if key in BOOL_FACTS:
        if stored.lower() not in YES | NO:
            raise UsageError(Message("values.yes_no", key=key, value=value), field=key)
        stored = stored.lower() in YES
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="set_fact")
        svc.ensure_open(incident)
        facts = dict(incident.facts)
        previous = facts.get(key)
        facts[key] = stored
        changed = replace(incident, facts=facts)
        if key == "detected_at":
            # the incident's own detection time: the letters' discovery date, the export's
            # **Detected**, and a deadline that starts at detection (jurisdictions.yaml)
            changed = replace(changed, detected_at=datetime.fromisoformat(stored))
        svc.store.save_incident(changed)
        svc.record(
            incident,
            EventKind.FACT_SET,
            f"{key}: {value.strip()}",
            actor,
            data={"key": key, "value": stored, "previous": previous},
        )
    svc.changed(ref, "fact")
    return Ack("fact_set", {"ref": ref, "key": key}, incident=incident)


def _period(value: str, key: str) -> str:
    """A day, a month, or a period of days or months, kept as typed (ISO): the drafts print
    « 18 novembre 2026 », « novembre 2017 », « du 1er novembre 2017 au 4 avril 2018 »."""
    parts = [p.strip() for p in value.split("/")]
    if len(parts) > 2 or not all(_PERIOD_PART.fullmatch(p) for p in parts):
        raise UsageError(Message("facts.period", key=key, value=value))
    for part in parts:
        try:
            date.fromisoformat(part if len(part) == 10 else part + "-01")
        except ValueError:
            raise UsageError(Message("facts.period", key=key, value=value)) from None
    if len(parts) == 2 and parts[0] > parts[1]:
        raise UsageError(Message("facts.period", key=key, value=value))
    return "/".join(parts)


MEASURE_MAX = 2_000


def add_measure(
    svc: IncidentService, ref: str, text: str, *, planned: bool = False, actor: str
) -> Ack:
    """A measure worded for the outside: the only "measures taken / planned" a draft quotes.

    Step notes and open step titles stay in the record; a measure is what staff chose to say
    to the regulator, the persons and the press (README.md, "What a draft may quote").
    """
    body = (text or "").strip()
    if not body:
        raise UsageError(Message("measure.empty"))
    if len(body) > MEASURE_MAX:
        raise UsageError(Message("measure.too_long", n=len(body), max=MEASURE_MAX))
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="add_measure")
        svc.ensure_open(incident)
        for e in svc.store.events(ref):
            if (
                e.kind == EventKind.MEASURE
                and e.text == body
                and bool((e.data or {}).get("planned")) == planned
            ):
                raise Refused(
                    Message(
                        "measure.repeat",
                        text=body,
                        ref=ref,
                        at=format_local(e.at, incident_tz(svc, incident), "en"),
                        who=e.actor,
                    )
                )
        svc.record(
            incident,
            EventKind.MEASURE,
            body,
            actor,
            data={"measure": body, "planned": planned},
        )
    svc.changed(ref, "measure")
    key = "measure_planned_added" if planned else "measure_added"
    return Ack(key, {"ref": ref, "text": body}, incident=incident)
