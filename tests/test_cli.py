"""The command line as a user runs it: real subprocesses, a real database file."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

VENDOR_BREACH = """\
# A whole vendor-breach incident, as in the README
/incident declare Donor file leaked by our web vendor playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc
/incident status
/incident steps
/incident done revoke-vendor-access Vendor VPN account disabled at 15:10
/incident assign notify-regulator @dpo
/incident note Vendor confirms the export was downloaded twice
/incident deadlines
/incident timeline 20
/incident close
/incident done scope-exposure Export of 869 donor records, 2026-11-18 to 2026-11-20
/incident done preserve-logs Web server and VPN logs copied to the evidence drive
/incident done vendor-written-account Letter sent to the vendor
/incident assess data=contact,financial,political persons=869 records=869 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no backup=yes vulnerable=no
/incident done assess-risk Assessed: very high, notify the CAI and the donors
/incident done consult-privacy-officer Privacy officer consulted on 2026-11-21: agrees to notify
/incident skip notify-persons Risk assessed as low, see assessment
/incident notified qc CAI-2026-117 note=Notice sent through the CAI's form on 2026-11-21 10:12 by the DPO
/incident done staff-notice Sent to all staff by e-mail
/incident done register-entry Entered in the register
/incident close
"""


def cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env["HOME"],
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_TZ": "America/Toronto",
        "INCIDENTBOT_LANG": "en",
    }


def test_a_scripted_vendor_breach_replays_and_exports(tmp_path: Path, env: dict[str, str]) -> None:
    script = tmp_path / "incident.txt"
    script.write_text(VENDOR_BREACH, encoding="utf-8")
    result = cli("shell", "--script", str(script), "--as", "alice", env=env)
    # the first close is refused (mandatory steps open), so the script exits 1 at the end
    assert result.returncode == 1, result.stderr
    assert "cannot be closed: mandatory steps are still open" in result.stdout
    assert "1 line refused." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "INC-1 is closed." in result.stdout

    exported = cli("export", "INC-1", "--format", "json", env=env)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["incident"]["status"] == "closed"
    assert data["incident"]["jurisdictions"] == ["qc"]
    assert data["assessment"]["inputs"]["persons"] == 869
    assert data["assessment"]["band"] == "very_high"
    assert data["assessment"]["decisions"][0]["jurisdiction"] == "qc"
    assert data["assessment"]["decisions"][0]["authority"] is True
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["revoke-vendor-access"]["note"] == "Vendor VPN account disabled at 15:10"
    assert steps["revoke-vendor-access"]["done_by"] == "alice"
    assert steps["notify-persons"]["status"] == "skipped"
    assert steps["notify-regulator"]["status"] == "done"  # with the note given to `notified`
    assert steps["notify-regulator"]["note"].startswith("Notice sent through the CAI's form")
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds[0] == "declared" and kinds[-1] == "closed"
    assert kinds.count("step_done") == 9  # 8 typed + notify-regulator
    assert data["notifications"][0]["reference"] == "CAI-2026-117"
    assert data["chain"]["verified"] is True
    assert data["chain"]["head"] == data["timeline"][-1]["hash"]

    md = cli("export", "INC-1", "--format", "md", env=env)
    assert "# INC-1 — Donor file leaked by our web vendor" in md.stdout
    assert "Vendor confirms the export was downloaded twice" in md.stdout

    rows = cli("export", "INC-1", "--format", "csv", env=env).stdout
    assert rows.startswith("\ufeff") and not rows.startswith("\ufeff\ufeff")
    table = list(csv.DictReader(io.StringIO(rows[1:])))
    assert len(table) == len(data["timeline"])

    # Written with -o, the file starts with exactly one BOM: a spreadsheet or pandas reading it
    # as UTF-8-sig sees "seq" as the first column's name, not "\ufeffseq".
    out = tmp_path / "timeline.csv"
    cli("export", "INC-1", "--format", "csv", "-o", str(out), env=env)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[0] == "seq"

    verify = cli("verify", env=env)
    assert verify.returncode == 0 and "verify" in verify.stdout


def test_verify_names_the_tampered_event(env: dict[str, str]) -> None:
    cli(
        "shell",
        "--script",
        "-",
        env=env,
        stdin="declare Leak playbook=generic-breach jurisdiction=fr\nnote one\nnote two\n",
    )
    conn = sqlite3.connect(env["INCIDENTBOT_DB"])
    conn.execute("DROP TRIGGER timeline_no_update")
    conn.execute("UPDATE timeline SET text = 'nothing to see' WHERE seq = 2")
    conn.commit()
    result = cli("verify", env=env)
    assert result.returncode == 1
    assert "INC-1: event #2 was altered" in result.stderr


def test_backup_makes_a_verifiable_copy(tmp_path: Path, env: dict[str, str]) -> None:
    cli("shell", "--script", "-", env=env, stdin="declare Leak playbook=generic-breach\nnote x\n")
    result = cli("backup", str(tmp_path / "copy.db"), env=env)
    assert result.returncode == 0, result.stderr
    copy_env = {**env, "INCIDENTBOT_DB": str(tmp_path / "copy.db")}
    assert "2 events in 1 incident verify" in cli("verify", env=copy_env).stdout


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("foreign", ("verify",), "not an incidentbot database"),
        ("none", ("export", "INC-4"), "There is no incidentbot database at"),
        ("empty", ("export", "INC-4"), "No incident INC-4"),
        ("none", ("shell", "--script", "/nonexistent/script.txt"), "Cannot read the script"),
        ("badtz", ("verify",), "INCIDENTBOT_TZ"),
    ],
)
def test_command_line_errors_are_one_sentence_and_exit_1(
    env: dict[str, str], setup: str, args: tuple[str, ...], message: str
) -> None:
    if setup == "foreign":
        conn = sqlite3.connect(env["INCIDENTBOT_DB"])
        conn.execute("CREATE TABLE votes (id INTEGER)")
        conn.commit()
    if setup == "empty":
        from incidentbot.store import Store

        Store(env["INCIDENTBOT_DB"]).close()
    if setup == "badtz":
        env = {**env, "INCIDENTBOT_TZ": "Mars/Olympus_Mons"}
    result = cli(*args, env=env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_playbooks_check_reports_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "broken.yaml").write_text(
        "id: broken\ntitle: {en: Broken, fr: Cassé}\ndescription: {en: x, fr: x}\n"
        "guidance: {en: x, fr: x}\nsteps:\n  - id: a\n    phase: contain\n"
        "    title: {en: A}\n    owner: it\n    requires: [ghost]\n",
        encoding="utf-8",
    )
    result = cli("playbooks", "check", str(folder), env=env)
    assert result.returncode == 1
    assert f"{folder / 'broken.yaml'}:8:" in result.stderr  # the title missing its French
    assert "ghost" in result.stderr
    ok = cli("playbooks", "check", env=env)
    assert ok.returncode == 0, ok.stderr


def test_register_as_csv(env: dict[str, str]) -> None:
    cli("shell", "--script", "-", env=env, stdin="declare Lost laptop playbook=generic-breach\n")
    result = cli("register", "--format", "csv", env=env)
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0]["ref"] == "INC-1" and rows[0]["decisions"] == "not assessed"


def test_every_command_has_help_and_is_in_the_readme(env: dict[str, str]) -> None:
    from incidentbot.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    def walk(group, prefix):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            full = f"{prefix} {name}"
            if hasattr(command, "commands"):
                yield from walk(command, full)
            else:
                yield full

    names = list(walk(main, "incidentbot"))
    assert {"incidentbot shell", "incidentbot verify", "incidentbot playbooks check"} <= set(names)
    for name in names:
        result = cli(*name.split()[1:], "--help", env=env)
        assert result.returncode == 0 and "Usage:" in result.stdout, name
        assert name in readme, f"{name} is not documented in README.md"


def test_the_bundled_playbooks_and_templates_are_package_data() -> None:
    """`pip install .` (not editable) ships them: every file matches a package-data glob."""
    import fnmatch
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["incidentbot"]
    package = ROOT / "incidentbot"
    bundled = [
        p
        for folder in ("playbooks", "templates")
        for p in (package / folder).rglob("*")
        if p.is_file()
    ]
    assert len(bundled) > 30
    for path in bundled:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, g) for g in globs), relative
    assert not (ROOT / "setup.py").exists()


def test_exports_and_draft_files_are_readable_by_their_owner_only(
    tmp_path: Path, env: dict[str, str]
) -> None:
    drafts = tmp_path / "out" / "drafts"
    script = "declare Leak playbook=generic-breach jurisdiction=fr\ndraft press\n"
    done = cli("shell", "--script", "-", "--drafts-dir", str(drafts), env=env, stdin=script)
    assert done.returncode == 0, done.stderr
    written = sorted((drafts / "INC-1").iterdir())
    assert written and all(p.stat().st_mode & 0o777 == 0o600 for p in written), written
    for folder in (tmp_path / "out", drafts, drafts / "INC-1"):  # the bot made them
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    # the exports hold the same personal data as the database (0600): so do they
    old = tmp_path / "INC-1.md"
    old.write_text("an older export", encoding="utf-8")
    old.chmod(0o644)
    for fmt in ("md", "json", "csv"):
        out = tmp_path / f"INC-1.{fmt}"
        done = cli("export", "INC-1", "--format", fmt, "-o", str(out), env=env)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_mode & 0o777 == 0o600, fmt
        assert "Leak" in out.read_text(encoding="utf-8-sig"), fmt
    assert oct(Path(env["INCIDENTBOT_DB"]).stat().st_mode & 0o777) == oct(0o600)
    register = tmp_path / "register.csv"
    assert cli("register", "-o", str(register), env=env).returncode == 0
    assert register.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_deadlines_give_every_time_its_offset_and_each_authority_before_its_persons(
    env: dict[str, str], lang: str
) -> None:
    script = (
        'declare Leak playbook=generic-breach jurisdiction=fr,qc aware="2 hours ago"\n'
        "assess data=contact,political persons=869 identifiable=full "
        "confidentiality=unknown_recipient malicious=yes\n"
        "notified fr CNIL-1\n"
        "deadlines\n"
    )
    done = cli("shell", "--script", "-", env={**env, "INCIDENTBOT_LANG": lang}, stdin=script)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("deadlines\n")[-1].strip().splitlines()
    labels = [re.split(r"\s*:", line.strip(), maxsplit=1)[0] for line in lines]
    persons = "personnes" if lang == "fr" else "persons"
    assert labels == ["CAI", f"CAI — {persons}", "CNIL", f"CNIL — {persons}"], lines
    notified = lines[2]
    done_words = "notification faite le " if lang == "fr" else "notified "
    assert done_words in notified and re.search(r"\d\d:\d\d \(UTC-05:00\)", notified), notified
    # every time on every line carries its offset, as the due and target times always did
    for line in lines:
        times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d( \(UTC[+-]\d\d:\d\d\))?", line)
        assert all(times), line
