"""Every table against the chain, in process (so the mutation run can see it): each edit an
insider makes to a row behind the service's back is named exactly, and nothing else is."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from incidentbot.evidence import exports
from incidentbot.service import reports
from incidentbot.shell import Shell
from incidentbot.store import chain

SCRIPT = [
    'declare Fuite « été » playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc,fr',
    "done revoke-vendor-access Compte VPN désactivé",
    "assign notify-regulator @dpo",
    "assign dpo @paul",
    "fact description Export of 869 donor records",
    "fact persons_in_quebec 869",
    "severity high first estimate",
    "assess data=contact,financial,political persons=869 records=869 identifiable=full "
    "confidentiality=unknown_recipient integrity=none availability=none malicious=yes "
    "encrypted=no backup=yes vulnerable=no",
    'assess override=fr authority=yes persons=no reason="encrypted backup"',
    "draft regulator qc",
    "approve regulator-qc",
    "draft press",
    "notified qc CAI-2026-117",
    "note Vendor confirms the export was downloaded twice",
]


@pytest.fixture
def recorded(service, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    shell = Shell(service, actor="alice", lang="en", tz=UTC, out=out, drafts_dir=tmp_path / "d")
    assert shell.run_script(SCRIPT) == 0, out.getvalue()
    return service


def tamper(service: Any, *sql: str) -> None:
    conn = sqlite3.connect(service.store.path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_untouched_incident_has_no_difference(recorded) -> None:  # type: ignore[no-untyped-def]
    from incidentbot.store import audit

    assert recorded.store.verify() == []
    assert audit.audit(recorded.store, "INC-1") == []


CASES = [
    pytest.param(
        "UPDATE incidents SET title = 'Minor glitch'",
        [
            'INC-1: incident row, the title: "Minor glitch" in the table does not match event #1 (declared); the row was changed outside the bot'
        ],
        id="title",
    ),
    pytest.param(
        "UPDATE incidents SET playbook = 'generic-breach'",
        [
            'INC-1: incident row, the playbook: "generic-breach" in the table does not match event #1 (declared); the row was changed outside the bot'
        ],
        id="playbook",
    ),
    pytest.param(
        "UPDATE incidents SET jurisdictions = '[\"qc\"]'",
        [
            'INC-1: incident row, the jurisdictions: ["qc"] in the table does not match event #1 (declared); the row was changed outside the bot'
        ],
        id="jurisdictions",
    ),
    pytest.param(
        "UPDATE incidents SET aware_at = '2026-11-21T09:00:00+00:00'",
        [
            'INC-1: incident row, the awareness time: "2026-11-21 09:00:00+00:00" in the table does not match event #2 (aware_set); the row was changed outside the bot'
        ],
        id="aware",
    ),
    pytest.param(
        "UPDATE incidents SET aware_at = NULL",
        [
            "INC-1: incident row, the awareness time: null in the table does not match event #2 (aware_set); the row was changed outside the bot"
        ],
        id="aware-cleared",
    ),
    pytest.param(
        "UPDATE incidents SET facts = json_set(facts, '$.persons_in_quebec', 12)",
        [
            'INC-1: incident row, the facts: {"description": "Export of 869 donor records", "persons_in_quebec": 12} in the table does not match event #7 (fact_set); the row was changed outside the bot'
        ],
        id="facts",
    ),
    pytest.param(
        "UPDATE incidents SET facts = json_set(facts, '$.cause', 'weather')",
        [
            'INC-1: incident row, the facts: {"cause": "weather", "description": "Export of 869 donor records", "persons_i... in the table does not match event #7 (fact_set); the row was changed outside the bot'
        ],
        id="fact-added",
    ),
    pytest.param(
        "UPDATE incidents SET severity = 'low'",
        [
            'INC-1: incident row, the severity: "low" in the table does not match event #9 (assessed); the row was changed outside the bot'
        ],
        id="severity",
    ),
    pytest.param(
        "UPDATE incidents SET roles = json_set(roles, '$.dpo', 'mallory')",
        [
            'INC-1: incident row, the roles: {"dpo": "mallory", "lead": "alice"} in the table does not match event #5 (role_assigned); the row was changed outside the bot'
        ],
        id="roles",
    ),
    pytest.param(
        "UPDATE incidents SET lead = 'mallory'",
        [
            'INC-1: incident row, the lead: "mallory" in the table does not match event #5 (role_assigned); the row was changed outside the bot'
        ],
        id="lead",
    ),
    pytest.param(
        "UPDATE incidents SET status = 'closed'",
        [
            'INC-1: incident row, the status: "closed" in the table does not match the timeline; the row was changed outside the bot'
        ],
        id="status",
    ),
    pytest.param(
        "UPDATE steps SET status = 'skipped' WHERE step_id = 'revoke-vendor-access'",
        [
            'INC-1: step revoke-vendor-access, the status: "skipped" in the table does not match event #3 (step_done); the row was changed outside the bot'
        ],
        id="step-status",
    ),
    pytest.param(
        "UPDATE steps SET done_by = 'bob' WHERE step_id = 'revoke-vendor-access'",
        [
            'INC-1: step revoke-vendor-access, who did it: "bob" in the table does not match event #3 (step_done); the row was changed outside the bot'
        ],
        id="step-done-by",
    ),
    pytest.param(
        "UPDATE steps SET note = 'Done later' WHERE step_id = 'revoke-vendor-access'",
        [
            'INC-1: step revoke-vendor-access, the note: "Done later" in the table does not match event #3 (step_done); the row was changed outside the bot'
        ],
        id="step-note",
    ),
    pytest.param(
        "UPDATE steps SET assignee = 'mallory' WHERE step_id = 'notify-regulator'",
        [
            'INC-1: step notify-regulator, the assignee: "mallory" in the table does not match event #4 (step_assigned); the row was changed outside the bot'
        ],
        id="step-assignee",
    ),
    pytest.param(
        "UPDATE steps SET note = 'nothing' WHERE step_id = 'preserve-logs'",
        [
            'INC-1: step preserve-logs, the note: "nothing" in the table does not match the timeline; the row was changed outside the bot'
        ],
        id="step-untouched",
    ),
    pytest.param(
        "DELETE FROM steps WHERE step_id = 'revoke-vendor-access'",
        [
            "INC-1: step revoke-vendor-access: event #3 (step_done) recorded it but the steps table has no such row; the row was deleted outside the bot"
        ],
        id="step-deleted",
    ),
    pytest.param(
        "UPDATE drafts SET body = body || ' ' WHERE kind = 'regulator'",
        [
            "INC-1: draft regulator-qc-fr-1 (row 1): the text does not match the SHA-256 recorded in event #11 (draft_created, {regulator_hash}...); the body was changed outside the bot"
        ],
        id="draft-body",
    ),
    pytest.param(
        "UPDATE drafts SET hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE kind = 'press'",
        [
            'INC-1: draft press-en-1 (row 2), the stored hash: "0000000000000000000000000000000000000000000000000000000000000000" in the table does not match event #13 (draft_created); the row was changed outside the bot'
        ],
        id="draft-hash",
    ),
    pytest.param(
        "UPDATE drafts SET created_by = 'bob' WHERE kind = 'press'",
        [
            'INC-1: draft press-en-1 (row 2), the author: "bob" in the table does not match event #13 (draft_created); the row was changed outside the bot'
        ],
        id="draft-author",
    ),
    pytest.param(
        "UPDATE drafts SET approved_by = 'mallory' WHERE kind = 'regulator'",
        [
            'INC-1: draft regulator-qc-fr-1 (row 1), the approver: "mallory" in the table does not match event #12 (draft_approved); the row was changed outside the bot'
        ],
        id="draft-approver",
    ),
    pytest.param(
        "UPDATE drafts SET approved_by = NULL WHERE kind = 'regulator'",
        [
            "INC-1: draft regulator-qc-fr-1 (row 1), the approver: null in the table does not match event #12 (draft_approved); the row was changed outside the bot"
        ],
        id="draft-unapproved",
    ),
    pytest.param(
        "UPDATE drafts SET approved_by = 'alice' WHERE kind = 'press'",
        [
            "INC-1: draft press-en-1 (row 2): approved by alice in the table but no `draft_approved` event recorded it; the row was changed outside the bot"
        ],
        id="draft-approved",
    ),
    pytest.param(
        "INSERT INTO drafts (incident, kind, jurisdiction, language, version, body, hash, created_by) VALUES ('INC-1', 'staff', NULL, 'en', 1, 'x', 'y', 'alice')",
        [
            "INC-1: draft staff-en-1 (row 3): no `draft_created` event recorded it; the row was added outside the bot"
        ],
        id="draft-added",
    ),
    pytest.param(
        "DELETE FROM drafts WHERE kind = 'press'",
        [
            "INC-1: draft press-en-1: event #13 (draft_created) recorded it but the drafts table has no such row; the row was deleted outside the bot"
        ],
        id="draft-deleted",
    ),
    pytest.param(
        "UPDATE assessments SET inputs = json_set(inputs, '$.persons', 12) WHERE version = 1",
        [
            'INC-1: assessment v1, the inputs: {"availability": "none", "backup": true, "confidentiality": "unknown_recipien... in the table does not match event #9 (assessed); the row was changed outside the bot'
        ],
        id="assessment-inputs",
    ),
    pytest.param(
        "UPDATE assessments SET result = json_set(result, '$.score', 1.5) WHERE version = 1",
        [
            "INC-1: assessment v1, the score: 1.5 in the table does not match event #9 (assessed); the row was changed outside the bot"
        ],
        id="assessment-score",
    ),
    pytest.param(
        "UPDATE assessments SET result = json_set(result, '$.band', 'low') WHERE version = 1",
        [
            'INC-1: assessment v1, the band: "low" in the table does not match event #9 (assessed); the row was changed outside the bot'
        ],
        id="assessment-band",
    ),
    pytest.param(
        "UPDATE assessments SET decisions = json_set(decisions, '$[0].persons', json('false')) WHERE version = 1",
        [
            'INC-1: assessment v1, the decisions: [{"authority": true, "computed": {"authority": true, "persons": true}, "juris... in the table does not match event #9 (assessed); the row was changed outside the bot'
        ],
        id="assessment-decisions",
    ),
    pytest.param(
        "UPDATE assessments SET decisions = json_set(decisions, '$[1].authority', json('false')) WHERE version = 2",
        [
            'INC-1: assessment v2, the chosen decision: {"authority": false, "persons": false} in the table does not match event #10 (decision_override); the row was changed outside the bot'
        ],
        id="override-chosen",
    ),
    pytest.param(
        "INSERT INTO assessments (incident, version, inputs, result, decisions, created_by) VALUES ('INC-1', 3, '{}', '{}', '[]', 'bob')",
        [
            "INC-1: assessment v3: no `assessed` event recorded it; the row was added outside the bot"
        ],
        id="assessment-added",
    ),
    pytest.param(
        "DELETE FROM assessments WHERE version = 2",
        [
            "INC-1: assessment v2: event #10 (decision_override) recorded it but the assessments table has no such row; the row was deleted outside the bot"
        ],
        id="assessment-deleted",
    ),
    pytest.param(
        "UPDATE notifications SET reference = 'CAI-0000'",
        [
            'INC-1: notification qc (row 1), the regulator\'s reference: "CAI-0000" in the table does not match event #14 (notified); the row was changed outside the bot'
        ],
        id="notification-reference",
    ),
    pytest.param(
        "UPDATE notifications SET jurisdiction = 'fr'",
        [
            'INC-1: notification fr (row 1), the jurisdiction: "fr" in the table does not match event #14 (notified); the row was changed outside the bot'
        ],
        id="notification-jurisdiction",
    ),
    pytest.param(
        "UPDATE notifications SET audience = 'persons'",
        [
            'INC-1: notification qc (row 1), the audience: "persons" in the table does not match event #14 (notified); the row was changed outside the bot'
        ],
        id="notification-audience",
    ),
    pytest.param(
        "UPDATE notifications SET recorded_by = 'bob'",
        [
            'INC-1: notification qc (row 1), who recorded it: "bob" in the table does not match event #14 (notified); the row was changed outside the bot'
        ],
        id="notification-recorder",
    ),
    pytest.param(
        "INSERT INTO notifications (incident, jurisdiction, audience, reference, recorded_by) VALUES ('INC-1', 'fr', 'authority', 'X', 'bob')",
        [
            "INC-1: notification fr (row 2): no `notified` event recorded it; the row was added outside the bot"
        ],
        id="notification-added",
    ),
    pytest.param(
        "DELETE FROM notifications",
        [
            "INC-1: notification: event #14 (notified) recorded it but the notifications table has no such row; the row was deleted outside the bot"
        ],
        id="notification-deleted",
    ),
]


@pytest.mark.parametrize(("sql", "problems"), CASES)
def test_each_row_edited_outside_the_bot_is_named_exactly(
    recorded, sql: str, problems: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from incidentbot.store import audit

    # the hash the draft_created event holds (it moves whenever a template's wording moves)
    (regulator_hash,) = recorded.store.conn.execute(
        "SELECT hash FROM drafts WHERE kind = 'regulator' ORDER BY id LIMIT 1"
    ).fetchone()
    problems = [p.replace("{regulator_hash}", regulator_hash[:12]) for p in problems]
    tamper(recorded, sql)
    assert [str(p) for p in audit.audit(recorded.store, "INC-1")] == problems
    assert [str(p) for p in recorded.store.verify()] == problems[:1]


# -- verify --against, in process -----------------------------------------------------------------


@pytest.fixture
def kept(recorded, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "kept.json"
    path.write_text(reports.export(recorded, "INC-1", "json", lang="en", tz=UTC), "utf-8")
    return path


def test_a_database_that_only_grew_extends_the_kept_export(recorded, kept: Path) -> None:  # type: ignore[no-untyped-def]
    recorded.add_note("INC-1", "one more", actor="alice")
    assert exports.against(recorded.store, kept) == []
    # the copy went through an editor that added a byte-order mark: still the same export
    kept.write_bytes(b"\xef\xbb\xbf" + kept.read_bytes())
    assert exports.against(recorded.store, kept) == []


def test_the_first_divergent_event_is_named(recorded, kept: Path) -> None:  # type: ignore[no-untyped-def]
    from test_evidence import rewrite_chain

    before = dict(recorded.store.conn.execute("SELECT seq, hash FROM timeline").fetchall())
    rewrite_chain(str(recorded.store.path), edit_seq=14, delete_seq=99)
    after = recorded.store.conn.execute("SELECT hash FROM timeline WHERE seq = 14").fetchone()[0]
    assert [str(p) for p in exports.against(recorded.store, kept)] == [
        f"INC-1: event #14 differs from kept.json (sha256:{before[14][:12]}... there, "
        f"{after[:12]}... here): the database does not extend that export"
    ]


def test_an_event_of_the_export_missing_from_the_database_is_named(recorded, kept: Path) -> None:  # type: ignore[no-untyped-def]
    tamper(recorded, "DROP TRIGGER timeline_no_delete", "DELETE FROM timeline WHERE seq = 14")
    assert [str(p) for p in exports.against(recorded.store, kept)] == [
        "INC-1: event #14 of kept.json is missing from the database: the database does not "
        "extend that export"
    ]


def test_an_export_that_does_not_verify_is_no_reference(recorded, kept: Path) -> None:  # type: ignore[no-untyped-def]
    original = kept.read_text("utf-8")
    data = json.loads(original)
    data["timeline"][2]["actor"] = "mallory"
    kept.write_text(json.dumps(data), "utf-8")
    assert [str(p) for p in exports.against(recorded.store, kept)] == [
        "kept.json: the export itself does not verify: INC-1: event #3 was altered (its hash "
        "does not match its content)"
    ]
    data = json.loads(original)
    data["timeline"] = data["timeline"][:5]
    kept.write_text(json.dumps(data), "utf-8")
    assert [str(p) for p in exports.against(recorded.store, kept)] == [
        "kept.json: the export itself does not verify: INC-1: event #5 is not the recorded "
        "chain head (its hash differs)"
    ]


def test_an_export_of_an_old_chain_reads_without_form_or_incident(recorded, kept: Path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(kept.read_text("utf-8"))
    for e in data["timeline"]:
        del e["incident"]
    kept.write_text(json.dumps(data), "utf-8")
    assert exports.against(recorded.store, kept) == []
    assert chain.walk("INC-1", data["timeline"], 14, data["chain"]["head"]) is not None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read (No such file or directory)"),
        ('{"incident": {"ref": "INC-1"}}', "is not a JSON export of incidentbot ('timeline')"),
        ("[1, 2]", "is not a JSON export of incidentbot (list indices must be integers"),
        ("not json", "is not a JSON export of incidentbot (Expecting value: line 1 column 1"),
    ],
)
def test_a_missing_or_foreign_export_is_one_sentence(
    recorded, tmp_path: Path, content: str | None, problem: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "other.json"
    if content is not None:
        path.write_text(content, "utf-8")
    (found,) = exports.against(recorded.store, path)
    assert str(found).startswith(f"{path}: {problem}")
