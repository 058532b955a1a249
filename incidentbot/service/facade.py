"""The service facade: one object the shell, Slack, the web pages and the scheduler talk to.

Its collaborators are passed in, keyword-only, by the composition root
(:func:`incidentbot.app.build_app`); nothing is attached afterwards. The use cases live in one
module per thing users do (:mod:`~incidentbot.service.incidents`, ``steps``, ``assessment``,
``notifications``, ``drafts``, ``reminders``, ``reports``); the class body below lists them,
each a module-level function whose first argument is the service. Each use case is one store
transaction that writes the change and its timeline event (:mod:`.timeline`) together, and
returns a plain view-model (:mod:`incidentbot.views`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from incidentbot.core import commands as cmd
from incidentbot.core.model import EventKind, Incident, IncidentStatus, Playbook
from incidentbot.drafting import Drafter
from incidentbot.errors import NotFound, Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.playbooks import Catalogue
from incidentbot.service import (
    access,
    assessment,
    drafts,
    facts,
    incidents,
    members,
    overview,
    register,
    reminders,
    reports,
    steps,
)
from incidentbot.service import notifications as notifying
from incidentbot.service import timeline as events
from incidentbot.service.access import Policy, audited
from incidentbot.store import Store
from incidentbot.views import HelpView, NeedsModal, RegisterView, View

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LinkSigner = Callable[[str, str], tuple[str, datetime]]
ChangeListener = Callable[[str, str], None]


class IncidentService:
    def __init__(
        self,
        *,
        store: Store,
        catalogue: Catalogue,
        drafter: Drafter,
        clock: Clock,
        policy: Policy,
        draft_config: Mapping[str, Any] | None = None,
        link_signer: LinkSigner | None = None,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.drafter = drafter
        self.clock = clock
        self.policy = policy
        self.draft_config: Mapping[str, Any] = dict(draft_config or {})
        # people's names as Slack gives them (users.info real_name), learned as they act
        self.people_names: dict[str, str] = {}
        self.link_signer = link_signer
        self.listeners: list[ChangeListener] = []

    # -- what every use case shares ---------------------------------------------------------

    def changed(self, ref: str, kind: str) -> None:
        """Tell front ends (Slack card updates, reminders) that an incident changed."""
        for listener in self.listeners:
            listener(ref, kind)

    def incident(self, ref: str) -> Incident:
        """The incident ``ref`` as stored (no access rule: the bot's own reads)."""
        inc = self.store.incident(ref.upper())
        if inc is None:
            raise access.not_found(ref)
        return inc

    @audited
    def resolve(self, ref_or_channel: str | None, *, actor: str, action: str) -> Incident:
        """THE way a front end finds the incident a person acts on (see :mod:`.access`)."""
        return access.resolve(self, ref_or_channel, actor=actor, action=action)

    def playbook(self, playbook_id: str) -> Playbook:
        pb = self.catalogue.playbooks.get(playbook_id.lower())
        if pb is None:
            raise NotFound(
                Message(
                    "facade.unknown_playbook",
                    id=playbook_id,
                    known=", ".join(sorted(self.catalogue.playbooks)),
                ),
                field="playbook",
            )
        return pb

    @staticmethod
    def ensure_open(incident: Incident) -> None:
        if incident.status is IncidentStatus.CLOSED:
            raise Refused(Message("facade.closed", ref=incident.ref))

    def record(
        self,
        incident: Incident | str,
        kind: EventKind,
        text: str,
        actor: str,
        *,
        phase: str | None = None,
        link: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """One timeline event now, in the caller's transaction (:func:`.timeline.record`)."""
        events.record(
            self.store,
            incident,
            kind,
            text,
            actor=actor,
            at=self.clock(),
            phase=phase,
            link=link,
            data=data,
        )

    def roles_of(self, actor: str, incident: Incident | None) -> set[str]:
        return access.roles_of(self, actor, incident)

    def check(self, action: str, actor: str, incident: Incident) -> None:
        access.check(self, action, actor, incident)

    def may_see(self, actor: str, incident: Incident) -> bool:
        return access.may_see(self, actor, incident)

    # -- dispatch -------------------------------------------------------------------------

    @audited
    def handle(self, command: cmd.Command, *, actor: str, context: str | None = None) -> View:
        """Run a parsed command for ``actor``; ``context`` is the incident implied by where
        the command was typed (an incident's channel or its ref, the shell's current one)."""
        match command:
            case cmd.Help():
                return HelpView(topic=command.topic)
            case cmd.Declare():
                return self.declare_from_options(command, actor=actor)
            case cmd.ListIncidents():
                return self.list_open(actor=actor)
            case cmd.Register():
                return RegisterView(rows=tuple(self.register_rows(actor=actor)))
        action = type(command).__name__.lower()
        incident = self.resolve(command.ref or context, actor=actor, action=action)
        ref = incident.ref
        match command:
            case cmd.Status():
                return self.card(ref)
            case cmd.Steps():
                return self.steps_view(ref, command.step)
            case cmd.Done():
                return self.complete_step(ref, command.step, actor=actor, note=command.note)
            case cmd.Skip():
                return self.skip_step(ref, command.step, actor=actor, reason=command.reason)
            case cmd.Assign():
                return self.assign(ref, command.target, command.user, actor=actor)
            case cmd.Note():
                return self.add_note(ref, command.text, actor=actor)
            case cmd.Measure():
                return self.add_measure(ref, command.text, planned=command.planned, actor=actor)
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
            case cmd.Assess():
                if not command.options:
                    return NeedsModal(kind="assess", incident=incident)
                if "override" in command.options:
                    return self.override(ref, command.options, actor=actor)
                return self.assess(ref, command.options, actor=actor)
            case cmd.Notified():
                return self.notified(
                    ref, command.jurisdiction, command.reference, actor=actor, note=command.note
                )
            case cmd.Draft():
                return self.draft(
                    ref, command.kind, command.jurisdiction, command.lang, actor=actor
                )
            case cmd.Approve():
                return self.approve(ref, command.draft, actor=actor)
            case cmd.Invite():
                return self.invite(ref, command.user, actor=actor)
            case cmd.Exclude():
                return self.exclude(ref, command.user, actor=actor)
            case cmd.Private():
                return self.set_private(ref, command.private, actor=actor)
            case cmd.Links():
                return self.revoke_links(ref, actor=actor)
        name = type(command).__name__.lower()
        worded = Message(f"commands.name.{name}")
        raise UsageError(
            Message("facade.not_here", name=worded if str(worded) != worded.msgid else name)
        )

    # -- the use cases, by what users do ----------------------------------------------------

    declare_from_options = audited(incidents.declare_from_options)
    declare = audited(incidents.declare)
    set_channel = audited(incidents.set_channel)
    add_note = audited(incidents.add_note)
    add_measure = audited(facts.add_measure)
    set_aware = audited(incidents.set_aware)
    set_severity = audited(incidents.set_severity)
    set_fact = audited(facts.set_fact)
    close = audited(incidents.close)

    card = audited(overview.card)
    deadlines = audited(overview.deadlines)
    timeline = audited(overview.timeline)
    list_open = audited(overview.list_open)

    steps_view = audited(steps.steps_view)
    step_lines = audited(steps.step_lines)
    complete_step = audited(steps.complete_step)
    skip_step = audited(steps.skip_step)
    assign = audited(steps.assign)

    latest_assessment = audited(assessment.latest_assessment)
    decisions = audited(assessment.decisions)
    assess = audited(assessment.assess)
    override = audited(assessment.override)

    notifications = audited(notifying.notifications)
    clocks = audited(notifying.clocks)
    notified = audited(notifying.notified)

    draft = audited(drafts.draft)
    draft_context = audited(drafts.draft_context)
    find_draft = audited(drafts.find_draft)
    approve = audited(drafts.approve)

    due_reminders = audited(reminders.due)
    claim_reminder = audited(reminders.claim)
    snooze = audited(reminders.snooze)

    export_data = audited(reports.export_data)
    export = audited(reports.export)
    register_rows = audited(register.register_rows)
    playbook_title = audited(reports.playbook_title)

    invite = audited(members.invite)
    exclude = audited(members.exclude)
    set_private = audited(members.set_private)
    revoke_links = audited(members.revoke_links)
    channel_member = audited(members.channel_member)
    channel_checks = members.channel_checks
