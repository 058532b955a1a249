"""SQLite storage through sqlite-utils: incidents, steps, the chained timeline, drafts, outbox.

Durability choices (justified here because the record is evidence):

* ``journal_mode=WAL``: readers (the web page, exports) never block the writer.
* ``synchronous``: a transaction commits with ``FULL`` (in WAL mode the WAL is fsynced at
  commit), so an acknowledged change and its timeline event survive ``kill -9`` *and* a power
  cut. Bookkeeping that records nothing of the incident (the outbox's delivery state, seen
  Slack event ids) commits with ``NORMAL`` (``transaction(durable=False)``): in WAL mode that
  still survives a process crash, the next FULL commit syncs it too, and a power cut can at
  worst re-send one Slack message. This keeps one fsync per recorded change and none on the
  path of a read-only ``/incident status`` (``bench/ack.py``). SQLite cannot change the level
  inside a transaction, so it is chosen before ``BEGIN``.
* Every write goes through :meth:`Store.transaction` (``BEGIN IMMEDIATE``), so a state change
  and its timeline event commit together or not at all.

The database is marked with ``PRAGMA application_id`` so that a foreign SQLite file is refused
instead of being migrated, and it is created with owner-only permissions.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from incidentbot.core.model import (
    Incident,
    IncidentStatus,
    Step,
)
from incidentbot.errors import StoreError
from incidentbot.i18n import Message
from incidentbot.store.events import EventLog
from incidentbot.store.migrations import MIGRATION_SET, migrations
from incidentbot.store.rows import (
    _json,
    clean,
    from_text,
    incident_from_row,
    step_def_from_json,
    step_def_to_json,
    step_from_row,
    to_text,
)

log = logging.getLogger(__name__)

APPLICATION_ID = 0x494E4342  # "INCB"


def _writable(path: Path) -> bool:
    """Whether this process may write the file and create its -wal/-shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def damaged(path: Path, exc: BaseException) -> StoreError:
    """The one sentence for a database SQLite cannot read or write as it is."""
    said = str(exc) or type(exc).__name__
    if "readonly" in said or "read-only" in said:
        return StoreError(Message("store.read_only", path=path, said=said))
    if "locked" in said or "busy" in said:
        return StoreError(Message("store.locked", path=path, said=said))
    return StoreError(Message("store.damaged", path=path, said=said))


class Store(EventLog):
    """One SQLite database. Not thread-safe by itself: async front ends reach it through one
    worker thread (:class:`incidentbot.store.worker.StoreWorker`); the shell uses it directly.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        check_same_thread: bool = False,
        create: bool = True,
    ):
        """Open (and, with ``create``, make or migrate) the database at ``path``.

        ``create=False`` is for the commands that only read (``verify``, ``export``,
        ``register``): a path with no database is refused instead of creating an empty one
        that would then "verify", and a file the process cannot write (read-only, immutable,
        on read-only media) is opened read-only. Every way the file can be damaged or foreign
        ends in one :class:`StoreError` sentence.
        """
        self.path = Path(path)
        self._depth = 0
        self._lock = threading.RLock()
        self.read_only = False
        try:
            self._open(create=create, check_same_thread=check_same_thread)
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise damaged(self.path, exc) from exc
        except OSError as exc:
            raise StoreError(
                Message("store.cannot_open", path=self.path, error=str(exc.strerror or exc))
            ) from exc

    def _open(self, *, create: bool, check_same_thread: bool) -> None:
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        if is_new and not create:
            raise StoreError(Message("store.missing", path=self.path))
        if self.path.is_dir():
            raise StoreError(Message("store.folder", path=self.path))
        if is_new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # owner-only permissions from the first byte (issue: secrets at rest)
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self.read_only = not create and not _writable(self.path)
        if self.read_only:
            # a read-only copy (chmod, chattr +i, read-only media): read it as it is
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=check_same_thread
            )
        else:
            conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=check_same_thread
            )
        self.conn = conn
        conn.execute("PRAGMA busy_timeout = 10000")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        self.db = Database(conn)
        tables = set(self.db.table_names())
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            conn.close()
            raise StoreError(Message("store.foreign", path=self.path))
        if app_id == 0 and not create:
            conn.close()
            raise StoreError(Message("store.empty", path=self.path))
        self._sync_full = True
        if self.read_only:
            self._check_not_newer()
            pending = [m.name for m in migrations.pending(self.db)]
            if pending:
                conn.close()
                raise StoreError(
                    Message("store.read_only_older", path=self.path, migration=pending[0])
                )
            return
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        self._check_not_newer()
        if app_id == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        migrations.apply(self.db)
        conn.execute(f"PRAGMA user_version = {len(migrations._migrations)}")

    def _check_not_newer(self) -> None:
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = sorted(applied - known)
        if unknown:
            self.conn.close()
            raise StoreError(Message("store.newer", path=self.path, schema=unknown[-1]))

    @staticmethod
    def schema_version() -> str:
        return f"{MIGRATION_SET}:{migrations._migrations[-1].name}"

    def close(self) -> None:
        self.conn.close()

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Store]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; nested calls join the outer transaction.

        ``durable=False`` is for bookkeeping only (see the module docstring); the timeline
        refuses to be written in such a transaction.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            if durable != self._sync_full:
                self.conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
                self._sync_full = durable
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    def _require_tx(self) -> None:
        if not self._depth:
            raise RuntimeError("a write outside Store.transaction()")

    # -- incidents ----------------------------------------------------------------------

    def next_number(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(num), 0) + 1 FROM incidents").fetchone()
        return int(row[0])

    def insert_incident(self, incident: Incident) -> None:
        self._require_tx()
        num = int(incident.ref.split("-")[1])
        self.db.table("incidents").insert(
            {
                "ref": incident.ref,
                "num": num,
                **self._incident_columns(incident),
                "head_seq": 0,
                "head_hash": "",
            }
        )

    def _incident_columns(self, incident: Incident) -> dict[str, Any]:
        return {
            "title": clean(incident.title),
            "playbook": incident.playbook,
            "status": incident.status.value,
            "severity": incident.severity.value if incident.severity else None,
            "channel": incident.channel,
            "lead": incident.lead,
            "declared_by": incident.declared_by,
            "declared_at": to_text(incident.declared_at),
            "detected_at": to_text(incident.detected_at),
            "aware_at": to_text(incident.aware_at),
            "closed_at": to_text(incident.closed_at),
            "language": incident.language,
            "jurisdictions": _json(list(incident.jurisdictions)),
            "facts": _json(dict(incident.facts)),
            "roles": _json(dict(incident.roles)),
            "private": int(incident.private),
        }

    def save_incident(self, incident: Incident) -> None:
        """Write every column of an existing incident (inside a transaction)."""
        self._require_tx()
        self.db.table("incidents").update(incident.ref, self._incident_columns(incident))

    def incident(self, ref: str) -> Incident | None:
        rows = list(self.db["incidents"].rows_where("ref = ?", [ref]))
        return incident_from_row(rows[0]) if rows else None

    def incident_by_channel(self, channel: str) -> Incident | None:
        rows = list(self.db["incidents"].rows_where("channel = ?", [channel], limit=1))
        return incident_from_row(rows[0]) if rows else None

    def incidents(self, *, status: IncidentStatus | None = None) -> list[Incident]:
        where = "status = ?" if status else None
        params = [status.value] if status else []
        return [
            incident_from_row(r)
            for r in self.db["incidents"].rows_where(where, params, order_by="num")
        ]

    def latest_ref(self) -> str | None:
        row = self.conn.execute("SELECT ref FROM incidents ORDER BY num DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # -- steps --------------------------------------------------------------------------

    def insert_steps(self, steps: Sequence[Step]) -> None:
        self._require_tx()
        self.db.table("steps").insert_all(
            {
                "incident": s.incident,
                "step_id": s.id,
                "position": i,
                "phase": s.phase.value,
                "definition": step_def_to_json(s.definition),
                "status": s.status.value,
                "assignee": s.assignee,
                "due_at": to_text(s.due_at),
                "done_by": s.done_by,
                "done_at": to_text(s.done_at),
                "note": s.note,
                "version": 0,
            }
            for i, s in enumerate(steps)
        )

    def steps(self, ref: str) -> list[Step]:
        return [
            step_from_row(r)
            for r in self.db["steps"].rows_where("incident = ?", [ref], order_by="position")
        ]

    def step(self, ref: str, step_id: str) -> Step | None:
        rows = list(self.db["steps"].rows_where("incident = ? AND step_id = ?", [ref, step_id]))
        return step_from_row(rows[0]) if rows else None

    def save_step(self, step: Step) -> bool:
        """Write a step if nobody changed it since it was read (``step.version``).

        Returns False when another writer got there first: the caller tells the user rather
        than recording the change twice.
        """
        self._require_tx()
        cur = self.conn.execute(
            "UPDATE steps SET status = ?, assignee = ?, due_at = ?, done_by = ?, done_at = ?, "
            "note = ?, version = version + 1 WHERE incident = ? AND step_id = ? AND version = ?",
            [
                step.status.value,
                step.assignee,
                to_text(step.due_at),
                step.done_by,
                to_text(step.done_at),
                clean(step.note) if step.note is not None else None,
                step.incident,
                step.id,
                step.version,
            ],
        )
        return cur.rowcount == 1

    # -- generic rows for drafts, assessments, notifications, reminders ---------------------

    def insert_row(self, table: str, row: Mapping[str, Any]) -> int:
        self._require_tx()
        values = {
            k: (_json(v) if isinstance(v, dict | list | tuple) else v) for k, v in row.items()
        }
        values = {k: (clean(v) if isinstance(v, str) else v) for k, v in values.items()}
        pk = self.db.table(table).insert(values).last_pk
        assert pk is not None
        return int(pk)

    def update_row(self, table: str, pk: Any, changes: Mapping[str, Any]) -> None:
        """Change columns of one row (inside a transaction); never a timeline row (triggers)."""
        self._require_tx()
        self.db.table(table).update(
            pk, {k: (_json(v) if isinstance(v, dict | list) else v) for k, v in changes.items()}
        )

    def rows(
        self,
        table: str,
        where: str | None = None,
        params: Sequence[Any] = (),
        *,
        order_by: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        return list(self.db[table].rows_where(where, list(params), order_by=order_by, limit=limit))

    def seen(self, key: str, at: datetime) -> bool:
        """Record an inbound event id; True if it had been seen before (a retry)."""
        with self.transaction(durable=False):
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO seen_events (key, seen_at) VALUES (?, ?)",
                [key, to_text(at)],
            )
            return cur.rowcount == 0

    # -- maintenance --------------------------------------------------------------------

    def backup(self, target: str | os.PathLike[str]) -> Path:
        """A consistent copy of the live database through SQLite's online backup API."""
        dest_path = Path(target)
        if dest_path.is_dir():
            dest_path = dest_path / self.path.name
        dest_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(dest_path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        dest = sqlite3.connect(str(dest_path))
        try:
            with self._lock:
                self.conn.backup(dest)
        finally:
            dest.close()
        return dest_path


__all__ = [
    "Store", "clean", "damaged", "from_text", "step_def_from_json", "step_def_to_json",
    "to_text", "replace",
]  # fmt: skip
