"""What the card, the deadlines, the timeline and the list of incidents show: reads only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from incidentbot.core import deadlines as clocks_core
from incidentbot.core.model import IncidentStatus
from incidentbot.service.incidents import schedule_zone
from incidentbot.views import (
    Card,
    DeadlinesView,
    ListItem,
    ListView,
    PhaseProgress,
    TimelineView,
    silence_starts,
)

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService


def card(svc: IncidentService, ref: str) -> Card:
    incident = svc.incident(ref)
    steps = svc.store.steps(ref)
    lines = svc.step_lines(incident, steps)
    progress = []
    for phase in dict.fromkeys(s.phase for s in steps):
        in_phase = [s for s in steps if s.phase == phase]
        progress.append(PhaseProgress(phase, sum(not s.is_open for s in in_phase), len(in_phase)))
    clocks = svc.clocks(incident)
    pb = svc.catalogue.playbooks.get(incident.playbook)
    row = svc.latest_assessment(ref)
    return Card(
        incident=incident,
        playbook_title=dict(pb.title) if pb else {"en": incident.playbook},
        progress=tuple(progress),
        open_steps=tuple(line for line in lines if line.step.is_open),
        clocks=clocks_core.ordered(clocks),
        next_clock=clocks_core.next_deadline(clocks),
        assessment=row,
        now=svc.clock(),
        silence_starts=silence_starts(incident),
        silence_zone=schedule_zone(svc, incident),
    )


def deadlines(svc: IncidentService, ref: str) -> DeadlinesView:
    incident = svc.incident(ref)
    return DeadlinesView(
        incident=incident, clocks=clocks_core.ordered(svc.clocks(incident)), now=svc.clock()
    )


def timeline(svc: IncidentService, ref: str, limit: int = 20, *, actor: str) -> TimelineView:
    incident = svc.resolve(ref, actor=actor, action="timeline")
    link = expires = None
    if svc.link_signer is not None:
        link, expires = svc.link_signer(ref, actor)
    return TimelineView(
        incident=incident,
        events=tuple(svc.store.events(ref, last=limit)),
        total=svc.store.count_events(ref),
        link=link,
        link_expires=expires,
    )


def _legal_first(item: ListItem) -> tuple[int, datetime]:
    """Incidents with a legal deadline running first, then those with an internal target only,
    each by time; then the rest in the order they were declared (``sort`` is stable)."""
    if item.next_clock is None:
        return (4, datetime.max.replace(tzinfo=UTC))
    return clocks_core.urgency(item.next_clock)


def list_open(svc: IncidentService, *, actor: str | None = None) -> ListView:
    items = []
    for inc in svc.store.incidents(status=IncidentStatus.OPEN):
        if actor is not None and not svc.may_see(actor, inc):
            continue
        clocks = svc.clocks(inc)
        open_steps = sum(s.is_open for s in svc.store.steps(inc.ref))
        items.append(
            ListItem(
                incident=inc, next_clock=clocks_core.next_deadline(clocks), open_steps=open_steps
            )
        )
    items.sort(key=_legal_first)
    link = expires = None
    configured = set(svc.policy.people.get(actor or "", ()))
    may_list = not svc.policy.enforce or bool(configured & {"lead", "director"})
    if svc.link_signer is not None and actor is not None and may_list:
        # the workspace-wide list page: for incident leads only when roles are enforced
        link, expires = svc.link_signer("*", actor)
    return ListView(items=tuple(items), now=svc.clock(), link=link, link_expires=expires)
