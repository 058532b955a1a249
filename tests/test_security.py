"""Forged, stale and replayed requests; tokens kept out of logs and replies; the file at rest."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from slackutil import DANA, DECLARE_FR, TOKEN, Harness, next_id, signature, slash_body

from incidentbot.service import reports
from incidentbot.store import Store


@pytest.fixture
def slack_declares() -> str:
    return DECLARE_FR


def body(slack: Harness, text: str) -> str:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    return slash_body(text, user=DANA, channel=channel,
                      response_url=slack.fake.response_url(next_id("R")),
                      trigger=next_id("8888.42."))  # fmt: skip


async def send(slack: Harness, raw: str, headers: dict[str, str]) -> int:
    status, _ = await slack.post(raw, "application/x-www-form-urlencoded", headers=headers,
                                 signed=False)  # fmt: skip
    await slack.bot.settle()
    return status


def notes(slack: Harness) -> int:
    return slack.db("SELECT COUNT(*) FROM timeline WHERE kind = 'note'")[0][0]


@pytest.mark.asyncio
async def test_forged_and_stale_requests_are_refused(slack: Harness) -> None:
    raw = body(slack, "note forged")
    assert await send(slack, raw, signature(raw, secret="not-the-secret")) == 401
    stale = int(time.time()) - 6 * 60
    assert await send(slack, raw, signature(raw, ts=stale)) == 401
    assert await send(slack, raw, {}) == 401
    tampered = signature(raw)
    assert await send(slack, raw.replace("forged", "altered"), tampered) == 401
    assert notes(slack) == 0


@pytest.mark.asyncio
async def test_a_replayed_command_or_click_acts_once(slack: Harness) -> None:
    raw = body(slack, "note said once")
    headers = signature(raw)
    assert await send(slack, raw, headers) == 200
    assert await send(slack, raw, headers) == 200  # the very same signed request again
    raw2 = body(slack, "note said once")  # same text, new trigger: a new command
    resigned = signature(raw, ts=int(time.time()) - 1)  # same body, signed anew
    assert await send(slack, raw, resigned) == 200  # dropped by the trigger id
    assert notes(slack) == 1
    assert await send(slack, raw2, signature(raw2)) == 200
    assert notes(slack) == 2


@pytest.mark.asyncio
async def test_the_token_never_reaches_logs_replies_or_exports(
    slack: Harness, caplog: Any, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fake.fail_next("chat.postEphemeral", status=500)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    for text in ("status", "note a clue", "done preserve-logs copied", "bogus thing", "timeline"):
        await slack.command(text, channel=channel)
    slack.fake.revoke_token()  # an error path: Slack refuses the token
    await slack.command("note after revoke", channel=channel)
    records = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert len(caplog.records) > 20  # the scenario was really logged at DEBUG
    assert TOKEN not in records and TOKEN not in caplog.text
    replies = str(slack.fake.responses) + str(slack.fake.messages) + str(slack.fake.ephemerals)
    assert TOKEN not in replies
    for fmt in ("json", "md", "csv"):
        export = reports.export(slack.service, "INC-1", fmt, lang="en", tz=slack.bot.tz)
        assert "a clue" in export and TOKEN not in export
    assert TOKEN not in str(slack.db("SELECT * FROM outbox")) + repr(slack.bot.settings)


def test_the_database_is_owner_only(settings: Any, service: Any) -> None:
    mode = stat.S_IMODE(os.stat(service.store.path).st_mode)
    assert mode == 0o600


@pytest.mark.asyncio
async def test_a_backup_taken_while_the_bot_writes_verifies(slack: Harness, tmp_path: Path) -> None:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    writes = asyncio.gather(*(slack.command(f"note n{i}", channel=channel) for i in range(40)))
    copy = await slack.bot.runner.call(slack.service.store.backup, tmp_path / "copy.db")
    await writes
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    store = Store(copy)
    try:
        assert store.verify() == []
        assert store.conn.execute("SELECT COUNT(*) FROM incidents").fetchone() == (1,)
    finally:
        store.close()
