"""The use cases: declare, complete a step, add a note, assess, draft, approve, close.

Each use case is one store transaction that writes the state change and its timeline event
together, and returns a plain view-model (:mod:`incidentbot.views`) that the shell, Slack and
the web page render. Nothing here knows about Slack, HTTP or the terminal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from dateutil.parser import isoparse

from incidentbot.core import commands as cmd
from incidentbot.core import deadlines
from incidentbot.core.model import (
    Incident,
    IncidentStatus,
    Playbook,
    Role,
    Severity,
    Step,
    StepStatus,
)
from incidentbot.core.when import parse_when, parse_zone
from incidentbot.errors import NotFound, Refused, UsageError
from incidentbot.playbooks import Catalogue
from incidentbot.store import Store
from incidentbot.views import (
    Ack,
    Card,
    ClosedView,
    DeadlinesView,
    DeclaredView,
    HelpView,
    ListItem,
    ListView,
    NeedsModal,
    PhaseProgress,
    StepLine,
    StepsView,
    TimelineView,
    View,
)

log = logging.getLogger(__name__)

ROLE_IDS = tuple(r.value for r in Role)
SEVERITIES = tuple(s.value for s in Severity)
FACT_KEYS = (
    "description", "cause", "occurred_at", "vendor_name", "delay_reasons", "persons_in_quebec",
    "others_informed", "election_silence_starts", "consequences", "persons_advice",
    "persons_exception", "persons_notice_planned", "persons_notified_at", "staff_involvement",
    "lessons", "hack_and_leak",
)  # fmt: skip
TIME_FACTS = {"occurred_at", "election_silence_starts", "persons_notified_at"}
NUMBER_FACTS = {"persons_in_quebec"}
BOOL_FACTS = {"hack_and_leak"}
YES = {"yes", "oui", "true", "1", "y", "o"}
NO = {"no", "non", "false", "0", "n"}


@dataclass(frozen=True)
class Policy:
    """Who may do what: action -> roles, and person -> campaign-wide roles."""

    permissions: Mapping[str, tuple[str, ...]]
    people: Mapping[str, tuple[str, ...]]
    enforce: bool = False
    default_language: str = "en"
    default_timezone: str = "UTC"
    default_jurisdictions: tuple[str, ...] = ()


class IncidentService:
    def __init__(
        self,
        *,
        store: Store,
        catalogue: Catalogue,
        clock: Callable[[], datetime],
        policy: Policy,
        drafts: Any | None = None,
        link_signer: Callable[[str, str], tuple[str, datetime]] | None = None,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.clock = clock
        self.policy = policy
        self.drafts = drafts
        self.link_signer = link_signer
        self.listeners: list[Callable[[str, str], None]] = []

    # -- helpers --------------------------------------------------------------------------

    def _changed(self, ref: str, kind: str) -> None:
        """Tell front ends (Slack card updates, reminders) that an incident changed."""
        for listener in self.listeners:
            listener(ref, kind)

    def incident(self, ref: str) -> Incident:
        inc = self.store.incident(ref.upper())
        if inc is None:
            known = [i.ref for i in self.store.incidents()][-5:]
            hint = f" Known: {', '.join(known)}." if known else " No incident is declared yet."
            raise NotFound(
                f"No incident {ref}.{hint}",
                message_fr=f"Aucun incident {ref}.",
            )
        return inc

    def incident_for_channel(self, channel: str) -> Incident | None:
        """The incident whose Slack channel this is, if any."""
        return self.store.incident_by_channel(channel)

    def set_channel(self, ref: str, channel: str, *, actor: str = "incidentbot") -> None:
        """Record the incident's Slack channel (once it exists) with its timeline event."""
        with self.store.transaction():
            incident = self.incident(ref)
            if incident.channel == channel:
                return
            self.store.save_incident(replace(incident, channel=channel))
            self._event(incident, "channel_set", channel, actor, data={"channel": channel})

    def resolve(self, ref: str | None, *, context: str | None = None) -> Incident:
        """The incident a command is about: its own ``INC-n``, else the context's one."""
        target = ref or context
        if target is None:
            raise UsageError(
                "Which incident? Run this in the incident's channel or put its reference "
                "first: /incident INC-1 status",
                message_fr="Quel incident ? Lancez la commande dans le canal de l'incident ou "
                "mettez sa référence en premier : /incident INC-1 etat",
            )
        return self.incident(target)

    def playbook(self, playbook_id: str) -> Playbook:
        pb = self.catalogue.playbooks.get(playbook_id.lower())
        if pb is None:
            raise NotFound(
                f'Unknown playbook "{playbook_id}". Choose one of: '
                + ", ".join(sorted(self.catalogue.playbooks))
                + ".",
                field="playbook",
                message_fr=f"Procédure « {playbook_id} » inconnue. Au choix : "
                + ", ".join(sorted(self.catalogue.playbooks))
                + ".",
            )
        return pb

    def roles_of(self, actor: str, incident: Incident | None) -> set[str]:
        roles = set(self.policy.people.get(actor, ()))
        if incident is not None:
            roles |= {role for role, who in incident.roles.items() if who == actor}
            if incident.lead == actor:
                roles.add("lead")
        return roles

    def check(self, action: str, actor: str, incident: Incident | None) -> None:
        """Refuse (and record the refusal) when roles are enforced and the actor lacks one."""
        if not self.policy.enforce:
            return
        allowed = self.policy.permissions.get(action, ())
        if self.roles_of(actor, incident) & set(allowed):
            return
        message = (
            f"Only {' or '.join(allowed) or 'nobody'} may {action.replace('_', ' ')}"
            f"{' in ' + incident.ref if incident else ''}; you are "
            f"{', '.join(sorted(self.roles_of(actor, incident))) or 'a member'}."
        )
        if incident is not None:
            with self.store.transaction():
                self.store.append_event(
                    incident.ref,
                    at=self.clock(),
                    actor=actor,
                    kind="refused",
                    text=message,
                    data={"action": action, "allowed": list(allowed)},
                )
        raise Refused(
            message, message_fr=f"Action refusée ({action}) : rôle requis {' ou '.join(allowed)}."
        )

    @staticmethod
    def _open(incident: Incident) -> None:
        if incident.status is IncidentStatus.CLOSED:
            raise Refused(
                f"{incident.ref} is closed; nothing in it can change any more.",
                message_fr=f"{incident.ref} est clos ; plus rien ne peut y changer.",
            )

    def _step(self, incident: Incident, step_id: str) -> Step:
        step = self.store.step(incident.ref, step_id.lower())
        if step is None:
            names = [s.id for s in self.store.steps(incident.ref)]
            raise NotFound(
                f'No step "{step_id}" in {incident.ref}. Steps: {", ".join(names)}.',
                message_fr=f"Pas d'étape « {step_id} » dans {incident.ref}. Étapes : "
                f"{', '.join(names)}.",
            )
        return step

    def _event(self, incident: Incident, kind: str, text: str, actor: str, **kw: Any) -> None:
        self.store.append_event(
            incident.ref, at=self.clock(), actor=actor, kind=kind, text=text, **kw
        )

    # -- dispatch -------------------------------------------------------------------------

    def handle(self, command: cmd.Command, *, actor: str, context: str | None = None) -> View:
        """Run a parsed command for ``actor``; ``context`` is the incident implied by where
        the command was typed (an incident's channel, the shell's current incident)."""
        match command:
            case cmd.Help():
                return HelpView(topic=command.topic)
            case cmd.Declare():
                return self.declare_from_options(command, actor=actor)
            case cmd.ListIncidents():
                return self.list_open(actor=actor)
        incident = self.resolve(command.ref, context=context)
        ref = incident.ref
        match command:
            case cmd.Status():
                return self.card(ref)
            case cmd.Steps():
                return self.steps_view(ref)
            case cmd.Done():
                return self.complete_step(ref, command.step, actor=actor, note=command.note)
            case cmd.Skip():
                return self.skip_step(ref, command.step, actor=actor, reason=command.reason)
            case cmd.Assign():
                return self.assign(ref, command.target, command.user, actor=actor)
            case cmd.Note():
                return self.add_note(ref, command.text, actor=actor)
            case cmd.Aware():
                return self.set_aware(ref, command.when, actor=actor)
            case cmd.Deadlines():
                return self.deadlines(ref)
            case cmd.Timeline():
                return self.timeline(ref, command.limit or 20, actor=actor)
            case cmd.Close():
                return self.close(ref, actor=actor)
            case cmd.Severity():
                return self.set_severity(ref, command.level, command.reason, actor=actor)
            case cmd.Fact():
                return self.set_fact(ref, command.key, command.value, actor=actor)
        return self.handle_more(command, incident, actor=actor)

    def handle_more(self, command: cmd.Command, incident: Incident, *, actor: str) -> View:
        """Assessment, notification, drafting and register commands (see assessments.py,
        drafts_service.py); kept apart so that this module stays readable."""
        from incidentbot import usecases

        return usecases.handle(self, command, incident, actor=actor)

    # -- declare --------------------------------------------------------------------------

    def declare_from_options(self, command: cmd.Declare, *, actor: str) -> View:
        opts = dict(command.options)
        title = (opts.pop("title", None) or command.title or "").strip()
        if not opts and not title:
            return NeedsModal(kind="declare")
        if not title:
            raise UsageError(
                "A declaration needs a title: /incident declare Donor file leaked "
                'playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc',
                field="title",
                message_fr="Une déclaration a besoin d'un titre : /incident declarer Fichier "
                "des donateurs divulgué playbook=vendor-breach jurisdiction=qc",
            )
        zone_name = opts.pop("tz", None)
        tz = parse_zone(zone_name or self.policy.default_timezone)
        now = self.clock()
        aware = opts.pop("aware", None)
        detected = opts.pop("detected", None)
        juris = opts.pop("jurisdiction", None)
        private = opts.pop("private", None)
        lang = opts.pop("lang", None)
        if lang is not None and lang.lower() not in ("en", "fr"):
            raise UsageError(f'lang must be en or fr, not "{lang}".', field="lang")
        if private is not None and private.lower() not in YES | NO:
            raise UsageError(f'private must be yes or no, not "{private}".', field="private")
        return self.declare(
            actor=actor,
            title=title,
            playbook_id=opts.pop("playbook", "") or "generic-breach",
            aware_at=parse_when(aware, now=now, tz=tz) if aware else None,
            detected_at=parse_when(detected, now=now, tz=tz) if detected else None,
            jurisdictions=juris.split(",") if juris else None,
            lead=_user(opts.pop("lead", None)),
            severity_level=opts.pop("severity", None),
            language=lang.lower() if lang else None,
            private=(private or "no").lower() in YES,
        )

    def declare(
        self,
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
    ) -> DeclaredView:
        now = self.clock()
        title = title.strip()
        if not title:
            raise UsageError(
                "The title cannot be empty.",
                field="title",
                message_fr="Le titre ne peut pas être vide.",
            )
        if len(title) > 200:
            raise UsageError(
                f"The title is {len(title)} characters long; keep it under 200.",
                field="title",
                message_fr="Le titre dépasse 200 caractères.",
            )
        pb = self.playbook(playbook_id)
        juris = self._jurisdictions(jurisdictions, pb)
        sev = self._severity(severity_level) if severity_level else None
        for at, name in ((aware_at, "aware"), (detected_at, "detected")):
            if at is not None and at > now:
                raise UsageError(f"The {name} time is in the future.", field=name)
        lead = lead or actor
        with self.store.transaction():
            ref = f"INC-{self.store.next_number()}"
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
                language=language or self.policy.default_language,
                jurisdictions=juris,
                private=private,
                roles={"lead": lead},
            )
            self.store.insert_incident(incident)
            self.store.insert_steps(
                [
                    Step(
                        incident=ref,
                        definition=d,
                        due_at=(aware_at + d.due) if aware_at is not None and d.due else None,
                    )
                    for d in pb.steps
                ]
            )
            self._event(
                incident,
                "declared",
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
                self._event(
                    incident,
                    "aware_set",
                    aware_at.isoformat(),
                    actor,
                    data={"aware_at": aware_at.isoformat()},
                )
        log.info("%s declared by %s (playbook %s)", ref, actor, pb.id)
        self._changed(ref, "declared")
        return DeclaredView(card=self.card(ref))

    def _jurisdictions(self, given: Sequence[str] | None, pb: Playbook) -> tuple[str, ...]:
        if given is None:
            ids = list(self.policy.default_jurisdictions or pb.jurisdictions)
        else:
            ids = [j.strip().lower() for j in given if j.strip()]
        unknown = [j for j in ids if j not in self.catalogue.jurisdictions]
        if unknown:
            raise UsageError(
                f'Unknown jurisdiction "{unknown[0]}". Choose among: '
                + ", ".join(sorted(self.catalogue.jurisdictions))
                + " (several with commas: jurisdiction=qc,fr).",
                field="jurisdiction",
                message_fr=f"Juridiction « {unknown[0]} » inconnue. Au choix : "
                + ", ".join(sorted(self.catalogue.jurisdictions))
                + ".",
            )
        return tuple(dict.fromkeys(ids))

    @staticmethod
    def _severity(level: str) -> Severity:
        norm = level.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return Severity(norm)
        except ValueError:
            raise UsageError(
                f'Unknown severity "{level}". Choose one of: {", ".join(SEVERITIES)}.',
                field="severity",
                message_fr=f"Gravité « {level} » inconnue. Au choix : {', '.join(SEVERITIES)}.",
            ) from None

    # -- steps ----------------------------------------------------------------------------

    def _lines(self, incident: Incident, steps: Sequence[Step]) -> tuple[StepLine, ...]:
        now = self.clock()
        state = {s.id: s for s in steps}
        return tuple(
            StepLine(
                step=s,
                owner=s.definition.owner.value,
                assignee=s.assignee or incident.roles.get(s.definition.owner.value),
                blocked_by=tuple(
                    r for r in s.definition.requires if r in state and state[r].is_open
                ),
                overdue=bool(s.is_open and s.due_at and s.due_at < now),
            )
            for s in steps
        )

    def steps_view(self, ref: str) -> StepsView:
        incident = self.incident(ref)
        return StepsView(incident=incident, lines=self._lines(incident, self.store.steps(ref)))

    def complete_step(
        self,
        ref: str,
        step_id: str,
        *,
        actor: str,
        note: str | None = None,
        expected_version: int | None = None,
        link: str | None = None,
    ) -> Ack:
        with self.store.transaction():
            incident = self.incident(ref)
            self._open(incident)
            step = self._step(incident, step_id)
            self._ensure_pending(incident, step, expected_version)
            blocked = [
                r
                for r in step.definition.requires
                if (dep := self.store.step(ref, r)) is not None and dep.is_open
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
            now = self.clock()
            done = replace(
                step,
                status=StepStatus.DONE,
                done_by=actor,
                done_at=now,
                note=note.strip() if note else None,
            )
            if not self.store.save_step(done):
                raise Refused(self._race_message(ref, step.id))
            self._event(
                incident,
                "step_done",
                note.strip() if note else "",
                actor,
                phase=step.phase.value,
                link=link,
                data={"step": step.id, "title": dict(step.definition.title)},
            )
        self._changed(ref, "step")
        return Ack("step_done", {"step": step.id, "ref": ref}, incident=incident)

    def _ensure_pending(self, incident: Incident, step: Step, expected: int | None) -> None:
        if expected is not None and step.version != expected or not step.is_open:
            who = f" by {step.done_by}" if step.done_by else ""
            raise Refused(
                f'Step "{step.id}" of {incident.ref} is already {step.status.value}{who}; '
                "nothing was recorded twice.",
                message_fr=f"L'étape « {step.id} » de {incident.ref} est déjà "
                f"{'faite' if step.status is StepStatus.DONE else 'passée'}{who.replace('by', 'par')} ; "
                "rien n'a été enregistré en double.",
            )

    def _race_message(self, ref: str, step_id: str) -> str:
        step = self.store.step(ref, step_id)
        who = f" by {step.done_by}" if step and step.done_by else ""
        return f'Someone else changed step "{step_id}" of {ref} a moment ago{who}; nothing was recorded twice.'

    def skip_step(
        self,
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
        incident = self.incident(ref)
        self._open(incident)
        step = self._step(incident, step_id)
        if step.definition.mandatory:
            self.check("skip_mandatory", actor, incident)
        with self.store.transaction():
            step = self._step(incident, step_id)
            self._ensure_pending(incident, step, expected_version)
            skipped = replace(
                step,
                status=StepStatus.SKIPPED,
                done_by=actor,
                done_at=self.clock(),
                note=reason.strip(),
            )
            if not self.store.save_step(skipped):
                raise Refused(self._race_message(ref, step.id))
            self._event(
                incident,
                "step_skipped",
                reason.strip(),
                actor,
                phase=step.phase.value,
                data={"step": step.id, "mandatory": step.definition.mandatory},
            )
        self._changed(ref, "step")
        return Ack("step_skipped", {"step": step.id, "ref": ref}, incident=incident)

    def assign(self, ref: str, target: str, user: str, *, actor: str) -> Ack:
        target = target.lower()
        user = _user(user) or user
        with self.store.transaction():
            incident = self.incident(ref)
            self._open(incident)
            if target in ROLE_IDS and self.store.step(ref, target) is None:
                roles = dict(incident.roles)
                roles[target] = user
                updated = replace(
                    incident, roles=roles, lead=user if target == "lead" else incident.lead
                )
                if target == "lead":
                    self.check("close", actor, incident) if incident.lead != actor else None
                self.store.save_incident(updated)
                self._event(
                    incident,
                    "role_assigned",
                    f"{target} → {user}",
                    actor,
                    data={"role": target, "user": user},
                )
                result = Ack(
                    "role_assigned", {"role": target, "user": user, "ref": ref}, incident=updated
                )
            else:
                step = self._step(incident, target)
                if not step.is_open:
                    raise Refused(
                        f'Step "{step.id}" is already {step.status.value}; '
                        "there is nothing left to assign."
                    )
                if not self.store.save_step(replace(step, assignee=user)):
                    raise Refused(self._race_message(ref, step.id))
                self._event(
                    incident,
                    "step_assigned",
                    f"{step.id} → {user}",
                    actor,
                    phase=step.phase.value,
                    data={"step": step.id, "user": user},
                )
                result = Ack(
                    "step_assigned", {"step": step.id, "user": user, "ref": ref}, incident=incident
                )
        self._changed(ref, "assign")
        return result

    # -- notes, awareness, severity -------------------------------------------------------

    def add_note(
        self,
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
            raise UsageError(
                "A note needs some text: /incident note what happened.",
                field="note",
                message_fr="Une note a besoin d'un texte.",
            )
        if len(text) > 40_000:
            raise UsageError(
                f"The note is {len(text)} characters long; keep it under 40,000.", field="note"
            )
        with self.store.transaction():
            incident = self.incident(ref)
            self._open(incident)
            if key is not None:
                exists = self.store.conn.execute(
                    "SELECT 1 FROM timeline WHERE incident = ? AND kind = 'note' "
                    "AND json_extract(data, '$.key') = ?",
                    [ref, key],
                ).fetchone()
                if exists:
                    return Ack("note_exists", {"ref": ref}, incident=incident, changed=False)
            data: dict[str, Any] = {"source": source}
            if key is not None:
                data["key"] = key
            if at is not None:
                data["message_at"] = at.isoformat()
            self._event(incident, "note", text.strip(), actor, link=link, data=data)
        self._changed(ref, "note")
        return Ack("note_added", {"ref": ref}, incident=incident)

    def set_aware(
        self, ref: str, when: str | datetime, *, actor: str, tz: str | None = None
    ) -> Ack:
        incident = self.incident(ref)
        self._open(incident)
        now = self.clock()
        if isinstance(when, str):
            aware_at = parse_when(when, now=now, tz=parse_zone(tz or self.policy.default_timezone))
        else:
            aware_at = when
            if aware_at > now:
                raise UsageError("The awareness time is in the future.", field="aware")
        if incident.aware_at is not None:
            self.check("aware", actor, incident)
        with self.store.transaction():
            incident = self.incident(ref)
            self.store.save_incident(replace(incident, aware_at=aware_at))
            for step in self.store.steps(ref):
                if step.is_open and step.definition.due:
                    self.store.save_step(replace(step, due_at=aware_at + step.definition.due))
            self._event(
                incident,
                "aware_set",
                aware_at.isoformat(),
                actor,
                data={
                    "aware_at": aware_at.isoformat(),
                    "previous": incident.aware_at.isoformat() if incident.aware_at else None,
                },
            )
        self._changed(ref, "aware")
        return Ack("aware_set", {"ref": ref, "at": aware_at}, incident=incident)

    def set_severity(self, ref: str, level: str, reason: str | None, *, actor: str) -> Ack:
        incident = self.incident(ref)
        self._open(incident)
        sev = self._severity(level)
        self.check("severity", actor, incident)
        with self.store.transaction():
            incident = self.incident(ref)
            self.store.save_incident(replace(incident, severity=sev))
            self._event(
                incident,
                "severity_set",
                reason or "",
                actor,
                data={
                    "severity": sev.value,
                    "previous": incident.severity.value if incident.severity else None,
                },
            )
        self._changed(ref, "severity")
        return Ack("severity_set", {"ref": ref, "severity": sev.value}, incident=incident)

    def set_fact(self, ref: str, key: str, value: str, *, actor: str) -> Ack:
        """Record a fact the drafts read (``incident.facts``); the timeline keeps each value."""
        key = key.lower()
        if key not in FACT_KEYS:
            raise UsageError(
                f'Unknown fact "{key}". Facts: {", ".join(FACT_KEYS)}.',
                field="fact",
                message_fr=f"Fait « {key} » inconnu. Faits : {', '.join(FACT_KEYS)}.",
            )
        stored: Any = value.strip()
        if key in TIME_FACTS:
            stored = parse_when(
                stored, now=self.clock(), tz=parse_zone(self.policy.default_timezone)
            ).isoformat()
        if key in NUMBER_FACTS:
            if not stored.isdigit():
                raise UsageError(f'{key} must be a whole number, not "{value}".', field=key)
            stored = int(stored)
        if key in BOOL_FACTS:
            if stored.lower() not in YES | NO:
                raise UsageError(f'{key} must be yes or no, not "{value}".', field=key)
            stored = stored.lower() in YES
        with self.store.transaction():
            incident = self.incident(ref)
            self._open(incident)
            facts = dict(incident.facts)
            previous = facts.get(key)
            facts[key] = stored
            self.store.save_incident(replace(incident, facts=facts))
            self._event(
                incident,
                "fact_set",
                f"{key}: {value.strip()}",
                actor,
                data={"key": key, "value": stored, "previous": previous},
            )
        self._changed(ref, "fact")
        return Ack("fact_set", {"ref": ref, "key": key}, incident=incident)

    # -- reading --------------------------------------------------------------------------

    def notifications(self, ref: str) -> dict[str, tuple[datetime, str | None]]:
        """First notification per jurisdiction: ``fr`` for the authority, ``fr:persons`` for
        the persons (core.deadlines reads both)."""
        out: dict[str, tuple[datetime, str | None]] = {}
        for row in self.store.rows("notifications", "incident = ?", [ref], order_by="id"):
            key = row["jurisdiction"] + (
                "" if row["audience"] == "authority" else deadlines.PERSONS_SUFFIX
            )
            out.setdefault(key, (isoparse(row["notified_at"]), row["reference"]))
        return out

    def latest_assessment(self, ref: str) -> dict[str, Any] | None:
        rows = self.store.rows(
            "assessments", "incident = ?", [ref], order_by="version desc", limit=1
        )
        return rows[0] if rows else None

    def decisions(self, ref: str) -> dict[str, Any] | None:
        """Decisions in force per jurisdiction, as core.severity.Decision-like objects."""
        row = self.latest_assessment(ref)
        if row is None:
            return None
        import json

        return {d["jurisdiction"]: _DecisionView(d) for d in json.loads(row["decisions"])}

    def clocks(self, incident: Incident) -> tuple[Any, ...]:
        juris = [
            self.catalogue.jurisdictions[j]
            for j in incident.jurisdictions
            if j in self.catalogue.jurisdictions
        ]
        return tuple(
            deadlines.clocks(
                aware_at=incident.aware_at,
                jurisdictions=juris,
                notifications=self.notifications(incident.ref),
                decisions=self.decisions(incident.ref),
                now=self.clock(),
            )
        )

    def card(self, ref: str) -> Card:
        incident = self.incident(ref)
        steps = self.store.steps(ref)
        lines = self._lines(incident, steps)
        progress = []
        for phase in dict.fromkeys(s.phase for s in steps):
            in_phase = [s for s in steps if s.phase == phase]
            progress.append(
                PhaseProgress(phase, sum(not s.is_open for s in in_phase), len(in_phase))
            )
        clocks = self.clocks(incident)
        pb = self.catalogue.playbooks.get(incident.playbook)
        row = self.latest_assessment(ref)
        return Card(
            incident=incident,
            playbook_title=dict(pb.title) if pb else {"en": incident.playbook},
            progress=tuple(progress),
            open_steps=tuple(line for line in lines if line.step.is_open),
            clocks=clocks,
            next_clock=deadlines.next_deadline(clocks),
            assessment=row,
            now=self.clock(),
        )

    def deadlines(self, ref: str) -> DeadlinesView:
        incident = self.incident(ref)
        return DeadlinesView(incident=incident, clocks=self.clocks(incident), now=self.clock())

    def timeline(self, ref: str, limit: int = 20, *, actor: str) -> TimelineView:
        incident = self.incident(ref)
        link = expires = None
        if self.link_signer is not None:
            link, expires = self.link_signer(ref, actor)
        return TimelineView(
            incident=incident,
            events=tuple(self.store.events(ref, last=limit)),
            total=self.store.count_events(ref),
            link=link,
            link_expires=expires,
        )

    def list_open(self, *, actor: str | None = None) -> ListView:
        items = []
        for inc in self.store.incidents(status=IncidentStatus.OPEN):
            if inc.private and actor is not None and not self.may_see(actor, inc):
                continue
            clocks = self.clocks(inc)
            open_steps = sum(s.is_open for s in self.store.steps(inc.ref))
            items.append(
                ListItem(
                    incident=inc, next_clock=deadlines.next_deadline(clocks), open_steps=open_steps
                )
            )
        link = expires = None
        may_list = not self.policy.enforce or "lead" in self.roles_of(actor or "", None)
        if self.link_signer is not None and actor is not None and may_list:
            # the workspace-wide list page: for incident leads only when roles are enforced
            link, expires = self.link_signer("*", actor)
        return ListView(items=tuple(items), now=self.clock(), link=link, link_expires=expires)

    def may_see(self, actor: str, incident: Incident) -> bool:
        """A private incident is visible only to its people (lead, role holders, declarer)."""
        return actor in {incident.lead, incident.declared_by, *incident.roles.values()} or bool(
            self.channel_members.get(incident.ref, set()) & {actor}
        )

    channel_members: dict[str, set[str]] = {}

    # -- close ----------------------------------------------------------------------------

    def close(self, ref: str, *, actor: str) -> ClosedView:
        incident = self.incident(ref)
        self._open(incident)
        self.check("close", actor, incident)
        with self.store.transaction():
            open_mandatory = [
                s.id for s in self.store.steps(ref) if s.is_open and s.definition.mandatory
            ]
            if open_mandatory:
                raise Refused(
                    f"{ref} cannot be closed: mandatory steps are still open: "
                    f"{', '.join(open_mandatory)}. Complete them (/incident done STEP) or skip "
                    "them with a reason (/incident skip STEP reason).",
                    message_fr=f"{ref} ne peut pas être clos : étapes obligatoires ouvertes : "
                    f"{', '.join(open_mandatory)}.",
                )
            now = self.clock()
            closed = replace(incident, status=IncidentStatus.CLOSED, closed_at=now)
            self.store.save_incident(closed)
            self._event(incident, "closed", "", actor)
        self._changed(ref, "closed")
        return ClosedView(incident=closed)


class _DecisionView:
    """Adapts a stored decision (DESIGN JSON) to what core.deadlines reads."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.jurisdiction = raw["jurisdiction"]
        self.authority = bool(raw["authority"])
        self.persons = bool(raw["persons"])


def _user(value: str | None) -> str | None:
    """``<@U123|bob>`` -> ``U123``; ``@dpo`` -> ``dpo``."""
    if value is None:
        return None
    v = value.strip()
    if v.startswith("<@") and v.endswith(">"):
        return v[2:-1].split("|", 1)[0]
    return v.lstrip("@") or None
