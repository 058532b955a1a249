"""Who may do what, and which incident a request is about.

:func:`resolve` is the one place where a command, a button or a web route turns what the user
gave (an ``INC-n``, or the channel it was typed in) into an incident: every front end goes
through :meth:`IncidentService.resolve`, so an access rule written there holds everywhere.
:func:`check` enforces the ``[roles]`` permissions and records each refusal in the timeline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from incidentbot.core.model import EventKind, Incident
from incidentbot.errors import Refused, UsageError
from incidentbot.service import timeline

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

REF = re.compile(r"INC-[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class Policy:
    """Who may do what: action -> roles, and person -> campaign-wide roles."""

    permissions: Mapping[str, tuple[str, ...]]
    people: Mapping[str, tuple[str, ...]]
    enforce: bool = False
    default_language: str = "en"
    default_timezone: str = "UTC"
    default_jurisdictions: tuple[str, ...] = ()


def resolve(
    svc: IncidentService, ref_or_channel: str | None, *, actor: str, action: str
) -> Incident:
    """The incident ``actor`` wants to ``action``: named by its ``INC-n``, or by the Slack
    channel (or the shell's current incident) the request came from."""
    target = (ref_or_channel or "").strip()
    if target and not REF.fullmatch(target):
        found = svc.store.incident_by_channel(target)
        target = found.ref if found is not None else ""
    if not target:
        raise UsageError(
            "Which incident? Run this in the incident's channel or put its reference "
            "first: /incident INC-1 status",
            message_fr="Quel incident ? Lancez la commande dans le canal de l'incident ou "
            "mettez sa référence en premier : /incident INC-1 etat",
        )
    return svc.incident(target)


def roles_of(svc: IncidentService, actor: str, incident: Incident | None) -> set[str]:
    roles = set(svc.policy.people.get(actor, ()))
    if incident is not None:
        roles |= {role for role, who in incident.roles.items() if who == actor}
        if incident.lead == actor:
            roles.add("lead")
    return roles


def check(svc: IncidentService, action: str, actor: str, incident: Incident | None) -> None:
    """Refuse (and record the refusal) when roles are enforced and the actor lacks one."""
    if not svc.policy.enforce:
        return
    allowed = svc.policy.permissions.get(action, ())
    if roles_of(svc, actor, incident) & set(allowed):
        return
    message = (
        f"Only {' or '.join(allowed) or 'nobody'} may {action.replace('_', ' ')}"
        f"{' in ' + incident.ref if incident else ''}; you are "
        f"{', '.join(sorted(roles_of(svc, actor, incident))) or 'a member'}."
    )
    if incident is not None:
        with svc.store.transaction():
            timeline.record(
                svc.store,
                incident,
                EventKind.REFUSED,
                message,
                actor=actor,
                at=svc.clock(),
                data={"action": action, "allowed": list(allowed)},
            )
    raise Refused(
        message, message_fr=f"Action refusée ({action}) : rôle requis {' ou '.join(allowed)}."
    )


def may_see(actor: str, incident: Incident) -> bool:
    """A private incident is visible only to its people (lead, role holders, declarer)."""
    return actor in {incident.lead, incident.declared_by, *incident.roles.values()}
