"""Notifications: the regulators (and the persons) were told; the regulators' clocks.

``notified`` stops a clock and keeps the case reference. It leaves the playbook's notify step
(``notify-regulator``, ``notify-persons``) open for the DPO's evidence note, unless the note comes
with it (``note=...``) and every jurisdiction that must be told has been: then the step is done
with that note. A note that cannot close the step yet is kept with the notification, never lost.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from dateutil.parser import isoparse

from incidentbot.core import deadlines
from incidentbot.core.model import EventKind, Incident, StepStatus
from incidentbot.core.when import format_local
from incidentbot.errors import Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.service.incidents import incident_tz
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
    svc: IncidentService,
    ref: str,
    jurisdiction: str,
    reference: str | None,
    *,
    actor: str,
    note: str | None = None,
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
    note = note.strip() if note and note.strip() else None
    step_id = "notify-regulator" if audience == "authority" else "notify-persons"
    with svc.store.transaction():
        earlier = svc.store.rows(
            "notifications",
            "incident = ? AND jurisdiction = ? AND audience = ?",
            [ref, jid, audience],
        )
        for row in earlier:
            if (row["reference"] or None) == reference:
                raise Refused(
                    Message(
                        "notifications.repeat_persons"
                        if audience == "persons"
                        else "notifications.repeat",
                        authority=j.authority,
                        jurisdiction=jid,
                        ref=ref,
                        at=format_local(
                            isoparse(row["notified_at"]), incident_tz(svc, incident), "en"
                        ),
                        who=row["recorded_by"],
                    )
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
        text = " — ".join(part for part in (reference, note) if part)
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
                "reference": reference,  # as the row keeps it (the audit compares them)
                # for the persons, what was typed is the means of the notice, not a case number
                "means": reference if audience == "persons" else None,
                "submission": submission,
                "late": late,
                "delay_reasons": delay_reasons,
                "note": note,
            },
        )
        outcome = _notify_step(svc, incident, actor, step_id, audience, note)
    svc.changed(ref, "notified")
    suffix: list[Message | str] = [
        ""
        if not reference
        else Message("notifications.reference", reference=reference)
        if audience == "authority"
        else Message("notifications.means", means=reference)
    ]
    if late and not delay_reasons:
        suffix.append(Message("notifications.late"))
    params: dict[str, object] = {
        "authority": j.authority
        if audience == "authority"
        else Message("notifications.persons", authority=j.authority),
        "ref": ref,
        "reference": Message("notifications.join", a=suffix[0], b=suffix[1])
        if len(suffix) > 1
        else suffix[0],
        "step": step_id,
    }
    if audience == "persons":
        params["jurisdiction"] = jid
    key, why = ("notified", None) if outcome is None else outcome
    if audience == "persons":
        key = key.replace("notified", "notified_persons", 1)
    if outcome is None:
        return Ack(key, params, incident=incident)
    if why is not None:
        params["why"] = why
    return Ack(key, params, incident=incident)


def _notify_step(
    svc: IncidentService,
    incident: Incident,
    actor: str,
    step_id: str,
    audience: str,
    note: str | None,
) -> tuple[str, Message | str | None] | None:
    """What becomes of the notify step: ``None`` when there is none open; otherwise the
    confirmation's key, and why a note could not close it. The step is done only with the
    DPO's own note, never with a bookkeeping line in its place."""
    step = svc.store.step(incident.ref, step_id)
    if step is None or not step.is_open:
        return ("notified_note_timeline", None) if note is not None else None
    if note is None:
        return ("notified_leaves_step", None)
    decisions = svc.decisions(incident.ref) or {}
    told = set(svc.notifications(incident.ref))
    suffix = "" if audience == "authority" else deadlines.PERSONS_SUFFIX
    required = [
        j
        for j in incident.jurisdictions
        if getattr(decisions.get(j), audience if audience == "authority" else "persons", True)
    ]
    missing = [j for j in required if j + suffix not in told]
    blocked = [
        r
        for r in step.definition.requires
        if (d := svc.store.step(incident.ref, r)) is not None and d.is_open
    ]
    if missing:
        return (
            "notified_note_kept",
            Message("notifications.still_to_tell", jurisdictions=", ".join(missing)),
        )
    if blocked:
        return ("notified_note_kept", Message("label.waits_for_list", steps=", ".join(blocked)))
    done = replace(step, status=StepStatus.DONE, done_by=actor, done_at=svc.clock(), note=note)
    if not svc.store.save_step(done):
        return ("notified_note_kept", Message("notifications.changed"))
    svc.record(
        incident,
        EventKind.STEP_DONE,
        note,
        actor,
        phase="notify",
        data={"step": step.id, "title": dict(step.definition.title)},
    )
    return ("notified_step_done", None)
