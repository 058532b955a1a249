"""Who is let in, who is shut out: invite, exclude, make private, revoke links, and the
members of an incident's private Slack channel.

Each change is a timeline event (:mod:`.timeline`); :func:`.access.membership` reads them back,
so the chain holds who could see the incident and since when.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from incidentbot.core.model import EventKind, IncidentStatus
from incidentbot.errors import Refused
from incidentbot.i18n import Message
from incidentbot.service import access
from incidentbot.views import Ack

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService


def invite(svc: IncidentService, ref: str, user: str, *, actor: str) -> Ack:
    """``/incident invite @user``: ``user`` becomes a member of the (private) incident."""
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="invite")
        svc.ensure_open(incident)
        svc.check("invite", actor, incident)
        state = access.membership(svc.store, incident.ref)
        if user in state.excluded:
            # lifting an exclusion is the lead's alone: the insider case depends on it
            svc.check("public", actor, incident)
        svc.record(incident, EventKind.MEMBER_INVITED, user, actor, data={"user": user})
    svc.changed(incident.ref, "members")
    return Ack("access.invited", {"user": user, "ref": incident.ref}, incident=incident)


def exclude(svc: IncidentService, ref: str, user: str, *, actor: str) -> Ack:
    """``/incident exclude @user``: ``user`` is refused everything about the incident."""
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="exclude")
        svc.check("exclude", actor, incident)
        if user == actor or user == incident.lead:
            access.deny(svc, incident, actor, "exclude", Message("access.exclude_lead"))
        svc.record(incident, EventKind.MEMBER_EXCLUDED, user, actor, data={"user": user})
    svc.changed(incident.ref, "members")
    return Ack("access.excluded", {"user": user, "ref": incident.ref}, incident=incident)


def set_private(svc: IncidentService, ref: str, private: bool, *, actor: str) -> Ack:
    """``/incident private``: members only from now on; back to public needs the lead."""
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="private" if private else "public")
        svc.ensure_open(incident)
        svc.check("private" if private else "public", actor, incident)
        if incident.private == private:
            key = "access.already_private" if private else "access.already_public"
            raise Refused(Message(key, ref=incident.ref))
        updated = replace(incident, private=private)
        svc.store.save_incident(updated)
        svc.record(
            incident, EventKind.PRIVACY_SET, "private" if private else "public", actor,
            data={"private": private},
        )  # fmt: skip
    svc.changed(incident.ref, "privacy")
    key = "access.made_private" if private else "access.made_public"
    return Ack(key, {"ref": incident.ref}, incident=updated)


def revoke_links(svc: IncidentService, ref: str, *, actor: str) -> Ack:
    """``/incident links revoke``: every signed link to the incident stops opening."""
    with svc.store.transaction():
        incident = svc.resolve(ref, actor=actor, action="links_revoke")
        svc.check("links_revoke", actor, incident)
        generation = access.link_generation(svc.store, incident.ref) + 1
        svc.record(
            incident, EventKind.LINKS_REVOKED, str(generation), actor,
            data={"generation": generation},
        )  # fmt: skip
    return Ack("access.links_revoked", {"ref": incident.ref}, incident=incident)


def channel_member(
    svc: IncidentService, channel: str, user: str, *, joined: bool, via: str | None = None
) -> None:
    """Slack said ``user`` joined or left ``channel`` (an event, or ``via`` the member list):
    if it is an incident's channel and this changes who is in it, a timeline event says so (a
    repeated event records nothing)."""
    with svc.store.transaction():
        incident = svc.store.incident_by_channel(channel)
        if incident is None:
            return
        state = access.membership(svc.store, incident.ref)
        if (user in state.channel) == joined:
            return
        kind = EventKind.CHANNEL_JOINED if joined else EventKind.CHANNEL_LEFT
        data = {"user": user, "channel": channel, **({"via": via} if via else {})}
        svc.record(incident, kind, user, user, data=data)


def channel_checks(svc: IncidentService, user: str) -> list[tuple[str, bool]]:
    """The private channels whose membership alone decides whether ``user`` sees an open
    incident, each with whether its timeline has ``user`` in it: what the Slack front end checks
    with ``conversations.members`` when join and leave events may have been missed."""
    if "dpo" in svc.policy.people.get(user, ()):
        return []  # sees every incident anyway
    found: list[tuple[str, bool]] = []
    for incident in svc.store.incidents(status=IncidentStatus.OPEN):
        if not incident.private or not incident.channel:
            continue
        state = access.membership(svc.store, incident.ref)
        if user in state.excluded:
            continue  # an excluded person stays out, channel or not
        if user in access.members(incident, replace(state, channel=frozenset())):
            continue
        found.append((incident.channel, user in state.channel))
    return found
