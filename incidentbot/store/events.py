"""The chained timeline in the store: appending an event (inside the caller's transaction)
and reading, counting and verifying an incident's chain (``store/chain.py`` says how an event
is hashed, ``store/audit.py`` how the other tables are checked against it)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from incidentbot.core.model import TimelineEvent
from incidentbot.errors import StoreError
from incidentbot.i18n import Message
from incidentbot.store import chain
from incidentbot.store.rows import _json, clean, event_from_row, to_text

if TYPE_CHECKING:
    from incidentbot.store import Store


class EventLog:
    """The timeline part of :class:`incidentbot.store.Store` (which opens the connection and
    holds the transaction)."""

    conn: sqlite3.Connection
    path: Path
    _sync_full: bool
    _require_tx: Callable[[], None]

    def append_event(
        self,
        ref: str,
        *,
        at: datetime,
        actor: str,
        kind: str,
        text: str,
        data: Mapping[str, Any] | None = None,
        phase: str | None = None,
        link: str | None = None,
    ) -> TimelineEvent:
        """Append one event to the incident's chain (inside the caller's transaction)."""
        self._require_tx()
        if not self._sync_full:
            raise RuntimeError("a timeline event in a transaction(durable=False)")
        head = self.conn.execute(
            "SELECT head_seq, head_hash FROM incidents WHERE ref = ?", [ref]
        ).fetchone()
        if head is None:
            raise StoreError(Message("access.not_found", ref=ref))
        seq = (head[0] or 0) + 1
        prev = head[1] or chain.GENESIS
        row = {
            "incident": ref,
            "seq": seq,
            "at": to_text(at),
            "actor": clean(actor),
            "kind": kind,
            "phase": phase,
            "text": clean(text),
            "data": chain.portable(json.loads(_json(dict(data or {})))),
            "link": link,
            "form": chain.CURRENT,
        }
        digest = chain.link(prev, row)
        self.conn.execute(
            "INSERT INTO timeline (incident, seq, at, actor, kind, phase, text, data, link, "
            "prev_hash, hash, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ref,
                seq,
                row["at"],
                row["actor"],
                kind,
                phase,
                row["text"],
                _json(row["data"]),
                link,
                prev,
                digest,
                chain.CURRENT,
            ],
        )
        self.conn.execute(
            "UPDATE incidents SET head_seq = ?, head_hash = ? WHERE ref = ?", [seq, digest, ref]
        )
        return TimelineEvent(
            incident=ref,
            seq=seq,
            at=at,
            actor=row["actor"],
            kind=kind,
            text=row["text"],
            data=row["data"],
            prev_hash=prev,
            hash=digest,
            phase=phase,
            link=link,
            form=chain.CURRENT,
        )

    def events(self, ref: str, *, last: int | None = None) -> list[TimelineEvent]:
        """The incident's events in order; ``last`` keeps only the most recent ones."""
        if last is not None:
            rows = self.conn.execute(
                "SELECT * FROM (SELECT * FROM timeline WHERE incident = ? ORDER BY seq DESC "
                "LIMIT ?) ORDER BY seq",
                [ref, last],
            )
        else:
            rows = self.conn.execute(
                "SELECT * FROM timeline WHERE incident = ? ORDER BY seq", [ref]
            )
        names = [c[0] for c in rows.description]
        return [event_from_row(dict(zip(names, r, strict=True))) for r in rows]

    def count_events(self, ref: str) -> int:
        return int(
            self.conn.execute("SELECT COUNT(*) FROM timeline WHERE incident = ?", [ref]).fetchone()[
                0
            ]
        )

    def integrity(self) -> list[Message]:
        """SQLite's own check of every page and index (``PRAGMA integrity_check``)."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            rows = [str(exc)]
        if rows == ["ok"]:
            return []
        shown: str | Message = "; ".join(rows[:3])
        if len(rows) > 3:
            shown = Message("store.integrity_more", count=len(rows) - 3, shown=shown)
        return [Message("store.integrity", path=self.path, shown=shown)]

    def verify(self) -> list[Message]:
        """Check the file, every incident's chain and every table against its chain.

        One problem per incident, each naming the incident and the first bad event or row,
        worded by the caller in its reader's language (``str()`` is English).
        """
        problems = self.integrity()
        if problems:
            return problems
        for (ref,) in self.conn.execute("SELECT ref FROM incidents ORDER BY num").fetchall():
            problem = self.verify_incident(ref)
            if problem:
                problems.append(problem)
        return problems

    def verify_incident(self, ref: str) -> Message | None:
        """The first problem of one incident: its chain, then its tables against the chain."""
        from incidentbot.store import audit

        row = self.conn.execute(
            "SELECT head_seq, head_hash FROM incidents WHERE ref = ?", [ref]
        ).fetchone()
        if row is None:
            return None
        problem = chain.walk(ref, self._event_rows(ref), row[0] or 0, row[1] or "")
        if problem:
            return problem
        found = audit.audit(cast("Store", self), ref)
        return found[0] if found else None

    def _event_rows(self, ref: str) -> Iterator[dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM timeline WHERE incident = ? ORDER BY seq", [ref])
        names = [c[0] for c in cur.description]
        for values in cur:
            yield dict(zip(names, values, strict=True))

    def head(self, ref: str) -> tuple[int, str]:
        row = self.conn.execute(
            "SELECT head_seq, head_hash FROM incidents WHERE ref = ?", [ref]
        ).fetchone()
        return (row[0] or 0, row[1] or "") if row else (0, "")
