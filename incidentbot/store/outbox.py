"""The outbox: Slack calls waiting to be delivered, kept in SQLite so a restart loses nothing.

A row is written in the same transaction as the change it reports (when the caller holds one),
and delivered later by :mod:`incidentbot.scheduler`. Rules the queries below implement:

* **Idempotent by key.** ``enqueue`` ignores a key it already holds, so a retried request or a
  replayed change never queues a second message.
* **In order per lane.** A lane is the incident (every call about one incident, whose channel is
  its own), else the channel, else the row itself; a reply through a ``response_url`` has the
  URL as its lane, so it never waits behind a Web API call. Only the oldest pending row of a
  lane is ever due: a failed ``conversations.create`` holds back the card that would be posted
  into it, and nothing else.
* **Dead letters are not pending.** A row that retrying cannot deliver (a refused argument, a
  channel that no longer exists, a row the sender cannot read, too many failures) is marked
  ``dead_at`` with ``last_error`` (``next_try_at`` NULL): it stays for the record, no longer
  holds its lane, and ``incidentbot outbox`` lists it to be retried or dropped.

Functions take the :class:`~incidentbot.store.Store` and run on its thread (the service's
worker thread in async front ends).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from incidentbot.store import Store, from_text, to_text

_LANE = (
    "CASE WHEN {t}.method = 'response_url' THEN 'url:' || json_extract({t}.payload, '$.url') "
    "ELSE COALESCE({t}.incident, {t}.channel, {t}.key) END"
)
_PENDING = "{t}.delivered_at IS NULL AND {t}.next_try_at IS NOT NULL"
_HEAD = (
    f"AND NOT EXISTS (SELECT 1 FROM outbox p WHERE {_PENDING.format(t='p')} "
    f"AND {_LANE.format(t='p')} = {_LANE.format(t='o')} AND p.id < o.id)"
)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    incident: str | None
    channel: str | None
    method: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    next_try_at: datetime | None

    @property
    def lane(self) -> str:
        """The row's lane, as ``_LANE`` computes it in SQL."""
        if self.method == "response_url":
            return f"url:{self.payload.get('url')}"
        return self.incident or self.channel or self.key


def enqueue(
    store: Store,
    *,
    key: str,
    incident: str | None,
    channel: str | None,
    method: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue one call (joining the caller's transaction if any); False if ``key`` was queued."""
    with store.transaction(durable=False):
        cur = store.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, incident, channel, method, payload, created_at, "
            "attempts, next_try_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            [
                key,
                incident,
                channel,
                method,
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                to_text(now),
                to_text(now),
            ],
        )
        return cur.rowcount == 1


def due(
    store: Store, now: datetime, limit: int = 50, *, busy: Iterable[str] = ()
) -> list[OutboxItem]:
    """The head of each lane whose time has come, oldest first, leaving out ``busy`` lanes
    (those whose head is being delivered right now)."""
    sql = (
        "SELECT o.* FROM outbox o "
        f"WHERE {_PENDING.format(t='o')} AND o.next_try_at <= ? {_HEAD} ORDER BY o.id"
    )
    cur = store.conn.execute(sql, [to_text(now)])
    names = [c[0] for c in cur.description]
    skip, found = set(busy), []
    for row in cur:
        item = _item(dict(zip(names, row, strict=True)))
        if item.lane in skip:
            continue
        found.append(item)
        if len(found) >= limit:
            break
    return found


def next_try(store: Store) -> datetime | None:
    """When the earliest lane head becomes due (None when nothing is pending)."""
    row = store.conn.execute(
        f"SELECT MIN(o.next_try_at) FROM outbox o WHERE {_PENDING.format(t='o')} {_HEAD}"
    ).fetchone()
    return from_text(row[0]) if row and row[0] else None


def pending(store: Store) -> int:
    row = store.conn.execute(f"SELECT COUNT(*) FROM outbox o WHERE {_PENDING.format(t='o')}")
    return int(row.fetchone()[0])


def mark_delivered(
    store: Store, item_id: int, *, now: datetime, result: dict[str, Any] | None = None
) -> None:
    with store.transaction(durable=False):
        store.conn.execute(
            "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, result = ?, "
            "last_error = NULL WHERE id = ?",
            [to_text(now), json.dumps(result or {}, ensure_ascii=False), item_id],
        )


def mark_failed(
    store: Store,
    item_id: int,
    *,
    next_try_at: datetime | None,
    error: str,
    count: bool = True,
    now: datetime | None = None,
) -> None:
    """Record a failed try; ``next_try_at=None`` makes the row a dead letter (at ``now``).

    ``count=False`` leaves ``attempts`` alone: a 429 is Slack asking to wait, not a failure.
    """
    dead = to_text(now or datetime.now(UTC)) if next_try_at is None else None
    with store.transaction(durable=False):
        store.conn.execute(
            "UPDATE outbox SET attempts = attempts + ?, next_try_at = ?, last_error = ?, "
            "dead_at = ? WHERE id = ?",
            [1 if count else 0, to_text(next_try_at), error[:500], dead, item_id],
        )


def dead(store: Store) -> list[dict[str, Any]]:
    """The dead letters an operator has not dropped, oldest first."""
    cur = store.conn.execute(
        "SELECT id, key, incident, channel, method, attempts, created_at, dead_at, last_error "
        "FROM outbox WHERE dead_at IS NOT NULL AND dropped_at IS NULL "
        "AND delivered_at IS NULL ORDER BY id"
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def revive(store: Store, ids: Iterable[int], *, now: datetime) -> int:
    """Put dead letters back in their lanes, due now, with their tries counted from zero."""
    with store.transaction(durable=False):
        return sum(
            store.conn.execute(
                "UPDATE outbox SET dead_at = NULL, next_try_at = ?, attempts = 0 "
                "WHERE id = ? AND dead_at IS NOT NULL AND dropped_at IS NULL "
                "AND delivered_at IS NULL",
                [to_text(now), i],
            ).rowcount
            for i in ids
        )


def drop(store: Store, ids: Iterable[int], *, now: datetime) -> int:
    """Give dead letters up for good (they stay in the table, marked ``dropped_at``)."""
    with store.transaction(durable=False):
        return sum(
            store.conn.execute(
                "UPDATE outbox SET dropped_at = ? WHERE id = ? AND dead_at IS NOT NULL "
                "AND dropped_at IS NULL AND delivered_at IS NULL",
                [to_text(now), i],
            ).rowcount
            for i in ids
        )


def waiting_for_channel(store: Store, incident: str) -> bool:
    """True while a ``incident.channel`` row of ``incident`` may still create its channel."""
    row = store.conn.execute(
        f"SELECT 1 FROM outbox o WHERE {_PENDING.format(t='o')} AND o.incident = ? "
        "AND o.method = 'incident.channel' LIMIT 1",
        [incident],
    ).fetchone()
    return row is not None


def superseded(store: Store, item: OutboxItem) -> bool:
    """True when a later pending row of the same incident does the same task (a card update
    that the next one makes redundant)."""
    row = store.conn.execute(
        f"SELECT 1 FROM outbox o WHERE {_PENDING.format(t='o')} AND o.incident = ? "
        "AND o.method = ? AND o.id > ? LIMIT 1",
        [item.incident, item.method, item.id],
    ).fetchone()
    return row is not None


def item(store: Store, key: str) -> OutboxItem | None:
    cur = store.conn.execute("SELECT * FROM outbox WHERE key = ?", [key])
    row = cur.fetchone()
    if row is None:
        return None
    return _item(dict(zip([c[0] for c in cur.description], row, strict=True)))


def rows(store: Store, incident: str | None = None) -> list[dict[str, Any]]:
    """Every row (of one incident), for exports, tests and the operator."""
    where, params = ("WHERE incident = ?", [incident]) if incident else ("", [])
    cur = store.conn.execute(f"SELECT * FROM outbox {where} ORDER BY id", params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


# -- what delivered calls left behind (the card's ts, the topic last set) ------------------


def remember(store: Store, key: str, value: Any) -> None:
    """Keep a small fact about delivered messages (``card:INC-1`` -> its channel and ts)."""
    with store.transaction(durable=False):
        store.conn.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


def recall(store: Store, key: str) -> Any:
    row = store.conn.execute("SELECT value FROM kv WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else None


def _item(row: dict[str, Any]) -> OutboxItem:
    created = from_text(row["created_at"])
    assert created is not None
    return OutboxItem(
        id=int(row["id"]),
        key=row["key"],
        incident=row["incident"],
        channel=row["channel"],
        method=row["method"],
        payload=json.loads(row["payload"] or "{}"),
        attempts=int(row["attempts"] or 0),
        created_at=created,
        next_try_at=from_text(row["next_try_at"]),
    )
