"""The schema, as numbered migrations (sqlite_utils.Migrations).

Each migration is a small function; a database records which ones it has had in
``_sqlite_migrations``. A database that has had a migration this code does not know was written
by a newer incidentbot: :func:`incidentbot.store.Store` refuses to open it rather than guess.
Never edit a migration once released: add the next number.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "incidentbot"
migrations = Migrations(MIGRATION_SET)

APPEND_ONLY_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS timeline_no_update BEFORE UPDATE ON timeline
BEGIN SELECT RAISE(ABORT, 'the timeline is append-only: events cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS timeline_no_delete BEFORE DELETE ON timeline
BEGIN SELECT RAISE(ABORT, 'the timeline is append-only: events cannot be deleted'); END;
"""


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    db.table("incidents").create(
        {
            "ref": str,
            "num": int,
            "title": str,
            "playbook": str,
            "status": str,
            "severity": str,
            "channel": str,
            "lead": str,
            "declared_by": str,
            "declared_at": str,
            "detected_at": str,
            "aware_at": str,
            "closed_at": str,
            "language": str,
            "jurisdictions": str,
            "facts": str,
            "roles": str,
            "private": int,
            "head_seq": int,
            "head_hash": str,
        },
        pk="ref",
        not_null={"num", "title", "playbook", "status", "declared_by", "declared_at"},
        defaults={"head_seq": 0, "head_hash": "", "private": 0},
    )
    db.table("incidents").create_index(["num"], unique=True)
    db.table("incidents").create_index(["channel"])
    db.table("steps").create(
        {
            "incident": str,
            "step_id": str,
            "position": int,
            "phase": str,
            "definition": str,
            "status": str,
            "assignee": str,
            "due_at": str,
            "done_by": str,
            "done_at": str,
            "note": str,
            "version": int,
        },
        pk=("incident", "step_id"),
        foreign_keys=[("incident", "incidents", "ref")],
        defaults={"version": 0},
    )
    db.table("timeline").create(
        {
            "id": int,
            "incident": str,
            "seq": int,
            "at": str,
            "actor": str,
            "kind": str,
            "phase": str,
            "text": str,
            "data": str,
            "link": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={"incident", "seq", "at", "actor", "kind", "text", "prev_hash", "hash"},
    )
    db.table("timeline").create_index(["incident", "seq"], unique=True)
    db.executescript(APPEND_ONLY_TRIGGERS)
    db.table("drafts").create(
        {
            "id": int,
            "incident": str,
            "kind": str,
            "jurisdiction": str,
            "language": str,
            "variant": str,
            "version": int,
            "body": str,
            "template": str,
            "missing": str,
            "hash": str,
            "created_by": str,
            "created_at": str,
            "approved_by": str,
            "approved_at": str,
        },
        pk="id",
    )
    db.table("drafts").create_index(
        ["incident", "kind", "jurisdiction", "language", "variant", "version"], unique=True
    )
    db.table("assessments").create(
        {
            "id": int,
            "incident": str,
            "version": int,
            "inputs": str,
            "result": str,
            "decisions": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("assessments").create_index(["incident", "version"], unique=True)
    db.table("notifications").create(
        {
            "id": int,
            "incident": str,
            "jurisdiction": str,
            "audience": str,
            "submission": str,
            "notified_at": str,
            "reference": str,
            "delay_reasons": str,
            "recorded_by": str,
            "recorded_at": str,
        },
        pk="id",
    )
    db.table("reminders").create(
        {
            "id": int,
            "incident": str,
            "item": str,
            "point": str,
            "due_at": str,
            "sent_at": str,
            "late": int,
            "snoozed_until": str,
            "snoozed_by": str,
        },
        pk="id",
    )
    db.table("reminders").create_index(["incident", "item", "point"], unique=True)
    db.table("outbox").create(
        {
            "id": int,
            "key": str,
            "incident": str,
            "channel": str,
            "method": str,
            "payload": str,
            "created_at": str,
            "attempts": int,
            "next_try_at": str,
            "delivered_at": str,
            "last_error": str,
            "result": str,
        },
        pk="id",
        defaults={"attempts": 0},
    )
    db.table("outbox").create_index(["key"], unique=True)
    db.table("outbox").create_index(["delivered_at", "next_try_at"])
    db.table("seen_events").create({"key": str, "seen_at": str}, pk="key")
    db.table("kv").create({"key": str, "value": str}, pk="key")


@migrations(name="m_chain_jcs")
def m_chain_jcs(db: Database) -> None:
    """Events from now on are hashed in form 2 (RFC 8785); earlier ones keep form 1.

    Nothing already recorded is re-hashed: ``form`` is NULL (form 1) on existing rows, and
    ``Store.append_event`` writes 2. A column added with ALTER TABLE does not fire the
    append-only triggers, and they stay in place.
    """
    db.execute("ALTER TABLE timeline ADD COLUMN form INTEGER")


@migrations(name="m_anchors")
def m_anchors(db: Database) -> None:
    """Chain heads published outside the database: Slack messages and RFC 3161 tokens."""
    db.table("anchors").create(
        {
            "id": int,
            "incident": str,
            "seq": int,
            "hash": str,
            "reason": str,
            "at": str,
            "outbox_key": str,
            "tsa_url": str,
            "token": str,
            "token_error": str,
        },
        pk="id",
        not_null={"incident", "seq", "hash", "reason", "at"},
    )
    db.table("anchors").create_index(["incident", "seq"])


@migrations(name="m_outbox_deadletter")
def m_outbox_deadletter(db: Database) -> None:
    """Outbox rows that retrying cannot deliver are dead letters: kept, listed, retried or
    dropped by an operator (``incidentbot outbox``), never blocking the rows behind them."""
    db.table("outbox").add_column("dead_at", str)
    db.table("outbox").add_column("dropped_at", str)
    db.execute(
        "UPDATE outbox SET dead_at = created_at WHERE delivered_at IS NULL AND next_try_at IS NULL"
    )
