"""The checklist: list the steps, complete, skip or assign one.

Two people clicking the same step at once: the store saves a step only at the version it was
read at, so one wins and the other is told; nothing is recorded twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from incidentbot.core.model import EventKind, Incident, Phase, Role, Step, StepDef, StepStatus
from incidentbot.errors import NotFound, Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.service import access
from incidentbot.service.incidents import user_id
from incidentbot.views import Ack, StepLine, StepsView

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

ROLE_IDS = tuple(r.value for r in Role)


def find_step(svc: IncidentService, incident: Incident, step_id: str) -> Step:
    step = svc.store.step(incident.ref, step_id.lower())
    if step is None:
        names = [s.id for s in svc.store.steps(incident.ref)]
        raise NotFound(
            Message("steps.not_found", step=step_id, ref=incident.ref, steps=", ".join(names))
        )
    return step


NOTIFY_STEPS = {"notify-regulator": "authority", "notify-persons": "persons"}
"""The playbook steps that follow the regulators' clocks (the same ids ``notified`` reads)."""


def due_at(
    svc: IncidentService,
    definition: StepDef,
    jurisdictions: Sequence[str],
    aware_at: datetime | None,
) -> datetime | None:
    """When a step is due: a notify step follows the jurisdictions' clocks, the earliest legal
    deadline or internal target among them (CNIL/ICO 72 h, the CAI's or OPC's own target for
    "promptly"); a step with no legal clock keeps its playbook ``due``."""
    if aware_at is None:
        return None
    audience = NOTIFY_STEPS.get(definition.id)
    if audience is not None:
        hours = []
        for jid in jurisdictions:
            j = svc.catalogue.jurisdictions.get(jid)
            if j is None:
                continue
            rule = j.deadline if audience == "authority" else j.persons_deadline
            if rule.kind == "hours" and rule.hours is not None:
                hours.append(rule.hours)
            if rule.target_hours is not None:
                hours.append(rule.target_hours)
        if hours:
            return aware_at + timedelta(hours=min(hours))
    return aware_at + definition.due if definition.due else None


def step_lines(
    svc: IncidentService, incident: Incident, steps: Sequence[Step]
) -> tuple[StepLine, ...]:
    now = svc.clock()
    state = {s.id: s for s in steps}
    return tuple(
        StepLine(
            step=s,
            owner=s.definition.owner.value,
            assignee=s.assignee or incident.roles.get(s.definition.owner.value),
            blocked_by=tuple(r for r in s.definition.requires if r in state and state[r].is_open),
            overdue=bool(s.is_open and s.due_at and s.due_at < now),
            requires=tuple((r, state[r].status.value) for r in s.definition.requires if r in state),
        )
        for s in steps
    )


def steps_view(svc: IncidentService, ref: str, step: str | None = None) -> StepsView:
    incident = svc.incident(ref)
    all_steps = svc.store.steps(ref)
    lines = svc.step_lines(incident, all_steps)
    if step is None:
        return StepsView(incident=incident, lines=lines)
    found = find_step(svc, incident, step)
    return StepsView(
        incident=incident,
        lines=tuple(line for line in lines if line.step.id == found.id),
        focus=found.id,
    )


def complete_step(
    svc: IncidentService,
    ref: str,
    step_id: str,
    *,
    actor: str,
    note: str | None = None,
    expected_version: int | None = None,
    link: str | None = None,
) -> Ack:
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="complete_step")
        svc.ensure_open(incident)
        step = find_step(svc, incident, step_id)
        ensure_pending(incident, step, expected_version)
        blocked = open_prerequisites(svc, ref, step)
        if blocked:
            raise Refused(
                Message(
                    "steps.waits_for", step=step.id, blocked=", ".join(blocked), first=blocked[0]
                )
            )
        if step.definition.evidence and not (note and note.strip()):
            raise UsageError(Message("steps.needs_evidence", step=step.id), field="note")
        now = svc.clock()
        done = replace(
            step,
            status=StepStatus.DONE,
            done_by=actor,
            done_at=now,
            note=note.strip() if note else None,
        )
        if not svc.store.save_step(done):
            raise Refused(race_message(svc, ref, step.id))
        svc.record(
            incident,
            EventKind.STEP_DONE,
            note.strip() if note else "",
            actor,
            phase=step.phase.value,
            link=link,
            data={"step": step.id, "title": dict(step.definition.title)},
        )
    svc.changed(ref, "step")
    return Ack("step_done", {"step": step.id, "ref": ref}, incident=incident)


def open_prerequisites(svc: IncidentService, ref: str, step: Step) -> list[str]:
    """The steps ``step`` waits for that are still open (done or skipped ones no longer hold)."""
    return [
        r
        for r in step.definition.requires
        if (dep := svc.store.step(ref, r)) is not None and dep.is_open
    ]


def waiting_on(svc: IncidentService, ref: str, step: Step) -> list[str]:
    """The open steps that wait for ``step``."""
    return [s.id for s in svc.store.steps(ref) if s.is_open and step.id in s.definition.requires]


def ensure_pending(incident: Incident, step: Step, expected: int | None) -> None:
    if expected is not None and step.version != expected or not step.is_open:
        who: Message | str = Message("steps.done_by", who=step.done_by) if step.done_by else ""
        key = "steps.already_skipped" if step.status is StepStatus.SKIPPED else "steps.already_done"
        raise Refused(Message(key, step=step.id, ref=incident.ref, who=who))


def race_message(svc: IncidentService, ref: str, step_id: str) -> Message:
    step = svc.store.step(ref, step_id)
    who: Message | str = Message("steps.done_by", who=step.done_by) if step and step.done_by else ""
    return Message("steps.race", step=step_id, ref=ref, who=who)


def skip_step(
    svc: IncidentService,
    ref: str,
    step_id: str,
    *,
    actor: str,
    reason: str,
    expected_version: int | None = None,
) -> Ack:
    if not reason or not reason.strip():
        raise UsageError(Message("steps.skip_reason", step=step_id), field="reason")
    incident = svc.resolve(ref, actor=actor, action="skip_step")
    svc.ensure_open(incident)
    step = find_step(svc, incident, step_id)
    if step.definition.mandatory:
        svc.check("skip_mandatory", actor, incident)
    with svc.store.transaction():
        step = find_step(svc, incident, step_id)
        ensure_pending(incident, step, expected_version)
        blocked = [
            r
            for r in open_prerequisites(svc, ref, step)
            if (dep := svc.store.step(ref, r)) is not None and dep.phase is Phase.ASSESS
        ]
        if blocked:
            # Whether a step applies is what the assessment establishes (assess-risk decides
            # notify-persons): such a step is skipped once it is settled, as it is done. Other
            # prerequisites are means to the step (the logs a police complaint needs), and a
            # step that does not apply does not need them.
            raise Refused(
                Message(
                    "steps.skip_waits_for",
                    step=step.id,
                    blocked=", ".join(blocked),
                    first=blocked[0],
                )
            )
        unblocked = waiting_on(svc, ref, step)
        skipped = replace(
            step,
            status=StepStatus.SKIPPED,
            done_by=actor,
            done_at=svc.clock(),
            note=reason.strip(),
        )
        if not svc.store.save_step(skipped):
            raise Refused(race_message(svc, ref, step.id))
        svc.record(
            incident,
            EventKind.STEP_SKIPPED,
            reason.strip(),
            actor,
            phase=step.phase.value,
            data={"step": step.id, "mandatory": step.definition.mandatory},
        )
    svc.changed(ref, "step")
    if unblocked:
        return Ack(
            "step_skipped_unblocks",
            {"step": step.id, "ref": ref, "unblocked": ", ".join(unblocked), "n": len(unblocked)},
            incident=incident,
        )
    return Ack("step_skipped", {"step": step.id, "ref": ref}, incident=incident)


def assign(svc: IncidentService, ref: str, target: str, user: str, *, actor: str) -> Ack:
    target = target.lower()
    user = user_id(user) or user
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="assign")
        svc.ensure_open(incident)
        if target in ROLE_IDS and svc.store.step(ref, target) is None:
            roles = dict(incident.roles)
            roles[target] = user
            updated = replace(
                incident, roles=roles, lead=user if target == "lead" else incident.lead
            )
            access.check_grant(svc, actor, incident, role=target, user=user)
            svc.store.save_incident(updated)
            svc.record(
                incident,
                EventKind.ROLE_ASSIGNED,
                f"{target} → {user}",
                actor,
                data={"role": target, "user": user},
            )
            result = Ack(
                "role_assigned",
                {"role": Message(f"role.{target}"), "user": user, "ref": ref},
                incident=updated,
            )
        else:
            step = find_step(svc, incident, target)
            if not step.is_open:
                raise Refused(
                    Message(
                        "steps.nothing_to_assign",
                        step=step.id,
                        status=Message(f"steps.status.{step.status.value}"),
                    )
                )
            if not svc.store.save_step(replace(step, assignee=user)):
                raise Refused(race_message(svc, ref, step.id))
            svc.record(
                incident,
                EventKind.STEP_ASSIGNED,
                f"{step.id} → {user}",
                actor,
                phase=step.phase.value,
                data={"step": step.id, "user": user},
            )
            result = Ack(
                "step_assigned", {"step": step.id, "user": user, "ref": ref}, incident=incident
            )
    svc.changed(ref, "assign")
    return result
