"""The checklist: list the steps, complete, skip or assign one.

Two people clicking the same step at once: the store saves a step only at the version it was
read at, so one wins and the other is told; nothing is recorded twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from incidentbot.core.model import EventKind, Incident, Role, Step, StepStatus
from incidentbot.errors import NotFound, Refused, UsageError
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
            f'No step "{step_id}" in {incident.ref}. Steps: {", ".join(names)}.',
            message_fr=f"Pas d'étape « {step_id} » dans {incident.ref}. Étapes : "
            f"{', '.join(names)}.",
        )
    return step


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
        )
        for s in steps
    )


def steps_view(svc: IncidentService, ref: str) -> StepsView:
    incident = svc.incident(ref)
    return StepsView(incident=incident, lines=svc.step_lines(incident, svc.store.steps(ref)))


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
        blocked = [
            r
            for r in step.definition.requires
            if (dep := svc.store.step(ref, r)) is not None and dep.is_open
        ]
        if blocked:
            raise Refused(
                f'Step "{step.id}" waits for {", ".join(blocked)}; finish '
                f"{'that' if len(blocked) == 1 else 'those'} first "
                f"(/incident done {blocked[0]}).",
                message_fr=f"L'étape « {step.id} » attend {', '.join(blocked)} ; "
                f"terminez d'abord (/incident fait {blocked[0]}).",
            )
        if step.definition.evidence and not (note and note.strip()):
            raise UsageError(
                f'Step "{step.id}" needs a note as evidence: /incident done {step.id} '
                "what was done, when and by whom.",
                field="note",
                message_fr=f"L'étape « {step.id} » exige une note comme preuve : "
                f"/incident fait {step.id} ce qui a été fait.",
            )
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


def ensure_pending(incident: Incident, step: Step, expected: int | None) -> None:
    if expected is not None and step.version != expected or not step.is_open:
        who = f" by {step.done_by}" if step.done_by else ""
        raise Refused(
            f'Step "{step.id}" of {incident.ref} is already {step.status.value}{who}; '
            "nothing was recorded twice.",
            message_fr=f"L'étape « {step.id} » de {incident.ref} est déjà "
            f"{'faite' if step.status is StepStatus.DONE else 'passée'}{who.replace('by', 'par')} ; "
            "rien n'a été enregistré en double.",
        )


def race_message(svc: IncidentService, ref: str, step_id: str) -> str:
    step = svc.store.step(ref, step_id)
    who = f" by {step.done_by}" if step and step.done_by else ""
    return f'Someone else changed step "{step_id}" of {ref} a moment ago{who}; nothing was recorded twice.'


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
        raise UsageError(
            f"A skip needs a reason: /incident skip {step_id} why it does not apply.",
            field="reason",
            message_fr=f"Passer une étape exige une raison : /incident passer {step_id} pourquoi.",
        )
    incident = svc.resolve(ref, actor=actor, action="skip_step")
    svc.ensure_open(incident)
    step = find_step(svc, incident, step_id)
    if step.definition.mandatory:
        svc.check("skip_mandatory", actor, incident)
    with svc.store.transaction():
        step = find_step(svc, incident, step_id)
        ensure_pending(incident, step, expected_version)
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
                "role_assigned", {"role": target, "user": user, "ref": ref}, incident=updated
            )
        else:
            step = find_step(svc, incident, target)
            if not step.is_open:
                raise Refused(
                    f'Step "{step.id}" is already {step.status.value}; '
                    "there is nothing left to assign."
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
