"""Reliability at the edge: the timeline is written first; Slack calls wait in the outbox."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import LEO, Harness, running

from incidentbot.runner import ServiceRunner
from incidentbot.scheduler import GiveUp, RetryLater, Scheduler
from incidentbot.slack.blocks import reminder_message
from incidentbot.store import outbox

DECLARE = (
    'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
    f"jurisdiction=fr lead=<@{LEO}|leo>"
)


@pytest.fixture
def slack_declares() -> None:
    return None


def pending(slack: Harness) -> list[tuple[Any, ...]]:
    return slack.db(
        "SELECT method, attempts, next_try_at, last_error FROM outbox WHERE delivered_at IS NULL "
        "ORDER BY id"
    )


@pytest.mark.asyncio
async def test_a_500_on_chat_update_is_retried_later_and_the_timeline_is_intact(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(DECLARE)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    fake.fail_next("chat.update", status=500)
    await slack.command("done preserve-logs copied", channel=channel)
    assert slack.db("SELECT COUNT(*) FROM timeline WHERE kind = 'step_done'") == [(1,)]
    ((method, attempts, next_try, error),) = pending(slack)
    assert (method, attempts, error) == ("incident.card", 1, "internal_error")
    assert next_try.startswith("2026-11-22T15:00:02")  # first back-off: 2 s
    assert "Contain 1/" not in json.dumps(fake.messages[channel][0]["blocks"])

    clock.advance(seconds=2)
    await slack.bot.settle()
    assert pending(slack) == []
    assert "Contain 1/" in json.dumps(fake.messages[channel][0]["blocks"])
    assert len(fake.messages[channel]) == 1


@pytest.mark.asyncio
async def test_a_429_waits_exactly_retry_after_and_holds_the_card_back(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.rate_limit_next("conversations.create", retry_after=7)
    await slack.command(DECLARE)
    assert slack.db("SELECT channel FROM incidents") == [(None,)]
    assert [m for m, *_ in pending(slack)] == ["incident.channel", "incident.card"]
    assert pending(slack)[0][1] == 0  # a 429 is not a failed try
    assert fake.calls_to("chat.postMessage") == []

    clock.advance(seconds=6)
    await slack.bot.settle()
    assert len(fake.calls_to("conversations.create")) == 1
    clock.advance(seconds=1)
    await slack.bot.settle()
    (channel,) = slack.db("SELECT channel FROM incidents")[0]
    assert channel and len(fake.messages[channel]) == 1 and pending(slack) == []


@pytest.mark.asyncio
async def test_a_restart_loses_nothing(app: Any, service: Any, fake: FakeSlack, clock: Any) -> None:
    fake.fail_next("conversations.create", status=503, error="service_unavailable")
    async with running(app, fake) as first:
        await first.command(DECLARE)
        assert first.db("SELECT channel FROM incidents") == [(None,)]
    clock.advance(minutes=1)
    async with running(app, fake) as second:
        await second.bot.settle()
        (channel,) = second.db("SELECT channel FROM incidents")[0]
        assert channel is not None and fake.channels[channel]["pins"]


@pytest.mark.asyncio
async def test_a_revoked_token_stops_the_bot_with_one_line(
    slack: Harness, fake: FakeSlack, caplog: Any
) -> None:
    await slack.command(DECLARE)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    fake.revoke_token()
    with caplog.at_level(logging.CRITICAL, logger="incidentbot"):
        await slack.command("done preserve-logs copied", channel=channel)
    assert slack.bot.failed.is_set()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.CRITICAL] == [
        "Slack refused the bot token (invalid_auth); stopping."
    ]
    assert slack.db("SELECT COUNT(*) FROM timeline WHERE kind = 'step_done'") == [(1,)]


@pytest.mark.asyncio
async def test_lanes_keep_order_and_a_blocked_lane_does_not_hold_the_others(
    service: Any, clock: Any
) -> None:
    runner = ServiceRunner(service)
    sent: list[str] = []

    async def deliver(item: outbox.OutboxItem) -> dict[str, Any]:
        if item.key == "a1" and clock() < start + timedelta(seconds=5):
            raise RetryLater("internal_error")
        if item.key == "c1":
            raise GiveUp("channel_not_found")
        sent.append(item.key)
        return {}

    start = clock()
    for key, channel in (("a1", "CA"), ("b1", "CB"), ("a2", "CA"), ("c1", "CC"), ("c2", "CC")):
        outbox.enqueue(service.store, key=key, incident=None, channel=channel, method="m",
                       payload={}, now=clock())  # fmt: skip
    assert not outbox.enqueue(service.store, key="a1", incident=None, channel="CA", method="m",
                              payload={}, now=clock())  # fmt: skip
    scheduler = Scheduler(
        runner=runner,
        store=service.store,
        deliver=deliver,
        clock=clock,
        reminder_message=reminder_message,
    )
    await scheduler.tick(clock())
    assert sent == ["b1", "c2"]  # a2 waits behind a1; c1 was given up and c2 went on
    clock.advance(seconds=5)
    await scheduler.tick(clock())
    assert sent == ["b1", "c2", "a1", "a2"]
    runner.close()
