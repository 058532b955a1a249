"""Notifications: the regulators (and the persons) were told; the regulators' clocks.

``notified`` stops a clock and keeps the case reference; once every jurisdiction that must be
told has been, the playbook's ``notify-regulator`` step is ticked with its own event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from dateutil.parser import isoparse

from incidentbot.core import deadlines
from incidentbot.core.model import EventKind, Incident, StepStatus
from incidentbot.errors import UsageError
from incidentbot.i18n import Message
from incidentbot.store import to_text
from incidentbot.views import Ack

if TYPE_CHECKING:
    from incidentbot.svc.facade import IncidentService


def notifications(svc: IncidentService, ref: str) -> dict[str, tuple[datetime, str | None]]:
    """First notification per jurisdiction: ``fr`` for the authority, ``fr:persons`` for
    the persons (core.deadlines reads both)."""
    out: dict[str, tuple[datetime, str | None]] = {}
    for row in svc.store.rows("notifications", "incident = ?", [ref], order_by="id"):
        key = row["jurisdiction"] + (
            "" if row["audience"] == "authority" else deadlines.PERSONS_SUFFIX
        )
        out.setdefault(key, (isoparse(row["notified_at"]), row["reference"]))
    return out


def clocks(svc: IncidentService, incident: Incident) -> tuple[deadlines.Clock, ...]:
    juris = [
        svc.catalogue.jurisdictions[j]
        for j in incident.jurisdictions
        if j in svc.catalogue.jurisdictions
    ]
    return tuple(
        deadlines.clocks(
            aware_at=incident.aware_at,
            jurisdictions=juris,
            notifications=svc.notifications(incident.ref),
            decisions=svc.decisions(incident.ref),
            now=svc.clock(),
        )
    )


def notified(
    svc: IncidentService, ref: str, jurisdiction: str, reference: str | None, *, actor: str
) -> Ack:
    """The regulator (or, with ``persons`` first in the reference, the persons) was told."""
    incident = svc.resolve(ref, actor=actor, action="notified")
    svc.ensure_open(incident)
    jid = jurisdiction.lower()
    if jid not in incident.jurisdictions:
        raise UsageError(
            Message(
                "notifications.not_under",
                ref=ref,
                jurisdiction=jurisdiction,
                jurisdictions=", ".join(incident.jurisdictions)
                or Message("notifications.no_jurisdiction"),
            ),
            field="jurisdiction",
        )
    audience = "authority"
    if reference and reference.split()[0].lower() in ("persons", "personnes"):
        audience = "persons"
        reference = reference.split(None, 1)[1] if len(reference.split()) > 1 else None
    now = svc.clock()
    clock = next(
        (c for c in svc.clocks(incident) if c.jurisdiction == jid and c.audience == audience),
        None,
    )
    late = bool(clock and clock.due_at and now > clock.due_at)
    delay_reasons = incident.facts.get("delay_reasons") if late else None
    j = svc.catalogue.jurisdictions[jid]
    with svc.store.transaction():
        earlier = svc.store.rows(
            "notifications",
            "incident = ? AND jurisdiction = ? AND audience = ?",
            [ref, jid, audience],
        )
        submission = "initial" if not earlier else "complementary"
        svc.store.insert_row(
            "notifications",
            {
                "incident": ref,
                "jurisdiction": jid,
                "audience": audience,
                "submission": submission,
                "notified_at": to_text(now),
                "reference": reference,
                "delay_reasons": delay_reasons,
                "recorded_by": actor,
                "recorded_at": to_text(now),
            },
        )
        text = reference or ""
        svc.record(
            incident,
            EventKind.NOTIFIED,
            text,
            actor,
            phase="notify",
            data={
                "jurisdiction": jid,
                "audience": audience,
                "authority": j.authority,
                "reference": reference,
                "submission": submission,
                "late": late,
                "delay_reasons": delay_reasons,
            },
        )
        if audience == "authority":
            _complete_notify_step(svc, incident, actor, jid)
    svc.changed(ref, "notified")
    suffix = f" (ref. {reference})" if reference else ""
    if late and not delay_reasons:
        suffix += (
            " — late: record the reasons for the delay (GDPR Art. 33(1)) with "
            "/incident fact delay_reasons TEXT"
        )
    return Ack(
        "notified",
        {
            "authority": j.authority if audience == "authority" else f"{j.authority} (persons)",
            "ref": ref,
            "reference": suffix,
        },
        incident=incident,
    )


def _complete_notify_step(svc: IncidentService, incident: Incident, actor: str, jid: str) -> None:
    """Once every jurisdiction that must be told has been, tick the notify-regulator step."""
    step = svc.store.step(incident.ref, "notify-regulator")
    if step is None or not step.is_open:
        return
    decisions = svc.decisions(incident.ref) or {}
    told = set(svc.notifications(incident.ref))
    required = [j for j in incident.jurisdictions if getattr(decisions.get(j), "authority", True)]
    if set(required) <= told:
        blocked = [
            r
            for r in step.definition.requires
            if (d := svc.store.step(incident.ref, r)) is not None and d.is_open
        ]
        if blocked:
            return
        done = replace(
            step,
            status=StepStatus.DONE,
            done_by=actor,
            done_at=svc.clock(),
            note=f"notified: {', '.join(sorted(told))}",
        )
        if svc.store.save_step(done):
            svc.record(
                incident,
                EventKind.STEP_DONE,
                done.note or "",
                actor,
                phase="notify",
                data={
                    "step": step.id,
                    "title": dict(step.definition.title),
                    "notified": sorted(told),
                },
            )
