"""The chain's invariants, pinned: what the hash covers and what `verify` refuses.

Each test here fails if the hash stops covering a field (actor, time, phase, link, ...), stops
chaining the previous hash or the form, or if the walk ignores the stored previous hash, the
numbering or the head. `mutmut run` over store/chain.py proves no change to it goes unnoticed
(pyproject.toml, [tool.mutmut]).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from incidentbot.store import chain

H1 = "1" * 64
H2 = "2" * 64


def event(seq: int = 1, form: int | None = 2, **changes: Any) -> dict[str, Any]:
    e: dict[str, Any] = {
        "incident": "INC-1",
        "seq": seq,
        "at": "2026-11-22T15:00:00+00:00",
        "actor": "alice",
        "kind": "note",
        "phase": "assess",
        "text": "Le prestataire a appelé",
        "data": {"score": 5.0, "step": "scope"},
        "link": "https://example.slack.com/archives/C1/p1",
        "form": form,
    }
    e.update(changes)
    return e


def chained(n: int, form: int | None = 2) -> list[dict[str, Any]]:
    events, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        e = event(seq, form, text=f"note {seq}")
        e["prev_hash"], e["hash"] = prev, chain.link(prev, e)
        prev = e["hash"]
        events.append(e)
    return events


# -- what the hash covers ----------------------------------------------------------------------

CHANGES = {
    "incident": "INC-2",
    "seq": 2,
    "at": "2026-11-22T15:00:01+00:00",
    "actor": "mallory",
    "kind": "fact_set",
    "phase": "notify",
    "text": "Le prestataire n'a pas appelé",
    "data": {"score": 4.5, "step": "scope"},
    "link": "https://example.slack.com/archives/C1/p2",
}


@pytest.mark.parametrize("form", [1, 2])
@pytest.mark.parametrize("field", sorted(CHANGES))
def test_the_hash_covers_every_field(field: str, form: int) -> None:
    assert chain.link(H1, event(form=form)) != chain.link(
        H1, event(form=form, **{field: CHANGES[field]})
    )


@pytest.mark.parametrize("form", [1, 2])
@pytest.mark.parametrize("field", ["phase", "link"])
def test_a_field_cleared_changes_the_hash(field: str, form: int) -> None:
    assert chain.link(H1, event(form=form)) != chain.link(H1, event(form=form, **{field: None}))


@pytest.mark.parametrize("form", [1, 2])
def test_the_hash_chains_the_previous_hash(form: int) -> None:
    assert chain.link(H1, event(form=form)) != chain.link(H2, event(form=form))


def test_the_hash_covers_the_form() -> None:
    assert chain.link(H1, event(form=1)) != chain.link(H1, event(form=2))
    assert chain.link(H1, event(form=None)) == chain.link(H1, event(form=1))


def test_form_2_is_sha256_of_rfc8785_with_the_link_and_version_inside() -> None:
    e = event()
    body = {k: e[k] for k in chain.CHAINED_FIELDS}
    body.update(prev_hash=H1, v=2)
    assert chain.canonical(e, H1) == rfc8785.dumps(body)
    assert chain.link(H1, e) == hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    assert b'"score":5,' in chain.canonical(e, H1)  # 5.0 written as ECMAScript writes it


def test_form_1_is_kept_exactly_as_events_were_hashed_before_rfc8785() -> None:
    e = event(form=None)
    body = {k: e[k] for k in chain.CHAINED_FIELDS}
    legacy = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert chain.canonical(e, H1) == (H1 + legacy).encode("utf-8")
    assert chain.link(H1, e) == hashlib.sha256((H1 + legacy).encode("utf-8")).hexdigest()
    assert chain.form_of(e) == chain.LEGACY == 1
    assert chain.form_of(event(form=2)) == chain.CURRENT == chain.JCS == 2


def test_data_stored_as_text_hashes_as_its_value() -> None:
    as_text = event(data=json.dumps({"score": 5.0, "step": "scope"}))
    assert chain.link(H1, as_text) == chain.link(H1, event())
    assert chain.link(H1, event(data="")) == chain.link(H1, event(data={}))
    assert chain.link(H1, event(data=None)) == chain.link(H1, event(data={}))


def test_the_worked_example_of_docs_evidence_md() -> None:
    worked = event(
        phase="assess",
        kind="assessed",
        text="évalué « très élevé »",
        data={"score": 5.0},
        link=None,
    )
    assert chain.link(chain.GENESIS, worked) == (
        "4bbdbc55dd2bfbc402cce5dc6a4fb7f6d0ebdff69d1e48d0306b70a44d5b8169"
    )


def test_genesis_is_64_zeros() -> None:
    assert chain.GENESIS == "0000000000000000000000000000000000000000000000000000000000000000"


@pytest.mark.parametrize(
    ("value", "portable"),
    [
        (2**53 - 1, 2**53 - 1),
        (-(2**53 - 1), -(2**53 - 1)),
        (2**53, "9007199254740992"),
        (-(2**53), "-9007199254740992"),
        (True, True),
        (None, None),
        (4.5, 4.5),
        (
            {"n": 10**20, 3: [10**20, "x"]},
            {"n": "100000000000000000000", "3": ["100000000000000000000", "x"]},
        ),
        ((1, 2), [1, 2]),
    ],
)
def test_integers_beyond_ijson_are_kept_as_text(value: Any, portable: Any) -> None:
    assert chain.portable(value) == portable
    assert type(chain.portable(value)) is type(portable)
    rfc8785.dumps(chain.portable(value))  # always canonicalisable


# -- what the walk refuses ---------------------------------------------------------------------


@pytest.mark.parametrize("form", [None, 2])
def test_an_intact_chain_walks(form: int | None) -> None:
    events = chained(4, form)
    assert chain.walk("INC-1", events, 4, events[-1]["hash"]) is None
    assert chain.walk("INC-1", [], 0, "") is None


def test_an_edited_event_is_named() -> None:
    events = chained(4)
    events[2]["actor"] = "mallory"
    assert (
        str(chain.walk("INC-1", events, 4, events[-1]["hash"]))
        == "INC-1: event #3 was altered (its hash does not match its content)"
    )


def test_the_stored_previous_hash_is_checked() -> None:
    events = chained(4)
    events[2]["prev_hash"] = H1  # its own hash still matches its content and the real link
    events[2]["hash"] = chain.link(events[1]["hash"], events[2])
    assert (
        str(chain.walk("INC-1", events, 4, events[-1]["hash"]))
        == "INC-1: event #3 does not follow event #2"
    )


def test_an_event_chained_from_another_previous_hash_is_refused() -> None:
    events = chained(4)
    events[2]["prev_hash"] = H1
    events[2]["hash"] = chain.link(H1, events[2])  # consistent with itself, not with #2
    assert str(chain.walk("INC-1", events, 4, events[-1]["hash"])) == (
        "INC-1: event #3 does not follow event #2"
    )


def test_the_first_event_must_chain_from_genesis() -> None:
    events = chained(2)
    events[0]["prev_hash"] = H1
    events[0]["hash"] = chain.link(H1, events[0])
    assert str(chain.walk("INC-1", events, 2, events[-1]["hash"])) == (
        "INC-1: event #1 does not follow event #0"
    )


def test_a_gap_in_the_numbering_is_a_deleted_event() -> None:
    events = chained(4)
    del events[1]
    assert (
        str(chain.walk("INC-1", events, 4, events[-1]["hash"]))
        == "INC-1: event #2 is missing (deleted)"
    )


def test_a_missing_first_event_is_named() -> None:
    events = chained(3)[1:]
    assert (
        str(chain.walk("INC-1", events, 3, events[-1]["hash"]))
        == "INC-1: event #1 is missing (deleted)"
    )


def test_the_head_number_is_checked() -> None:
    events = chained(4)
    assert str(chain.walk("INC-1", events[:3], 4, events[-1]["hash"])) == (
        "INC-1: event #4 is missing (deleted)"
    )
    assert str(chain.walk("INC-1", events, 3, events[2]["hash"])) == (
        "INC-1: the chain head says #3 but events go on to #4"
    )
    assert str(chain.walk("INC-1", events, 0, "")) == (
        "INC-1: the chain head says #0 but events go on to #4"
    )


def test_the_head_hash_is_checked() -> None:
    events = chained(4)
    assert str(chain.walk("INC-1", events, 4, events[2]["hash"])) == (
        "INC-1: event #4 is not the recorded chain head (its hash differs)"
    )
    assert str(chain.walk("INC-1", events, 4, "")) == (
        "INC-1: event #4 is not the recorded chain head (its hash differs)"
    )


def test_a_chain_goes_from_form_1_to_form_2_and_never_back() -> None:
    old = chained(2, None)
    new = event(3, 2, text="after the migration")
    new["prev_hash"], new["hash"] = old[-1]["hash"], chain.link(old[-1]["hash"], new)
    assert chain.walk("INC-1", [*old, new], 3, new["hash"]) is None
    back = event(4, 1, text="downgraded")
    back["prev_hash"], back["hash"] = new["hash"], chain.link(new["hash"], back)
    assert str(chain.walk("INC-1", [*old, new, back], 4, back["hash"])) == (
        "INC-1: event #4 was altered (written in an older chain form)"
    )


# -- the store uses the walk on what it stored ----------------------------------------------------


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from incidentbot.core.model import Incident, IncidentStatus
    from incidentbot.store import Store

    t0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    s = Store(tmp_path / "bot.db")
    with s.transaction():
        s.insert_incident(
            Incident(
                ref="INC-1",
                title="Leak",
                playbook="generic-breach",
                status=IncidentStatus.OPEN,
                declared_by="alice",
                declared_at=t0,
            )
        )
        s.append_event("INC-1", at=t0, actor="alice", kind="declared", text="Leak")
        for i in range(1, 4):
            s.append_event(
                "INC-1", at=t0 + timedelta(minutes=i), actor="alice", kind="note", text=f"n{i}"
            )
    yield s
    s.close()


def test_the_store_writes_form_2_with_the_head_on_the_incident(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.conn.execute("SELECT form, prev_hash, hash FROM timeline ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [2, 2, 2, 2]
    assert rows[0][1] == chain.GENESIS and rows[1][1] == rows[0][2]
    assert store.head("INC-1") == (4, rows[-1][2])
    assert [e.form for e in store.events("INC-1")] == [2, 2, 2, 2]


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "UPDATE timeline SET prev_hash = '" + H1 + "' WHERE seq = 3",
            "INC-1: event #3 does not follow event #2",
        ),
        (
            "UPDATE incidents SET head_hash = '" + H1 + "'",
            "INC-1: event #4 is not the recorded chain head (its hash differs)",
        ),
        ("UPDATE incidents SET head_seq = 5", "INC-1: event #5 is missing (deleted)"),
        (
            "UPDATE timeline SET actor = 'mallory' WHERE seq = 2",
            "INC-1: event #2 was altered (its hash does not match its content)",
        ),
        (
            "UPDATE timeline SET at = '2026-11-20T14:30:00+00:00' WHERE seq = 2",
            "INC-1: event #2 was altered (its hash does not match its content)",
        ),
        (
            "UPDATE timeline SET phase = 'notify' WHERE seq = 2",
            "INC-1: event #2 was altered (its hash does not match its content)",
        ),
        (
            "UPDATE timeline SET link = 'https://x' WHERE seq = 2",
            "INC-1: event #2 was altered (its hash does not match its content)",
        ),
        (
            "UPDATE timeline SET form = NULL WHERE seq = 1",
            "INC-1: event #1 was altered (its hash does not match its content)",
        ),
    ],
)
def test_verify_refuses_what_was_changed_in_the_file(store, sql: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    store.conn.execute("DROP TRIGGER timeline_no_update")
    store.conn.execute(sql)
    assert [str(p) for p in store.verify()] == [problem]


def test_the_migration_rehashes_nothing_already_recorded(tmp_path: Path) -> None:
    """A database from before m_chain_jcs: its events keep their form-1 hashes, the next event
    starts form 2 on the same chain, and verify, the export and the stand-alone verifier agree."""
    import sqlite3
    import subprocess
    import sys

    from sqlite_utils import Database

    from incidentbot.store import APPLICATION_ID, Store
    from incidentbot.store.migrations import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(Database(conn), stop_before="m_chain_jcs")
    conn.execute(
        "INSERT INTO incidents (ref, num, title, playbook, status, declared_by, declared_at, "
        "head_seq, head_hash) VALUES ('INC-1', 1, 'Leak', 'generic-breach', 'open', 'alice', "
        "'2026-11-20T14:00:00+00:00', 0, '')"
    )
    prev = chain.GENESIS
    for seq, (kind, text, data) in enumerate(
        [("declared", "Leak", {}), ("note", "évalué", {"score": 5.0})], start=1
    ):
        row = {
            "incident": "INC-1",
            "seq": seq,
            "at": f"2026-11-20T14:0{seq}:00+00:00",
            "actor": "alice",
            "kind": kind,
            "phase": None,
            "text": text,
            "data": data,
            "link": None,
        }
        digest = chain.link(prev, row)  # no form: how the bot hashed before the migration
        conn.execute(
            "INSERT INTO timeline (incident, seq, at, actor, kind, phase, text, data, link, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?, ?)",
            [row["incident"], seq, row["at"], "alice", kind, text, json.dumps(data), prev, digest],
        )
        conn.execute("UPDATE incidents SET head_seq = ?, head_hash = ?", [seq, digest])
        prev = digest
    old = conn.execute("SELECT seq, hash FROM timeline ORDER BY seq").fetchall()
    conn.close()

    store = Store(path)
    assert "m_chain_jcs" in {m.name for m in migrations.applied(store.db)}
    assert store.conn.execute("SELECT seq, hash FROM timeline ORDER BY seq").fetchall() == old
    with store.transaction():
        store.append_event(
            "INC-1", at=datetime(2026, 11, 20, 15, tzinfo=UTC), actor="bob", kind="note", text="n"
        )
    forms = store.conn.execute("SELECT form, prev_hash FROM timeline ORDER BY seq").fetchall()
    assert forms == [(None, chain.GENESIS), (None, old[0][1]), (2, old[1][1])]
    assert store.verify() == []

    from incidentbot.service import reports

    events = [reports.event_json(e) for e in store.events("INC-1")]
    export = {
        "incident": {"ref": "INC-1"},
        "timeline": events,
        "chain": {"head": store.head("INC-1")[1]},
    }
    store.close()
    (tmp_path / "INC-1.json").write_text(json.dumps(export), encoding="utf-8")
    tool = Path(__file__).resolve().parent.parent / "tools" / "verify_export.py"
    result = subprocess.run(
        [sys.executable, str(tool), str(tmp_path / "INC-1.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert [e["form"] for e in events] == [1, 1, 2]
