"""The evidence as an insider would attack it and as a broken disk would damage it.

Every test runs the real command line on a real SQLite file written by the real shell; the
attacks are made the way an administrator with write access to the file would make them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from incidentbot.store import chain

ROOT = Path(__file__).resolve().parent.parent

INCIDENT = """\
declare Fuite du fichier des donateurs « été » playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc,fr
done revoke-vendor-access Compte VPN du prestataire désactivé à 15 h 10
assign notify-regulator @dpo
fact description Export of 869 donor records
fact persons_in_quebec 869
assess data=contact,financial,political persons=869 records=869 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no backup=yes vulnerable=no
draft regulator qc
approve regulator-qc
draft press
notified qc CAI-2026-117
note Vendor confirms the export was downloaded twice
"""


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env["HOME"],
    )


def make_env(home: Path, db: Path) -> dict[str, str]:
    import os

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(home),
        "INCIDENTBOT_DB": str(db),
        "INCIDENTBOT_TZ": "UTC",
        "INCIDENTBOT_LANG": "en",
    }


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One incident recorded through the shell: steps, facts, assessment, drafts, approval."""
    home = tmp_path_factory.mktemp("recorded")
    env = make_env(home, home / "bot.db")
    script = home / "incident.txt"
    script.write_text(INCIDENT, encoding="utf-8")
    result = cli("shell", "--script", str(script), "--as", "alice", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return home / "bot.db"


@pytest.fixture
def env(tmp_path: Path, recorded: Path) -> dict[str, str]:
    """A private copy of the recorded database (SQLite's backup API: WAL included)."""
    src = sqlite3.connect(recorded)
    dst = sqlite3.connect(tmp_path / "bot.db")
    src.backup(dst)
    src.close()
    dst.close()
    return make_env(tmp_path, tmp_path / "bot.db")


def tamper(env: dict[str, str], *sql: str) -> None:
    """What an administrator with write access to the file can do, triggers and all."""
    conn = sqlite3.connect(env["INCIDENTBOT_DB"])
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- untouched and appended databases pass --------------------------------------------------


def test_an_untouched_database_verifies(env: dict[str, str]) -> None:
    result = cli("verify", env=env)
    assert result.returncode == 0, result.stderr
    assert "OK: 12 events in 1 incident verify." in result.stdout


def test_a_database_that_only_grew_verifies_against_its_earlier_export(
    env: dict[str, str], tmp_path: Path
) -> None:
    earlier = tmp_path / "INC-1.json"
    assert cli("export", "INC-1", "--format", "json", "-o", str(earlier), env=env).returncode == 0
    script = tmp_path / "more.txt"
    script.write_text("INC-1 note Logs copied\nINC-1 fact cause Misconfigured bucket\n")
    assert cli("shell", "--script", str(script), env=env).returncode == 0
    result = cli("verify", "--against", str(earlier), env=env)
    assert result.returncode == 0, result.stderr
    assert "14 events" in result.stdout and "extending 1 earlier export" in result.stdout


# -- rows edited behind the service's back ---------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE drafts SET body = replace(body, 'Commission', 'Comission') "
            "WHERE kind = 'regulator'",
            "INC-1: draft regulator-qc-fr-1 (row 1): the text does not match the SHA-256 "
            "recorded in event #8 (draft_created",
        ),
        (
            "UPDATE incidents SET title = 'Minor glitch'",
            'INC-1: incident row, the title: "Minor glitch" in the table does not match event #1 (declared)',
        ),
        (
            "UPDATE incidents SET facts = json_set(facts, '$.persons_in_quebec', 12)",
            "INC-1: incident row, the facts: {",
        ),
        (
            "UPDATE incidents SET aware_at = '2026-11-21T09:00:00+00:00'",
            "INC-1: incident row, the awareness time: ",
        ),
        (
            "UPDATE steps SET note = 'Done later' WHERE step_id = 'revoke-vendor-access'",
            'INC-1: step revoke-vendor-access, the note: "Done later" in the table does not match event #3',
        ),
        (
            "UPDATE steps SET assignee = 'mallory' WHERE step_id = 'notify-regulator'",
            'INC-1: step notify-regulator, the assignee: "mallory" in the table does not match event #4',
        ),
        (
            "UPDATE steps SET status = 'done', done_by = 'alice' WHERE step_id = 'preserve-logs'",
            'INC-1: step preserve-logs, the status: "done" in the table does not match the timeline',
        ),
        (
            "UPDATE assessments SET result = json_set(result, '$.score', 1.5)",
            "INC-1: assessment v1, the score: 1.5 in the table does not match event #7 (assessed)",
        ),
        (
            "UPDATE drafts SET approved_by = 'mallory' WHERE kind = 'regulator'",
            'INC-1: draft regulator-qc-fr-1 (row 1), the approver: "mallory" in the table does not match event #9',
        ),
        (
            "UPDATE drafts SET approved_by = 'alice', approved_at = created_at "
            "WHERE kind = 'press'",
            "INC-1: draft press-en-1 (row 2): approved by alice in the table but no "
            "`draft_approved` event",
        ),
        (
            "UPDATE notifications SET reference = 'CAI-0000'",
            'INC-1: notification qc (row 1), the regulator\'s reference: "CAI-0000" in the table',
        ),
        (
            "DELETE FROM drafts WHERE kind = 'press'",
            "INC-1: draft press-en-1: event #10 (draft_created) recorded it but the drafts "
            "table has no such row",
        ),
    ],
    ids=[
        "draft-body",
        "title",
        "facts",
        "aware",
        "step-note",
        "step-assignee",
        "step-status",
        "assessment-score",
        "approver",
        "approval-added",
        "notification-reference",
        "draft-deleted",
    ],
)
def test_a_row_edited_outside_the_bot_is_named(
    env: dict[str, str], sql: str, expected: str
) -> None:
    tamper(env, sql)
    assert expected in one_sentence(cli("verify", env=env))
    exported = json.loads(cli("export", "INC-1", "--format", "json", env=env).stdout)
    assert exported["chain"]["verified"] is False
    assert expected in exported["chain"]["problem"]


# -- the whole chain rewritten: only copies outside the database can tell ---------------------


def rewrite_chain(db: str, *, edit_seq: int, delete_seq: int) -> None:
    """Drop the triggers, edit one event, delete another, renumber and re-hash everything after,
    update the head, put the triggers back: the attack of issue 17, done by the book."""
    from incidentbot.store.migrations import APPEND_ONLY_TRIGGERS

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER timeline_no_update")
    conn.execute("DROP TRIGGER timeline_no_delete")
    conn.execute(
        "UPDATE timeline SET text = 'nothing to report' WHERE incident = 'INC-1' AND seq = ?",
        [edit_seq],
    )
    conn.execute("DELETE FROM timeline WHERE incident = 'INC-1' AND seq = ?", [delete_seq])
    rows = [dict(r) for r in conn.execute("SELECT * FROM timeline ORDER BY seq")]
    prev = chain.GENESIS
    for n, row in enumerate(rows, start=1):
        row["seq"] = n
        digest = chain.link(prev, row)
        conn.execute(
            "UPDATE timeline SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [n, prev, digest, row["id"]],
        )
        prev = digest
    conn.execute("UPDATE incidents SET head_seq = ?, head_hash = ?", [len(rows), prev])
    conn.executescript(APPEND_ONLY_TRIGGERS)
    conn.commit()
    conn.close()


def test_a_rewritten_chain_passes_alone_but_not_against_an_earlier_export(
    env: dict[str, str], tmp_path: Path
) -> None:
    earlier = tmp_path / "lawyer-copy.json"
    cli("export", "INC-1", "--format", "json", "-o", str(earlier), env=env)
    # the note (event 12) is reworded and the step assignment (event 4) disappears: neither is
    # mirrored in another table the insider would also have to fix
    tamper(env, "UPDATE steps SET assignee = NULL WHERE step_id = 'notify-regulator'")
    rewrite_chain(env["INCIDENTBOT_DB"], edit_seq=12, delete_seq=4)
    alone = cli("verify", env=env)
    assert alone.returncode == 0, alone.stderr  # what the database alone can prove: nothing
    result = one_sentence(cli("verify", "--against", str(earlier), env=env))
    assert result.startswith("INC-1: event #4 differs from lawyer-copy.json (sha256:")
    assert "the database does not extend that export" in result


def test_against_a_missing_or_foreign_export_is_one_sentence(
    env: dict[str, str], tmp_path: Path
) -> None:
    missing = one_sentence(cli("verify", "--against", str(tmp_path / "nope.json"), env=env))
    assert "nope.json: cannot be read" in missing
    (tmp_path / "other.json").write_text('{"hello": 1}')
    foreign = one_sentence(cli("verify", "--against", str(tmp_path / "other.json"), env=env))
    assert "other.json: is not a JSON export of incidentbot" in foreign


def test_an_export_edited_by_hand_is_refused_as_a_reference(
    env: dict[str, str], tmp_path: Path
) -> None:
    earlier = tmp_path / "copy.json"
    cli("export", "INC-1", "--format", "json", "-o", str(earlier), env=env)
    data = json.loads(earlier.read_text(encoding="utf-8"))
    data["timeline"][2]["text"] = "edited"
    earlier.write_text(json.dumps(data), encoding="utf-8")
    result = one_sentence(cli("verify", "--against", str(earlier), env=env))
    assert "copy.json: the export itself does not verify: INC-1: event #3 was altered" in result


# -- damaged, foreign, read-only or missing databases ----------------------------------------


@pytest.mark.parametrize("command", [("verify",), ("export", "INC-1"), ("register",)])
def test_read_only_commands_never_create_a_database(tmp_path: Path, command: tuple[str]) -> None:
    env = make_env(tmp_path, tmp_path / "typo" / "bot.db")
    message = one_sentence(cli(*command, env=env))
    assert message == (
        f"There is no incidentbot database at {tmp_path / 'typo' / 'bot.db'}; check "
        "INCIDENTBOT_DB (nothing was created)."
    )
    assert not (tmp_path / "typo").exists()
    (tmp_path / "empty.db").touch()
    env = make_env(tmp_path, tmp_path / "empty.db")
    assert "There is no incidentbot database" in one_sentence(cli(*command, env=env))
    assert (tmp_path / "empty.db").stat().st_size == 0


def _checkpoint(db: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _page_of(db: str, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
    conn.close()
    return size, root[0]


def test_a_zeroed_page_of_the_steps_table_fails_the_integrity_check(env: dict[str, str]) -> None:
    db = env["INCIDENTBOT_DB"]
    _checkpoint(db)
    size, page = _page_of(db, "steps")
    with open(db, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\0" * size)
    message = one_sentence(cli("verify", env=env))
    assert "damaged" in message
    assert "integrity check" in message or "malformed" in message


@pytest.mark.parametrize("command", [("verify",), ("export", "INC-1"), ("register",)])
def test_a_truncated_database_is_one_sentence(env: dict[str, str], command: tuple[str]) -> None:
    db = env["INCIDENTBOT_DB"]
    _checkpoint(db)
    data = Path(db).read_bytes()
    Path(db).write_bytes(data[: len(data) // 3])
    message = one_sentence(cli(*command, env=env))
    assert f"The database {db} is damaged" in message or "integrity check fails" in message


@pytest.mark.parametrize("offset", [100, 4096 + 8, 3 * 4096 + 200])
def test_a_bit_flipped_database_is_one_sentence(env: dict[str, str], offset: int) -> None:
    db = env["INCIDENTBOT_DB"]
    _checkpoint(db)
    with open(db, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))
    for command in (("verify",), ("export", "INC-1", "--format", "json")):
        result = cli(*command, env=env)
        # a flip may land where SQLite does not look (free space): then the data is intact
        if result.returncode == 0:
            continue
        message = one_sentence(result)
        assert "damaged" in message or "altered" in message or "outside the bot" in message


def test_a_file_that_is_not_a_database_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("minutes of the meeting\n" * 200)
    env = make_env(tmp_path, tmp_path / "notes.db")
    for command in (("verify",), ("shell", "--script", "-")):
        message = one_sentence(cli(*command, env=env))
        assert "is damaged or is not an incidentbot database" in message or (
            "not an incidentbot database" in message
        )


def test_a_folder_given_as_the_database_is_one_sentence(tmp_path: Path) -> None:
    env = make_env(tmp_path, tmp_path)
    assert "is a folder, not a database" in one_sentence(cli("verify", env=env))


@pytest.fixture
def immutable(env: dict[str, str]):  # type: ignore[no-untyped-def]
    db = env["INCIDENTBOT_DB"]
    _checkpoint(db)
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    done = subprocess.run(["chattr", "+i", db], capture_output=True)
    if done.returncode != 0:
        pytest.skip("this file system or user cannot make a file immutable")
    yield db
    subprocess.run(["chattr", "-i", db], check=True)


def test_an_immutable_database_is_verified_and_exported_read_only(
    env: dict[str, str], immutable: str
) -> None:
    result = cli("verify", env=env)
    assert result.returncode == 0, result.stderr
    assert "OK: 12 events" in result.stdout
    exported = cli("export", "INC-1", "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["chain"]["verified"] is True
    refused = one_sentence(cli("shell", "--script", "-", env=env))
    assert "read-only" in refused or "Cannot open the database" in refused
