"""``incidentbot run`` as Slack drives it: a websocket, envelopes, acks (tests/fakesocket.py).

The bot runs as a real subprocess against the fake Web API and the fake Socket Mode server.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fakeslack import FakeSlack
from fakesocket import FakeSocketMode, slash_payload
from slackutil import (
    DANA,
    LEO,
    TOKEN,
    block_actions,
    clicked,
    event_callback,
    message_shortcut,
    view_submission,
)
from test_slack_process import free_port

APP_TOKEN = "xapp-1-A1-test"


def environment(tmp_path: Path, fake: FakeSlack) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "SLACK_API_URL": f"{fake.url}/api/",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_TZ": "UTC",
    }


class Run:
    """``incidentbot run`` with its stderr read by a thread (the pipe never fills)."""

    def __init__(
        self, env: dict[str, str], port: int, *, until: str = "connected to Slack"
    ) -> None:
        self.port = port
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.until = until
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "incidentbot.cli", "run", "--port", str(port)],
            env=env, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if self.until in line:
                self.ready.set()
        self.ready.set()

    def wait_ready(self) -> None:
        assert self.ready.wait(60) and self.proc.poll() is None, "".join(self.lines)

    def healthz(self) -> tuple[int, dict[str, object]]:
        url = f"http://127.0.0.1:{self.port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return int(response.status), json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.proc.stderr is not None
        self.proc.stderr.close()
        return code


@contextmanager
def slack() -> Iterator[tuple[FakeSlack, FakeSocketMode]]:
    with FakeSlack.run_in_thread() as fake, FakeSocketMode.run_in_thread() as sock:
        fake.socket = sock
        fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        yield fake, sock


def command(fake: FakeSlack, text: str, n: int) -> dict[str, str]:
    return slash_payload(text, user=DANA, channel="C0GENERAL",
                         response_url=fake.response_url(f"R{n}"), trigger=f"7.{n}.s")  # fmt: skip


def notes(db_path: Path) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        return {t for (t,) in db.execute("SELECT text FROM timeline WHERE kind = 'note'")}
    finally:
        db.close()


def test_every_acknowledged_envelope_survives_kill_9(tmp_path: Path) -> None:
    total = 40
    with slack() as (fake, sock):
        env = environment(tmp_path, fake)
        bot = Run(env, free_port())
        bot.wait_ready()
        declare = "declare Donor list leaked playbook=generic-breach jurisdiction=qc"
        sock.wait_ack(sock.send("slash_commands", command(fake, declare, 0)))
        sent = [
            sock.send("slash_commands", command(fake, f"INC-1 note socket entry {n:03d}", n))
            for n in range(1, total + 1)
        ]
        sock.wait_ack(sent[-1])
        bot.proc.send_signal(signal.SIGKILL)  # right after the last ack
        assert bot.stop() == -signal.SIGKILL
        acked = [n for n, eid in enumerate(sent, 1) if sock.acked(eid)]
    stored = notes(tmp_path / "bot.db")
    missing = [n for n in acked if f"socket entry {n:03d}" not in stored]
    print(f"socket mode kill -9: {total} sent, {len(acked)} acked, {len(missing)} lost")
    assert acked and missing == []


def test_declare_note_event_and_refresh_over_the_websocket(tmp_path: Path) -> None:
    with slack() as (fake, sock):
        env = environment(tmp_path, fake)
        bot = Run(env, free_port())
        bot.wait_ready()
        status, health = bot.healthz()
        assert status == 200 and health["slack"] == "connected"
        text = "declare Volunteer laptop stolen playbook=generic-breach jurisdiction=qc"
        assert sock.wait_ack(sock.send("slash_commands", command(fake, text, 1))) is None
        # a read-only command: acked at once, answered through the response URL
        sock.wait_ack(sock.send("slash_commands", command(fake, "INC-1 status", 2)))
        # Slack asks for a refresh: the bot opens a new URL and goes on
        sock.refresh()
        sock.wait_connected(hellos=2)
        pin = event_callback(
            {"type": "reaction_added", "user": DANA, "reaction": "pushpin",
             "item": {"type": "message", "channel": "C0UNKNOWN", "ts": "1.000001"},
             "item_user": DANA, "event_ts": "2.0"},
            event_id="Ev0001",
        )  # fmt: skip
        sock.wait_ack(sock.send("events_api", pin))
        sock.wait_ack(sock.send("slash_commands", command(fake, "INC-1 note after refresh", 3)))
        assert bot.stop() == 0
        assert "Traceback" not in "".join(bot.lines)
        assert fake.responses["R1"] and "INC-1 declared" in fake.responses["R1"][0]["text"]
        assert fake.responses.get("R2"), "the status answer never came"
        assert len(fake.calls_to("apps.connections.open")) == 2
    assert "after refresh" in notes(tmp_path / "bot.db")


def test_an_unacknowledged_envelope_is_redelivered_and_acts_once(tmp_path: Path) -> None:
    with slack() as (fake, sock):
        env = environment(tmp_path, fake)
        bot = Run(env, free_port())
        bot.wait_ready()
        declare = "declare Donor list leaked playbook=generic-breach jurisdiction=qc"
        sock.wait_ack(sock.send("slash_commands", command(fake, declare, 0)))
        bot.stop(signal.SIGKILL)
        # sent while the bot is down: delivered on the next connection, as Slack retries
        eid = sock.send("slash_commands", command(fake, "INC-1 note sent while down", 1))
        again = Run(env, free_port())
        again.wait_ready()
        sock.wait_ack(eid)
        assert sock.sent[eid]["retry_attempt"] == 1
        assert again.stop() == 0
    stored = notes(tmp_path / "bot.db")
    assert "sent while down" in stored


def test_a_refused_app_token_exits_1_with_one_line(tmp_path: Path) -> None:
    with slack() as (fake, _sock):
        fake.revoke_app_token()
        bot = Run(environment(tmp_path, fake), free_port())
        bot.proc.wait(timeout=60)  # it exits by itself
        code = bot.stop()
    err = "".join(bot.lines)
    assert code == 1
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    )
    assert "Traceback" not in err


def test_a_token_revoked_while_running_is_logged_once_and_exits_1(tmp_path: Path) -> None:
    with slack() as (fake, sock):
        bot = Run(environment(tmp_path, fake), free_port())
        bot.wait_ready()
        fake.revoke_app_token()
        sock.refresh()  # the reconnection's apps.connections.open is refused
        bot.proc.wait(timeout=60)
        code = bot.stop()
    err = "".join(bot.lines)
    assert code == 1, err
    assert err.count("Slack refused SLACK_APP_TOKEN") == 1
    assert "Traceback" not in err


def test_pages_and_healthz_answer_before_the_websocket_connects(tmp_path: Path) -> None:
    with slack() as (fake, sock):
        fake.socket = _Unreachable()  # apps.connections.open works, the websocket never answers
        bot = Run(environment(tmp_path, fake), free_port(), until="web pages on")
        bot.wait_ready()
        status, health = bot.healthz()
        assert status == 200 and health["ok"] is True  # within the grace period
        assert str(health["slack"]).startswith("down for")
        assert bot.stop() == 0


class _Unreachable:
    """A Socket Mode URL on which nothing listens."""

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{free_port()}/link/"


@pytest.mark.asyncio
async def test_healthz_is_503_once_the_websocket_is_down_past_the_grace(
    app: Any, settings: Any, service: Any
) -> None:
    from incidentbot.runner import ServiceRunner
    from incidentbot.slack.server import run_async

    async with FakeSlack() as fake:
        fake.socket = _Unreachable()
        settings = replace(settings, slack_bot_token=TOKEN, slack_app_token=APP_TOKEN,
                           slack_api_url=f"{fake.url}/api/")  # fmt: skip
        runner = ServiceRunner(service)
        stop = asyncio.Event()
        port = free_port()
        bot = asyncio.ensure_future(
            run_async(
                replace(app, settings=settings, runner=runner),
                host="127.0.0.1",
                port=port,
                grace=0.0,
                stop=stop,
            )  # fmt: skip
        )
        try:
            async with aiohttp.ClientSession() as http:
                while True:  # until the pages are served (they start before the websocket)
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                            status, report = response.status, await response.json()
                        break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.05)
            assert status == 503
            assert report["ok"] is False and str(report["slack"]).startswith("down for")
        finally:
            stop.set()
            assert await bot == 0
            runner.close()


def test_modal_buttons_shortcut_and_app_home_over_the_websocket(tmp_path: Path) -> None:
    with slack() as (fake, sock):
        bot = Run(environment(tmp_path, fake), free_port())
        bot.wait_ready()
        sock.wait_ack(sock.send("slash_commands", command(fake, "declare", 1)))
        fake.wait_until(lambda: fake.calls_to("views.open"))
        modal = _opened(fake)
        values = {"title": "Donor file exposed", "playbook": "vendor-breach", "lead": LEO,
                  "aware_date": "2026-01-05", "aware_time": "09:00", "jurisdictions": ["qc"]}  # fmt: skip
        sock.wait_ack(sock.send("interactive", view_submission(modal, values, user=DANA)))
        fake.wait_until(lambda: fake.calls_to("pins.add"))  # channel made, card posted, pinned
        channel = fake.calls_to("pins.add")[0].args["channel"]

        steps = command(fake, "steps", 2) | {"channel_id": channel}
        sock.wait_ack(sock.send("slash_commands", steps))
        fake.wait_until(lambda: fake.responses.get("R2"))
        blocks = fake.responses["R2"][-1]["blocks"]
        el, block_id = _element(blocks, "revoke-vendor-access", "step.done")
        click = block_actions(clicked(el, block_id), user=DANA, channel=channel,
                              response_url=fake.response_url("R2"), message_ts="1.000100")  # fmt: skip
        opened = len(fake.calls_to("views.open"))
        sock.wait_ack(sock.send("interactive", click))
        fake.wait_until(lambda: len(fake.calls_to("views.open")) > opened)
        done = view_submission(_opened(fake), {"note": "VPN keys revoked"}, user=DANA)
        sock.wait_ack(sock.send("interactive", done))

        message = {"type": "message", "text": "vendor says 2 downloads", "user": LEO,
                   "ts": "1700000000.000500"}  # fmt: skip
        shortcut = message_shortcut(message, user=DANA, channel=channel,
                                    response_url=fake.response_url("R3"))  # fmt: skip
        sock.wait_ack(sock.send("interactive", shortcut))
        home = event_callback({"type": "app_home_opened", "user": DANA, "tab": "home",
                               "event_ts": "3.0"}, event_id="Ev0002")  # fmt: skip
        sock.wait_ack(sock.send("events_api", home))
        fake.wait_until(lambda: fake.responses.get("R3") and DANA in fake.home)
        assert bot.stop() == 0
        assert "Traceback" not in "".join(bot.lines)
    db = sqlite3.connect(tmp_path / "bot.db")
    kinds = dict(db.execute("SELECT kind, text FROM timeline WHERE kind IN ('step_done','note')"))
    db.close()
    assert kinds == {"step_done": "VPN keys revoked", "note": "vendor says 2 downloads"}
    assert "Donor file exposed" in json.dumps(fake.home[DANA])


def _opened(fake: FakeSlack) -> dict[str, Any]:
    opened = fake.calls_to("views.open")[-1].args["view"]
    return next(v for v in reversed(fake.views.values())
                if v["private_metadata"] == opened["private_metadata"]
                and v["callback_id"] == opened["callback_id"])  # fmt: skip


def _element(blocks: list[dict[str, Any]], step: str, action_id: str) -> tuple[dict[str, Any], str]:
    for block in blocks:
        if block["type"] == "actions" and block["block_id"].split("|")[2:3] == [step]:
            for el in block["elements"]:
                if el["action_id"] == action_id:
                    return el, block["block_id"]
    raise AssertionError(f"no {action_id} for {step}")


@pytest.mark.asyncio
async def test_a_command_the_database_cannot_record_is_acked_not_recorded(
    app: Any, settings: Any, service: Any
) -> None:
    from incidentbot.runner import ServiceRunner
    from incidentbot.slack.socket import CommitAckHandler

    with FakeSocketMode.run_in_thread() as sock:
        async with FakeSlack() as fake:
            fake.socket = sock
            fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
            settings = replace(settings, slack_bot_token=TOKEN, slack_app_token=APP_TOKEN,
                               slack_api_url=f"{fake.url}/api/")  # fmt: skip
            runner = ServiceRunner(service)
            bot = replace(app, settings=settings, runner=runner).slack()
            handler = CommitAckHandler(bot, app_token=APP_TOKEN)
            handler.client.wss_uri = sock.url
            await handler.connect_async()
            try:
                await asyncio.to_thread(sock.wait_connected)
                declare = command(fake, "declare Leak playbook=generic-breach jurisdiction=fr", 1)
                assert (
                    await asyncio.to_thread(sock.wait_ack, sock.send("slash_commands", declare))
                    is None
                )
                await runner.call(service.store.conn.execute, "PRAGMA query_only = ON")
                note = command(fake, "INC-1 note on a full disk", 2)
                answer = await asyncio.to_thread(sock.wait_ack, sock.send("slash_commands", note))
                await runner.call(service.store.conn.execute, "PRAGMA query_only = OFF")
            finally:
                await handler.close_async()
                await bot.stop()
                runner.close()
    assert answer is not None and answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Not recorded")
    assert "on a full disk" not in notes(tmp_path_of(service))


def tmp_path_of(service: Any) -> Path:
    return Path(service.store.path)
