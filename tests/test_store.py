"""The store: migrations from empty, the append-only chained timeline, verify, backup."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.core.model import Incident, IncidentStatus
from incidentbot.errors import StoreError
from incidentbot.store import Store
from incidentbot.store.migrations import migrations

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def incident(ref: str = "INC-1") -> Incident:
    return Incident(
        ref=ref,
        title="Donor file leaked",
        playbook="vendor-breach",
        status=IncidentStatus.OPEN,
        declared_by="alice",
        declared_at=T0,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "bot.db")
    with s.transaction():
        s.insert_incident(incident())
        # as the service writes it: the declaration first, then four notes
        s.append_event("INC-1", at=T0, actor="alice", kind="declared", text="Donor file leaked")
        for i in range(1, 5):
            s.append_event(
                "INC-1", at=T0 + timedelta(minutes=i), actor="alice", kind="note", text=f"event {i}"
            )
    return s


def test_migrations_from_empty_create_every_table(tmp_path: Path) -> None:
    s = Store(tmp_path / "new.db")
    tables = set(s.db.table_names())
    assert {
        "incidents",
        "steps",
        "timeline",
        "drafts",
        "assessments",
        "notifications",
        "reminders",
        "outbox",
        "seen_events",
    } <= tables
    applied = [m.name for m in migrations.applied(s.db)]
    assert applied == [m.name for m in migrations._migrations]
    # opening again applies nothing twice
    s.close()
    Store(tmp_path / "new.db")


def test_database_file_is_owner_only(tmp_path: Path) -> None:
    Store(tmp_path / "secret.db")
    assert stat.S_IMODE(os.stat(tmp_path / "secret.db").st_mode) == 0o600


def test_timeline_refuses_update_and_delete(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE timeline SET text = 'rewritten' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM timeline WHERE seq = 2")
    assert [e.text for e in store.events("INC-1")][1] == "event 1"


def test_verify_passes_on_an_untouched_chain(store: Store) -> None:
    assert store.verify() == []


def test_verify_names_an_edited_event(store: Store) -> None:
    store.conn.execute("DROP TRIGGER timeline_no_update")
    store.conn.execute("UPDATE timeline SET text = 'nothing happened' WHERE seq = 3")
    assert [str(p) for p in store.verify()] == [
        "INC-1: event #3 was altered (its hash does not match its content)"
    ]


def test_verify_names_a_deleted_event(store: Store) -> None:
    store.conn.execute("DROP TRIGGER timeline_no_delete")
    store.conn.execute("DELETE FROM timeline WHERE seq = 2")
    assert [str(p) for p in store.verify()] == ["INC-1: event #2 is missing (deleted)"]


def test_verify_notices_the_last_event_deleted(store: Store) -> None:
    store.conn.execute("DROP TRIGGER timeline_no_delete")
    store.conn.execute("DELETE FROM timeline WHERE seq = 5")
    assert [str(p) for p in store.verify()] == ["INC-1: event #5 is missing (deleted)"]


def test_a_failed_transaction_writes_neither_state_nor_event(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.append_event("INC-1", at=T0, actor="bob", kind="note", text="half")
        raise RuntimeError("crash between the two writes")
    assert store.count_events("INC-1") == 5
    assert store.verify() == []


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an incidentbot database"):
        Store(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("customers",)
    ]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not an incidentbot database"):
        Store(path)


def test_a_newer_database_is_refused(store: Store, tmp_path: Path) -> None:
    store.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('incidentbot', 'm999_from_the_future', '2030-01-01')"
    )
    store.close()
    with pytest.raises(StoreError, match="newer incidentbot"):
        Store(tmp_path / "bot.db")


def test_backup_is_a_consistent_copy_while_writing(store: Store, tmp_path: Path) -> None:
    writer = Store(tmp_path / "bot.db")
    stop = threading.Event()

    def write() -> None:
        i = 0
        while not stop.is_set() and i < 2000:
            with writer.transaction():
                writer.append_event("INC-1", at=T0, actor="w", kind="note", text=f"w{i}")
            i += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copy = store.backup(tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    backup = Store(copy)
    assert backup.verify() == []
    assert backup.count_events("INC-1") >= 5


def test_text_is_stored_verbatim(store: Store) -> None:
    weird = "<!channel> {{ 7*7 }} '; DROP TABLE timeline; -- \u202e\u0000 émoji 🚨"
    with store.transaction():
        store.append_event("INC-1", at=T0, actor="alice", kind="note", text=weird)
    assert store.events("INC-1", last=1)[0].text == weird
    assert store.verify() == []
