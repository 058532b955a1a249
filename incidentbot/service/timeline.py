"""The one writer of timeline events.

Every state change of an incident is recorded here, inside the caller's store transaction, so
the change and its event commit together or not at all. Nothing else in the package inserts
into the ``timeline`` table (``tests/test_architecture.py`` greps for it): the chain's hashing
is the store's (:meth:`incidentbot.store.Store.append_event`), what is recorded is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from incidentbot.core.model import EventKind, Incident, TimelineEvent
from incidentbot.store import Store


def record(
    store: Store,
    incident: Incident | str,
    kind: EventKind,
    text: str,
    *,
    actor: str,
    at: datetime,
    phase: str | None = None,
    link: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> TimelineEvent:
    """Append one event of ``kind`` to the incident's chain (in the caller's transaction)."""
    ref = incident if isinstance(incident, str) else incident.ref
    return store.append_event(
        ref,
        at=at,
        actor=actor,
        kind=EventKind(kind).value,
        text=text,
        data=data,
        phase=phase,
        link=link,
    )
