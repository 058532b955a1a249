"""Slack outages: with 30% of Web API calls failing nothing recorded is lost, and every message
is delivered once the API recovers, in order per channel, without duplicates; a restart resumes.
Reminders are posted through the same outbox, and those due while the bot was down go out once."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, LEO, Harness, running

from incidentbot.store import outbox

DECLARE = (
    'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
    f"jurisdiction=fr lead=<@{LEO}|leo>"
)
CHANNELS = ("C0PRESS", "C0STAFF", "C0LEGAL")


def quick(slack: Harness) -> None:
    slack.bot.scheduler.base_delay, slack.bot.scheduler.max_delay = 1.0, 8.0


async def drain(slack: Harness, clock: Any, *, rounds: int = 100) -> int:
    """Let clock time pass until nothing is pending; returns the rounds it took."""
    for n in range(rounds):
        await slack.bot.settle()
        if slack.bot.store.conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND next_try_at IS NOT NULL"
        ).fetchone() == (0,):
            return n
        clock.advance(seconds=8)
    raise AssertionError("the outbox did not drain")


async def announce(slack: Harness, channel: str, n: int) -> None:
    """A message the bot posts into ``channel`` (as a reply without a response URL does)."""
    text = f"{channel} message {n:02d}"
    await slack.bot.reply(key=f"test:{channel}:{n}", user=DANA, channel=channel,
                          response_url=None, blocks=[], text=text, public=True)  # fmt: skip


@pytest.mark.asyncio
async def test_thirty_percent_failures_lose_nothing_and_a_restart_resumes(
    app: Any, service: Any, fake: FakeSlack, clock: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="incidentbot.scheduler")
    async with running(app, fake) as first:
        quick(first)
        await first.command(DECLARE)
        inc_channel = first.db("SELECT channel FROM incidents")[0][0]
        fake.set_failure_rate(0.3, seed=11, kinds=("500", "429", "timeout"))
        for n in range(20):
            await first.command(f"note observation {n:02d}", channel=inc_channel)
            for channel in CHANNELS:
                await announce(first, channel, n)
        await first.command("done preserve-logs copied", channel=inc_channel)
        for _ in range(4):  # the outage goes on: retries fail again, 30% of them
            clock.advance(seconds=8)
            await first.bot.settle()
        # the bot stops here, in the middle: some rows are delivered, others wait
        waiting = outbox.pending(service.store)
    assert waiting > 0
    logged = caplog.text
    assert "(internal_error)" in logged and "(request_timeout)" in logged  # 500s and timeouts
    assert "deferred 1.0s (ratelimited)" in logged  # 429 with Retry-After: 1

    # every note was recorded while Slack was failing
    notes = [t for (t,) in service.store.conn.execute(
        "SELECT text FROM timeline WHERE kind = 'note' ORDER BY seq")]  # fmt: skip
    assert notes == [f"observation {n:02d}" for n in range(20)]

    fake.set_failure_rate(0)
    clock.advance(minutes=1)
    async with running(app, fake) as second:
        quick(second)
        await drain(second, clock)
    rows = outbox.rows(service.store)
    assert all(r["delivered_at"] for r in rows), [r for r in rows if not r["delivered_at"]]
    for channel in CHANNELS:
        texts = [m["text"] for m in fake.messages[channel]]
        assert texts == [f"{channel} message {n:02d}" for n in range(20)]  # in order, once each
    posted = [m for m in fake.messages[inc_channel] if m["text"] and "alarm_clock" not in m["text"]]
    assert len(posted) == 1  # one card, updated in place, never re-posted
    assert "Contain 1/" in json.dumps(posted[0]["blocks"])
    assert service.store.verify() == []


@pytest.mark.asyncio
async def test_reminders_due_while_down_are_posted_once_on_start_with_a_snooze_button(
    app: Any, service: Any, fake: FakeSlack, clock: Any
) -> None:
    async with running(app, fake) as first:
        await first.command(
            f"declare Leak playbook=generic-breach aware=now jurisdiction=fr lead=<@{LEO}|leo>"
        )
        channel = first.db("SELECT channel FROM incidents")[0][0]
    before = len(fake.messages[channel])
    clock.advance(hours=71, minutes=30)  # down through the CNIL's 24 h, 6 h and 1 h points
    async with running(app, fake) as second:
        await second.bot.settle()
        cnil = [m for m in fake.messages[channel][before:] if "CNIL deadline" in m["text"]]
        assert len(cnil) == 1
        assert "due in 30 min" in cnil[0]["text"] and "sent late" in cnil[0]["text"]
        (button,) = [b for b in cnil[0]["blocks"] if b["type"] == "actions"][0]["elements"]
        assert button["action_id"] == "reminder_snooze"
        assert button["text"]["text"] == "Snooze 6 h"
        assert json.loads(button["value"]) == {"ref": "INC-1", "item": "clock:fr", "hours": 6}
        dms = [c.args for c in fake.calls_to("chat.postMessage") if c.args["channel"] == LEO]
        assert dms and all("overdue" in d["text"] for d in dms)  # the lead owns overdue steps

        count = len(fake.messages[channel])
        clock.advance(minutes=5)
        await second.bot.settle()
        assert len(fake.messages[channel]) == count  # sent once, not again

        clock.advance(hours=1)  # the deadline itself
        await second.bot.settle()
        at_deadline = [m["text"] for m in fake.messages[channel][count:]]
        assert len([t for t in at_deadline if "CNIL deadline is overdue" in t]) == 1
    keys = [r["key"] for r in outbox.rows(service.store) if r["key"].startswith("reminder:")]
    assert "reminder:INC-1:clock:fr:1h" in keys and "reminder:INC-1:clock:fr:0h" in keys
    assert len(keys) == len(set(keys))
