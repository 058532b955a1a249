"""The whole bot as a process: ``incidentbot serve`` against the fake Slack, and its refusals."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fakeslack import FakeSlack
from slackutil import DANA, SECRET, TOKEN, signature, slash_body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(tmp_path: Path, fake: FakeSlack) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "SLACK_API_URL": f"{fake.url}/api/",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_TZ": "UTC",
    }


def start(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "incidentbot.cli", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_listening(proc: subprocess.Popen[str]) -> list[str]:
    lines: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:  # blocks on the process's own output: no sleeping
        lines.append(line)
        if "listening on" in line:
            return lines
    raise AssertionError("serve exited early:\n" + "".join(lines))


def post(port: int, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_runs_the_whole_bot(tmp_path: Path) -> None:
    with FakeSlack.run_in_thread() as fake:
        fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        port = free_port()
        proc = start(environment(tmp_path, fake), port)
        try:
            wait_listening(proc)
            body = slash_body(
                "declare Volunteer laptop stolen playbook=generic-breach jurisdiction=qc",
                user=DANA,
                channel="C0GENERAL",
                response_url=fake.response_url("RP"),
                trigger="5555.1.a",
            )
            assert post(port, body, signature(body)) == 200
            assert post(port, body, signature(body, secret="wrong")) == 401
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:  # noqa: S310
                assert json.loads(r.read())["ok"] is True
        finally:
            proc.send_signal(signal.SIGTERM)
            _, rest = proc.communicate(timeout=30)  # reads and closes the pipe
        assert proc.returncode == 0, rest
        assert "Traceback" not in rest
        channel = fake.calls_to("conversations.create")[0].args["name"]
        created = [c for c in fake.channels.values() if c["name"].startswith("inc-")]
        assert len(created) == 1 and created[0]["pins"] and DANA in created[0]["members"]
        assert "INC-1 declared" in fake.responses["RP"][0]["text"]
        assert channel.startswith("inc-") and channel.endswith("-volunteer-laptop-stolen")
    db = sqlite3.connect(tmp_path / "bot.db")
    assert db.execute("SELECT ref, title FROM incidents").fetchall() == [
        ("INC-1", "Volunteer laptop stolen")
    ]


def test_a_revoked_token_at_start_up_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with FakeSlack.run_in_thread() as fake:
        fake.revoke_token()
        proc = start(environment(tmp_path, fake), free_port())
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("SLACK_BOT_TOKEN was refused by Slack (invalid_auth)")
    )
    assert "Traceback" not in err


def test_a_french_operator_reads_the_refused_token_in_french(tmp_path: Path) -> None:
    from incidentbot.typography import french

    with FakeSlack.run_in_thread() as fake:
        fake.revoke_token()
        env = {**environment(tmp_path, fake), "INCIDENTBOT_LANG": "fr"}
        proc = start(env, free_port())
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().splitlines()[-1] == french(
        "Slack a refusé SLACK_BOT_TOKEN (invalid_auth) ; créez un nouveau jeton de bot "
        "(OAuth & Permissions) et indiquez-le de nouveau."
    )


def test_an_unreachable_slack_api_is_named_in_french(tmp_path: Path) -> None:
    from incidentbot.typography import french

    port = free_port()  # nothing listens there
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": "fr",
    }
    proc = start(env, free_port())
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        french(f"SLACK_API_URL : impossible de joindre http://127.0.0.1:{port}/api/ (")
    )
    assert "Traceback" not in err


def test_missing_credentials_name_the_variable(tmp_path: Path) -> None:
    from incidentbot.cli import main

    env: dict[str, Any] = {"INCIDENTBOT_DB": str(tmp_path / "bot.db"), "SLACK_BOT_TOKEN": TOKEN,
                           "SLACK_SIGNING_SECRET": None, "SLACK_APP_TOKEN": None}  # fmt: skip
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "SLACK_SIGNING_SECRET is not set; it is needed for this command (see README, Slack set-up)."
    )
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 1
    assert "SLACK_APP_TOKEN is not set" in result.output
