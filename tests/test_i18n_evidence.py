"""What ``incidentbot verify``, the store and the assessment say reaches each reader in their
language: a French DPO who runs verify on a tampered file, points INCIDENTBOT_DB at the wrong
file or mistypes an assessment reads French, an English one English.

Everything runs through the real command line (``python -m incidentbot.cli``) on a real SQLite
file built by the shell, and is tampered with by plain SQL, as an insider would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from incidentbot.core.assess_inputs import DATA_CATEGORIES, KEYS
from incidentbot.typography import french

SCRIPT = """\
declare Donor file leaked playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc
note The vendor confirms two downloads
assess data=contact,political persons=2300 identifiable=full confidentiality=unknown_recipient malicious=yes
"""


def run(
    tmp_path: Path, lang: str, *args: str, db: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(db or tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": lang,
        "INCIDENTBOT_TZ": "America/Toronto",
        "NO_COLOR": "1",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def shell(tmp_path: Path, lang: str, script: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    return run(tmp_path, lang, "shell", "--script", "script.txt", "--as", "alice")


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines the bot printed, without the echo of the script's own lines."""
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not line.startswith("[")
    ]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One incident with a note and an assessment, recorded by the shell; copied per test."""
    home = tmp_path_factory.mktemp("recorded")
    result = shell(home, "en", SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    return home / "bot.db"


@pytest.fixture
def db(recorded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    shutil.copyfile(recorded, path)
    return path


def tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in triggers:  # the insider drops the guards first
        conn.execute(f"DROP TRIGGER {name}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def head(path: Path) -> int:
    conn = sqlite3.connect(path)
    (seq,) = conn.execute("SELECT head_seq FROM incidents WHERE ref = 'INC-1'").fetchone()
    conn.close()
    return int(seq)


def verify(tmp_path: Path, lang: str, *args: str, **extra: str) -> tuple[int, str]:
    result = run(tmp_path, lang, "verify", *args, **extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, (result.stdout + result.stderr).strip()


# -- the store: a file that is not the database ---------------------------------------------------


def _missing(path: Path) -> None:
    pass


def _folder(path: Path) -> None:
    path.mkdir()


def _empty(path: Path) -> None:
    """An SQLite file with no table in it (a database created, then emptied)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE scratch (x)")
    conn.execute("DROP TABLE scratch")
    conn.commit()
    conn.close()


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    path.write_text("these are my notes, not a database" * 100)


@pytest.mark.parametrize(
    ("make", "en", "fr"),
    [
        (
            _missing,
            "There is no incidentbot database at {path}; check INCIDENTBOT_DB (nothing was "
            "created).",
            "Il n'y a pas de base incidentbot à {path} ; vérifiez INCIDENTBOT_DB (rien n'a été "
            "créé).",
        ),
        (
            _folder,
            "{path} is a folder, not a database; point INCIDENTBOT_DB at a file.",
            "{path} est un dossier, pas une base ; indiquez un fichier dans INCIDENTBOT_DB.",
        ),
        (
            _empty,
            "There is no incidentbot database at {path} (the file is empty); check "
            "INCIDENTBOT_DB (nothing was created).",
            "Il n'y a pas de base incidentbot à {path} (le fichier est vide) ; vérifiez "
            "INCIDENTBOT_DB (rien n'a été créé).",
        ),
        (
            _foreign,
            "{path} is an SQLite file but not an incidentbot database; point INCIDENTBOT_DB at "
            "another file.",
            "{path} est un fichier SQLite qui n'est pas une base incidentbot ; indiquez un autre "
            "fichier dans INCIDENTBOT_DB.",
        ),
        (
            _damaged,
            "The database {path} is damaged or is not an incidentbot database (SQLite says: "
            "file is not a database); restore it from a backup or a replica (docs/evidence.md).",
            "La base {path} est endommagée ou n'est pas une base incidentbot (SQLite : file is "
            "not a database) ; restaurez-la depuis une sauvegarde ou une réplique "
            "(docs/evidence.md).",
        ),
    ],
    ids=["missing", "folder", "empty", "foreign", "damaged"],
)
def test_a_file_that_is_not_the_database_is_refused_in_the_readers_language(
    tmp_path: Path, make, en: str, fr: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "given.db"
    make(path)
    for lang, expected in (("en", en), ("fr", french(fr))):
        code, out = verify(tmp_path, lang, INCIDENTBOT_DB=str(path))
        assert code == 1
        assert out == expected.format(path=path)


def test_a_database_from_a_newer_incidentbot_is_refused_in_french(db: Path, tmp_path: Path) -> None:
    tamper(
        db,
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('incidentbot', 'm999_from_the_future', '2030-01-01')",
    )
    code, out = verify(tmp_path, "fr")
    assert code == 1
    assert out == french(
        f"{db} a été écrite par une version plus récente d'incidentbot (schéma "
        "m999_from_the_future) ; mettez incidentbot à jour avant de l'ouvrir."
    )
    assert verify(tmp_path, "en")[1].endswith("upgrade incidentbot before opening it.")


# -- the chain and the tables ---------------------------------------------------------------------


def test_an_altered_event_is_named_in_french_and_in_english(db: Path, tmp_path: Path) -> None:
    tamper(db, "UPDATE timeline SET actor = 'mallory' WHERE seq = 2")
    assert verify(tmp_path, "fr") == (
        1,
        french(
            "INC-1 : l'événement #2 a été modifié (son empreinte ne correspond pas à son contenu)"
        ),
    )
    assert verify(tmp_path, "en") == (
        1,
        "INC-1: event #2 was altered (its hash does not match its content)",
    )


def test_a_deleted_event_and_a_head_moved_back_are_named_in_french(
    db: Path, tmp_path: Path
) -> None:
    last = head(db)
    tamper(db, "UPDATE incidents SET head_seq = head_seq - 1")
    assert verify(tmp_path, "fr") == (
        1,
        french(
            f"INC-1 : la tête de chaîne indique #{last - 1}, mais les événements vont jusqu'à #{last}"
        ),
    )
    tamper(db, f"UPDATE incidents SET head_seq = {last + 1}")
    assert verify(tmp_path, "fr") == (
        1,
        french(f"INC-1 : l'événement #{last + 1} manque (supprimé)"),
    )


def test_a_row_edited_outside_the_bot_is_named_in_french(db: Path, tmp_path: Path) -> None:
    tamper(db, "UPDATE incidents SET title = 'Rien à signaler'")
    expected_fr = french(
        'INC-1 : ligne de l\'incident, le titre : "Rien à signaler" dans la table ne '
        "correspond pas à l'événement #1 (declared) ; la ligne a été modifiée en dehors du bot"
    )
    assert verify(tmp_path, "fr") == (1, expected_fr)
    assert verify(tmp_path, "en") == (
        1,
        'INC-1: incident row, the title: "Rien à signaler" in the table does not match event '
        "#1 (declared); the row was changed outside the bot",
    )
    # the export says so too, in the reader's language
    markdown = run(tmp_path, "fr", "export", "INC-1").stdout
    assert french("Chaîne de hachage : ") + expected_fr in markdown


def test_a_deleted_assessment_row_is_named_in_french(db: Path, tmp_path: Path) -> None:
    tamper(db, "DELETE FROM assessments")
    code, out = verify(tmp_path, "fr")
    assert code == 1
    assert out.startswith(french("INC-1 : évaluation v1 : l'événement #"))
    assert out.endswith(
        french(
            "(assessed) la consigne, mais la table assessments n'a pas cette ligne ; la ligne "
            "a été supprimée en dehors du bot"
        )
    )


# -- published heads, timestamp tokens, kept exports ---------------------------------------------


def test_an_unreadable_timestamp_token_is_named_in_french(db: Path, tmp_path: Path) -> None:
    tamper(
        db,
        "INSERT INTO anchors (incident, seq, hash, reason, at, token) SELECT ref, head_seq, "
        "head_hash, 'close', '2026-11-20T15:00:00+00:00', 'AAAA' FROM incidents",
    )
    last = head(db)
    code, out = verify(tmp_path, "fr")
    assert code == 1
    assert out.startswith(
        french(
            f"INC-1 : le jeton d'horodatage de l'événement #{last} (base) : le jeton est illisible ("
        )
    )
    code, out = verify(tmp_path, "en")
    assert out.startswith(
        f"INC-1: the timestamp token of event #{last} (database): the token cannot"
    )


def test_heads_out_of_reach_in_slack_are_a_french_note_not_a_failure(
    db: Path, tmp_path: Path
) -> None:
    tamper(db, "UPDATE incidents SET channel = 'C0INCIDENT'")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slack = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_API_URL": f"http://127.0.0.1:{port}/api/"}
    code, out = verify(tmp_path, "fr", **slack)
    assert code == 0
    assert out.splitlines()[0].startswith(
        french("INC-1 : les têtes publiées dans Slack ne peuvent pas être relues dans C0INCIDENT (")
    )
    code, out = verify(tmp_path, "en", **slack)
    assert out.splitlines()[0].startswith(
        "INC-1: the heads published in Slack cannot be read back from C0INCIDENT ("
    )


def test_a_kept_export_the_database_no_longer_extends_is_named_in_french(
    db: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.json"
    assert (
        run(tmp_path, "fr", "export", "INC-1", "--format", "json", "-o", str(kept)).returncode == 0
    )
    assert json.loads(kept.read_text("utf-8"))["chain"]["verified"] is True
    code, out = verify(tmp_path, "fr", "--against", "missing.json")
    assert code == 1 and out.startswith(french("missing.json : illisible ("))
    (tmp_path / "list.json").write_text("[1, 2]", "utf-8")
    code, out = verify(tmp_path, "fr", "--against", "list.json")
    assert out.startswith(french("list.json : ce n'est pas un export JSON d'incidentbot ("))
    # the insider removes the last event and moves the head back onto the one before it
    last = head(db)
    tamper(
        db,
        f"DELETE FROM timeline WHERE seq = {last}",
        f"UPDATE incidents SET head_seq = {last - 1}, "
        f"head_hash = (SELECT hash FROM timeline WHERE seq = {last - 1})",
    )
    code, out = verify(tmp_path, "fr", "--against", str(kept))
    assert code == 1
    assert (
        french(
            f"INC-1 : l'événement #{last} de kept.json manque dans la base : la base ne prolonge "
            "pas cet export"
        )
        in out.splitlines()
    )


def test_a_token_count_reads_as_a_plural_in_both_languages() -> None:
    from incidentbot.i18n import Message

    assert str(Message("anchors.tokens_signed", count=1)) == (
        "1 timestamp token checked (with signatures)."
    )
    assert Message("anchors.tokens_content", count=2).render("fr") == french(
        "2 jetons d'horodatage vérifiés (contenu seulement : définissez timestamp_ca)."
    )


# -- the assessment's inputs and a decision overridden ------------------------------------------

BAD_INPUTS = """\
declare Fichier des donateurs divulgué playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc
assess persons=beaucoup
assess data=contact,opinions
assess malicious=peutêtre
assess identifiable=tout
assess recipient=trusted confidentiality=none
assess recipient=public confidentiality=known_recipient
assess trusted_because=secrecy recipient=internal confidentiality=known_recipient
assess data=contact,political persons=2300 identifiable=full confidentiality=unknown_recipient malicious=yes
assess override=qc authority=no persons=no
assess gravité=haute
"""


def test_a_mistyped_assessment_is_refused_in_french(tmp_path: Path) -> None:
    lines = said(shell(tmp_path, "fr", BAD_INPUTS))
    refusals = [line.removeprefix("✗ ") for line in lines if line.startswith("✗")]
    assert refusals == [
        french(text)
        for text in (
            "persons=beaucoup n'est pas admis : utilisez un nombre entier (par ex. persons=869) "
            "ou unknown.",
            "data=contact,opinions n'est pas admis : utilisez une liste séparée par des virgules "
            f"parmi {', '.join(DATA_CATEGORIES)} (par ex. data=contact,financial), ou unknown.",
            "malicious=peutêtre n'est pas admis : utilisez yes ou no (ou oui/non, true/false), "
            "ou unknown.",
            "identifiable=tout n'est pas admis : utilisez negligible, limited, significant, full "
            "ou unknown.",
            "recipient=trusted ne va pas avec confidentiality=none : omettez recipient.",
            "recipient=public ne va pas avec confidentiality=known_recipient : utilisez "
            "internal, trusted, identified.",
            "trusted_because ne vaut que pour recipient=trusted, pas pour recipient=internal.",
            "Un changement de décision exige une raison : dites pourquoi.",
            f"Clé d'évaluation inconnue « gravité » : utilisez {', '.join(KEYS)} (par ex. "
            "identifiable=full).",
        )
    ]


def test_a_mistyped_assessment_is_refused_in_english(tmp_path: Path) -> None:
    lines = said(shell(tmp_path, "en", BAD_INPUTS))
    refusals = [line.removeprefix("✗ ") for line in lines if line.startswith("✗")]
    assert (
        refusals[0]
        == "persons=beaucoup is not allowed: use a whole number (e.g. persons=869) or unknown."
    )
    assert (
        refusals[4] == "recipient=trusted does not fit confidentiality=none: leave recipient out."
    )
    assert refusals[5] == (
        "recipient=public does not fit confidentiality=known_recipient: use internal, trusted, "
        "identified."
    )
    assert refusals[6] == "trusted_because is only for recipient=trusted, not recipient=internal."
    assert refusals[7] == "An override needs a reason: say why you decide otherwise."
    assert refusals[8] == (
        f'Unknown assessment key "gravité": use {", ".join(KEYS)} (e.g. identifiable=full).'
    )


def test_an_intact_database_is_counted_in_the_readers_language_with_singulars(
    db: Path, tmp_path: Path
) -> None:
    code, out = verify(tmp_path, "en")
    assert code == 0
    assert re.fullmatch(r"OK: \d+ events in 1 incident verify\.", out.splitlines()[-1]), out
    code, out = verify(tmp_path, "fr")
    assert code == 0
    assert re.fullmatch(
        french(r"OK : \d+ événements dans 1 incident, la chaîne est vérifiée\."),
        out.splitlines()[-1],
    ), out
