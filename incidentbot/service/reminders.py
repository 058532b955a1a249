"""Reminders: before each regulator's deadline and for steps past their due time.

Points come from the configuration (default 24 h, 6 h, 1 h before, and at the deadline). Each
(item, point) fires at most once: the row in ``reminders`` is claimed in the same transaction as
its timeline event, so a restart or two schedulers never send it twice. An item that is done
(the regulator notified, the step completed) goes quiet. When the bot was down across several
points, only the latest passed point is sent, once, marked late; the earlier ones are recorded
as missed. A snooze keeps an item quiet until a time and records who snoozed it. The text is
worded in the incident's language (``language`` of the incident, as its drafts and card are).

Everything takes ``now`` as an argument; nothing here sleeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dateutil.parser import isoparse

from incidentbot.core.model import EventKind, IncidentStatus
from incidentbot.core.playbook import parse_duration
from incidentbot.i18n import Message, lang_or_default, t
from incidentbot.store import to_text

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

LATE_AFTER = timedelta(minutes=15)
"""A reminder sent more than this after its point is marked late (the bot was down)."""


@dataclass(frozen=True)
class Reminder:
    incident: str
    item: str  # "clock:fr", "clock:qc:persons", "step:notify-regulator"
    point: str  # "24h", "6h", "1h", "0h" (at the deadline) or "overdue"
    due_at: datetime  # the deadline the reminder is about
    fire_at: datetime  # when this point was due
    late: bool
    owner: str | None  # who should hear about it (assignee or role holder), if known
    channel: str | None
    text: str  # in the incident's language


def points(config: Sequence[str]) -> list[tuple[str, timedelta]]:
    """``["24h", "6h", "1h", "0h"]`` -> [(label, offset before the deadline)], latest last."""
    parsed = []
    for label in config:
        offset = timedelta(0) if label.strip() in ("0", "0h", "0m") else parse_duration(label)
        parsed.append((label, offset))
    return sorted(parsed, key=lambda p: -p[1])


def _sent(service: IncidentService, ref: str) -> tuple[set[tuple[str, str]], dict[str, datetime]]:
    rows = service.store.rows("reminders", "incident = ?", [ref])
    sent = {(r["item"], r["point"]) for r in rows if not r["point"].startswith("snooze")}
    snoozed: dict[str, datetime] = {}
    for r in rows:
        if r["snoozed_until"]:
            until = isoparse(r["snoozed_until"])
            snoozed[r["item"]] = max(until, snoozed.get(r["item"], until))
    return sent, snoozed


def due(
    service: IncidentService, now: datetime, *, config: Sequence[str] = ("24h", "6h", "1h", "0h")
) -> list[Reminder]:
    """Reminders whose point has passed and that were never sent (nor snoozed past now)."""
    out: list[Reminder] = []
    offsets = points(config)
    for incident in service.store.incidents(status=IncidentStatus.OPEN):
        sent, snoozed = _sent(service, incident.ref)
        candidates: list[tuple[str, datetime, str | None, Message]] = []
        lang = lang_or_default(incident.language)
        for clock in service.clocks(incident):
            if clock.state not in ("running", "overdue") or clock.required is False:
                continue
            deadline = clock.due_at or clock.target_at
            if deadline is None:
                continue
            msgid = "reminders.clock" if clock.due_at else "reminders.target"
            if clock.audience == "persons":
                msgid += "_persons"
            label = Message(msgid, ref=incident.ref, authority=clock.authority)
            candidates.append((f"clock:{clock.key}", deadline, incident.roles.get("dpo"), label))
        for step in service.store.steps(incident.ref):
            # a step already overdue when the incident was declared shows as OVERDUE on the
            # card; reminding each one at once would only bury the declaration in messages
            if step.is_open and step.due_at is not None and step.due_at > incident.declared_at:
                owner = step.assignee or incident.roles.get(step.definition.owner.value)
                label = Message("reminders.step", ref=incident.ref, step=step.id)
                candidates.append((f"step:{step.id}", step.due_at, owner, label))
        for item, deadline, owner, label in candidates:
            if owner and not service.may_see(owner, incident):
                owner = None  # excluded since (or never let in): told nothing, not even this
            if snoozed.get(item) and snoozed[item] > now:
                continue
            if item.startswith("step:"):
                passed = [("overdue", deadline)] if now >= deadline else []
            else:
                passed = [(p, deadline - off) for p, off in offsets if now >= deadline - off]
            fresh = [(p, at) for p, at in passed if (item, p) not in sent]
            if not fresh:
                continue
            point, fire_at = fresh[-1]  # the latest passed point only
            # late: the point came while the incident existed but no reminder went out in time
            # (the bot was down); a point that passed before the declaration is not "late"
            late = fire_at > incident.declared_at and now - fire_at > LATE_AFTER
            if deadline > now:
                when = Message("reminders.due_in", label=label, left=_left(deadline - now, lang))
            else:
                when = Message(
                    "reminders.overdue_by", label=label, left=_left(now - deadline, lang)
                )
            text = when.render(lang) + (t("reminders.late", lang) if late else "")
            out.append(
                Reminder(
                    incident=incident.ref,
                    item=item,
                    point=point,
                    due_at=deadline,
                    fire_at=fire_at,
                    late=late,
                    owner=owner,
                    channel=incident.channel,
                    text=text,
                )
            )
    return out


def _left(delta: timedelta, lang: str) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 72:
        return f"{hours // 24} {'j' if lang == 'fr' else 'd'} {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def claim(
    service: IncidentService,
    reminder: Reminder,
    now: datetime,
    *,
    config: Sequence[str] = ("24h", "6h", "1h", "0h"),
) -> bool:
    """Record the reminder (and the earlier points it supersedes) with its timeline event.

    Returns False if another sender claimed it first: then it must not be sent again.
    """
    with service.store.transaction():
        conn = service.store.conn
        cur = conn.execute(
            "INSERT OR IGNORE INTO reminders (incident, item, point, due_at, sent_at, late) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                reminder.incident,
                reminder.item,
                reminder.point,
                to_text(reminder.due_at),
                to_text(now),
                int(reminder.late),
            ],
        )
        if cur.rowcount != 1:
            return False
        if reminder.item.startswith("clock:"):
            for label, offset in points(config):
                if reminder.due_at - offset < reminder.fire_at:
                    conn.execute(
                        "INSERT OR IGNORE INTO reminders (incident, item, point, due_at, sent_at, late) "
                        "VALUES (?, ?, ?, ?, NULL, 1)",
                        [reminder.incident, reminder.item, label, to_text(reminder.due_at)],
                    )
        incident = service.incident(reminder.incident)
        service.record(
            incident,
            EventKind.REMINDER,
            reminder.text,
            "incidentbot",
            data={
                "item": reminder.item,
                "point": reminder.point,
                "due_at": reminder.due_at.isoformat(),
                "late": reminder.late,
            },
        )
    return True


def snooze(service: IncidentService, ref: str, item: str, *, until: datetime, actor: str) -> None:
    """Keep ``item`` quiet until ``until``; the timeline records who snoozed it."""
    with service.store.transaction():
        # through the gate: whoever may not see the incident cannot silence its deadlines
        incident = service.resolve(ref, actor=actor, action="snooze")
        service.store.conn.execute(
            "INSERT OR REPLACE INTO reminders (incident, item, point, snoozed_until, snoozed_by) "
            "VALUES (?, ?, ?, ?, ?)",
            [incident.ref, item, f"snooze:{to_text(until)}", to_text(until), actor],
        )
        service.record(
            incident,
            EventKind.REMINDER_SNOOZED,
            t(
                "reminders.snoozed",
                lang_or_default(incident.language),
                item=item,
                until=until.isoformat(),
            ),
            actor,
            data={"item": item, "until": until.isoformat()},
        )
