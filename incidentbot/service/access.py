"""Who may see and do what, and which incident a request is about: the one gate.

:func:`resolve` is the one place where a command, a button, a modal, an event, a web route, an
export, a register row or the App Home turns what the user gave (an ``INC-n``, or the channel it
was typed in) into an incident: every front end goes through :meth:`IncidentService.resolve`.

Two answers, never confused:

* **"not found"** to whoever may not *see* the incident: an outsider of a private incident, or
  a person excluded from it (``/incident exclude``). The sentence is the one an incident that
  does not exist gets (no title, no hint), so the answer says nothing about its existence.
* **a refusal** (one sentence, from the catalogue) to whoever sees it but lacks a role
  for the action (``[roles]`` in the configuration, :data:`incidentbot.config.DEFAULT_PERMISSIONS`).

Every refusal is also a timeline event naming the actor and the refused action, committed
although the action is not: a refusal raised inside a use case's transaction is recorded in its
own transaction after that one is rolled back (:func:`audited`). A refusal of someone who may
not see the incident is an ``access_refused`` event in that incident's timeline: only the
incident's members (and the data-protection officer) can read that timeline, so the outsider
learns nothing from it, and the members learn who tried.

Who sees a private incident (its *members*): the declarer, the lead, every holder of a role in
it, people invited (``/incident invite``), the members of its private Slack channel, and the
campaign's data-protection officers (``[people]``); never an excluded person, whatever role the
configuration gives them. Invitations, exclusions, channel membership, privacy and revoked links
are timeline events, so this state is re-derived from the chain and exported with it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

from incidentbot.core.model import EventKind, Incident
from incidentbot.errors import IncidentbotError, NotFound, Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.service import timeline

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService
    from incidentbot.store import Store

REF = re.compile(r"INC-[0-9]+", re.IGNORECASE)

# roles the configuration may give that let a person hand out the roles of any incident
GRANTING_ROLES = frozenset({"lead", "director"})

# the timeline events that change who may see an incident, or which links still open it
ACCESS_KINDS = (
    EventKind.MEMBER_INVITED,
    EventKind.MEMBER_EXCLUDED,
    EventKind.CHANNEL_JOINED,
    EventKind.CHANNEL_LEFT,
    EventKind.LINKS_REVOKED,
)


@dataclass(frozen=True)
class Policy:
    """Who may do what: action -> roles, and person -> campaign-wide roles.

    ``enforce`` only says whether a ``[people]`` table was configured (the list page's link is
    then for configured leads and directors); the permissions always apply.
    """

    permissions: Mapping[str, tuple[str, ...]]
    people: Mapping[str, tuple[str, ...]]
    enforce: bool = False
    default_language: str = "en"
    default_timezone: str = "UTC"
    default_jurisdictions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Membership:
    """Who was let in or shut out of one incident, read back from its timeline."""

    invited: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    channel: frozenset[str] = frozenset()
    generation: int = 0


@dataclass(frozen=True)
class Audit:
    """A refusal still to be written to the incident's timeline."""

    ref: str
    actor: str
    action: str
    kind: EventKind
    text: str


def membership(store: Store, ref: str) -> Membership:
    """Invitations, exclusions, channel membership and link revocations of ``ref``, in order."""
    marks = ",".join("?" for _ in ACCESS_KINDS)
    rows = store.conn.execute(
        f"SELECT kind, data FROM timeline WHERE incident = ? AND kind IN ({marks}) ORDER BY seq",
        [ref, *(k.value for k in ACCESS_KINDS)],
    ).fetchall()
    invited: set[str] = set()
    excluded: set[str] = set()
    channel: set[str] = set()
    generation = 0
    for kind, raw in rows:
        data = json.loads(raw or "{}")
        user = str(data.get("user", ""))
        if kind == EventKind.MEMBER_INVITED:
            invited.add(user)
            excluded.discard(user)
        elif kind == EventKind.MEMBER_EXCLUDED:
            excluded.add(user)
            invited.discard(user)
        elif kind == EventKind.CHANNEL_JOINED:
            channel.add(user)
        elif kind == EventKind.CHANNEL_LEFT:
            channel.discard(user)
        elif kind == EventKind.LINKS_REVOKED:
            generation += 1
    return Membership(frozenset(invited), frozenset(excluded), frozenset(channel), generation)


def link_generation(store: Store, ref: str) -> int:
    """How many times the links of ``ref`` were revoked; a link carries the number it was
    signed with and stops opening once this moves on."""
    return membership(store, ref).generation


def members(incident: Incident, member_state: Membership) -> set[str]:
    """The people of an incident: declarer, lead, role holders, invited, channel members."""
    people = {incident.declared_by, *incident.roles.values(), *member_state.invited}
    people |= member_state.channel
    if incident.lead:
        people.add(incident.lead)
    return people - member_state.excluded


def may_see(svc: IncidentService, actor: str, incident: Incident) -> bool:
    """Whether ``actor`` may know this incident exists (see the module docstring)."""
    state = membership(svc.store, incident.ref)
    if actor in state.excluded:
        return False
    if not incident.private:
        return True
    if "dpo" in svc.policy.people.get(actor, ()):
        return True
    return actor in members(incident, state)


def not_found(ref: str) -> NotFound:
    """The one answer for an incident that does not exist or that the asker may not see."""
    return NotFound(Message("access.not_found", ref=ref.upper()))


def which_incident() -> UsageError:
    return UsageError(Message("access.which_incident"))


def resolve(
    svc: IncidentService, ref_or_channel: str | None, *, actor: str, action: str
) -> Incident:
    """The incident ``actor`` wants to ``action``: named by its ``INC-n``, or by the Slack
    channel (or the shell's current incident) the request came from; "not found" when it does
    not exist or ``actor`` may not see it."""
    target = (ref_or_channel or "").strip()
    by_channel = bool(target) and not REF.fullmatch(target)
    incident = svc.store.incident_by_channel(target) if by_channel else None
    if not target or (by_channel and incident is None):
        raise which_incident()
    if incident is None:
        incident = svc.store.incident(target.upper())
        if incident is None:
            raise not_found(target)
    if not may_see(svc, actor, incident):
        error: IncidentbotError = which_incident() if by_channel else not_found(incident.ref)
        text = Message("access.refused_unseen", actor=actor, action=action).render("en")
        refuse(svc, error, Audit(incident.ref, actor, action, EventKind.ACCESS_REFUSED, text))
    return incident


def roles_of(svc: IncidentService, actor: str, incident: Incident | None) -> set[str]:
    """The configured roles of ``actor`` and those they hold in ``incident``."""
    roles = set(svc.policy.people.get(actor, ()))
    if incident is not None:
        roles |= {role for role, who in incident.roles.items() if who == actor}
        if incident.lead == actor:
            roles.add("lead")
        if not svc.policy.people and incident.declared_by == actor:
            # no [people] table: whoever declared holds a lead's rights (and hands out roles)
            roles.add("lead")
    return roles


def check(svc: IncidentService, action: str, actor: str, incident: Incident) -> None:
    """Refuse (and record the refusal) unless ``actor`` holds a role allowed to ``action``."""
    allowed = svc.policy.permissions.get(action, ())
    held = roles_of(svc, actor, incident)
    if held & set(allowed):
        return
    message = Message(
        "access.refused_role",
        action=Message(f"access.action.{action}"),
        allowed=either(allowed),
        ref=incident.ref,
        held=", ".join(sorted(held)) or "member",
    )
    deny(svc, incident, actor, action, message, allowed=allowed)


def either(roles: tuple[str, ...]) -> Message | str:
    """``lead or dpo`` (``lead ou dpo``): the roles a refusal names."""
    if not roles:
        return "—"
    worded: Message | str = roles[0]
    for role in roles[1:]:
        worded = Message("access.or", first=worded, second=role)
    return worded


def check_grant(
    svc: IncidentService, actor: str, incident: Incident, *, role: str, user: str
) -> None:
    """A role of an incident is given by its lead or by a configured lead or director
    (``assign_role``), to someone who is not shut out of it; nobody raises their own rights."""
    check(svc, "assign_role", actor, incident)
    configured = set(svc.policy.people.get(actor, ()))
    if (
        user == actor
        and role not in roles_of(svc, actor, incident)
        and not (configured & GRANTING_ROLES)
    ):
        deny(svc, incident, actor, "assign_role", Message("access.self_grant", role=role))
    if user in membership(svc.store, incident.ref).excluded:
        deny(svc, incident, actor, "assign_role", Message("access.grant_excluded", user=user))


def deny(
    svc: IncidentService,
    incident: Incident,
    actor: str,
    action: str,
    message: Message,
    *,
    allowed: tuple[str, ...] = (),
) -> None:
    """Raise the refusal ``message``; it is recorded in the timeline even if the use case's
    transaction rolls back."""
    text = message.render("en")
    audit = Audit(incident.ref, actor, action, EventKind.REFUSED, text)
    refuse(svc, Refused(message), audit, allowed=allowed)


def refuse(
    svc: IncidentService,
    error: IncidentbotError,
    audit: Audit,
    *,
    allowed: tuple[str, ...] = (),
) -> None:
    error.audit = audit  # type: ignore[attr-defined]
    error.allowed = allowed  # type: ignore[attr-defined]
    record_refusal(svc, error)
    raise error


def record_refusal(svc: IncidentService, error: BaseException) -> None:
    """Write the refusal ``error`` carries, once, when no transaction is open any more (the
    one that raised it has rolled back by then)."""
    audit: Audit | None = getattr(error, "audit", None)
    if audit is None or svc.store.conn.in_transaction:
        return
    with svc.store.transaction():
        timeline.record(
            svc.store,
            audit.ref,
            audit.kind,
            audit.text,
            actor=audit.actor,
            at=svc.clock(),
            data={"action": audit.action, "allowed": list(getattr(error, "allowed", ()))},
        )
    error.audit = None  # type: ignore[attr-defined]


P = ParamSpec("P")
R = TypeVar("R")


def audited(use_case: Callable[P, R]) -> Callable[P, R]:
    """A use case whose refusals reach the timeline even when its transaction rolls back."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(*args, **kwargs)
        except IncidentbotError as error:
            record_refusal(cast("IncidentService", args[0]), error)
            raise

    return run
