"""Slack carries a call out but its answer comes late: nothing is posted twice, no spare channel.

Also: dead letters never block the rows behind them, and an incident declared in the shell (no
channel) is not retried for ever. Driven through signed requests into the real app, the fake
Web API answering late on demand (``answer_late_next``: done, then a 504 timeout).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from fakeslack import BOT_USER, FakeSlack
from slackutil import DANA, LEO, Harness, message_shortcut, running, slash_body
from test_outage import CHANNELS, announce, drain, quick

from incidentbot.slack.sender import METADATA_TYPE
from incidentbot.store import outbox

DECLARE = (
    'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
    f"jurisdiction=fr lead=<@{LEO}|leo>"
)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(timeout_delay=0.01) as server:
        yield server


@pytest_asyncio.fixture
async def slack(app: Any, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with running(app, fake) as harness:
        quick(harness)
        yield harness


def cards(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages[channel] if "card.steps" in json.dumps(m["blocks"])]


@pytest.mark.asyncio
async def test_a_card_whose_post_answered_late_is_adopted_not_posted_again(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.answer_late_next("chat.postMessage")
    await slack.command(DECLARE)
    await drain(slack, clock)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    posted = cards(fake, channel)
    assert len(posted) == 1, "the card was posted twice"
    assert posted[0]["metadata"] == {"event_type": METADATA_TYPE,
                                     "event_payload": {"key": "card:INC-1"}}  # fmt: skip
    assert posted[0]["ts"] in fake.channels[channel]["pins"]


@pytest.mark.asyncio
async def test_a_channel_whose_creation_answered_late_is_adopted_not_doubled(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.answer_late_next("conversations.create")
    await slack.command(DECLARE)
    await drain(slack, clock)
    made = [c for c in fake.channels.values() if c["name"].startswith("inc-")]
    assert [c["name"] for c in made] == ["inc-2026-11-22-donor-file-exposed"]
    assert len(fake.calls_to("conversations.create")) == 2  # the retry met name_taken...
    assert len(fake.calls_to("conversations.list")) == 1  # ...looked the name up, adopted it
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    assert fake.channels[channel]["name"] == made[0]["name"]
    assert len(cards(fake, channel)) == 1 and DANA in fake.channels[channel]["members"]


@pytest.mark.asyncio
async def test_a_taken_name_that_is_not_ours_still_gets_a_new_channel(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.add_channel("inc-2026-11-22-donor-file-exposed", creator="U0SOMEONE")
    await slack.command(DECLARE)
    await drain(slack, clock)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    assert fake.channels[channel]["name"] == "inc-2026-11-22-donor-file-exposed-2"
    assert fake.channels[channel]["creator"] == BOT_USER


@pytest.mark.asyncio
async def test_with_slack_failing_and_answering_late_every_message_lands_once(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.set_failure_rate(0.3, seed=5, kinds=("500", "429", "timeout", "late"))
    for n in range(3):
        await slack.command(DECLARE.replace("Donor file", f"Donor file {n}"))
    for n in range(15):
        for channel in CHANNELS:
            await announce(slack, channel, n)
    for _ in range(6):
        clock.advance(seconds=8)
        await slack.bot.settle()
    fake.set_failure_rate(0)
    await drain(slack, clock)
    made = sorted(c["name"] for c in fake.channels.values() if c["name"].startswith("inc-"))
    assert made == [f"inc-2026-11-22-donor-file-{n}-exposed" for n in range(3)]
    for (channel,) in slack.db("SELECT channel FROM incidents"):
        assert len(cards(fake, channel)) == 1, fake.channels[channel]["name"]
    for channel in CHANNELS:
        texts = [m["text"] for m in fake.messages[channel]]
        assert sorted(texts) == [f"{channel} message {n:02d}" for n in range(15)]  # once each
    late = [c for c in fake.calls_to("chat.postMessage")]
    assert len(late) > 3 * 1 + 3 * 15  # some posts were retried: the retries adopted, not doubled


@pytest.mark.asyncio
async def test_a_hanging_call_delays_only_its_own_lane(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(DECLARE)
    await drain(slack, clock)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    fake.hold_next("chat.update")  # the next card update hangs until released
    loop = asyncio.ensure_future(slack.bot.scheduler.run())
    try:
        body = slash_body("done preserve-logs copied", user=DANA, channel=channel,
                          response_url=fake.response_url("RH"), trigger="88.1.h")  # fmt: skip
        status, _ = await slack.post(body, "application/x-www-form-urlencoded")
        assert status == 200
        await announce(slack, "C0PRESS", 1)
        while not (fake.responses.get("RH") and fake.messages.get("C0PRESS") and fake.held()):
            await fake.wait_for_call()  # the reply and the message came with the card hanging
        assert fake.held() == ["chat.update"]
        assert "preserve-logs" in json.dumps(fake.responses["RH"])
    finally:
        fake.release_held()
        slack.bot.scheduler.stop()
        await loop
    await drain(slack, clock)
    assert len(cards(fake, channel)) == 1


@pytest.mark.asyncio
async def test_a_row_that_cannot_be_sent_is_dead_lettered_once_and_the_lane_moves_on(
    slack: Harness, fake: FakeSlack, clock: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="incidentbot.scheduler")
    await slack.command(DECLARE)
    await drain(slack, clock)
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    broken = message_shortcut({"type": "message", "text": "no ts", "user": DANA, "ts": None},
                              user=DANA, channel=channel, response_url=fake.response_url("RS"))  # fmt: skip
    del broken["message"]["ts"]
    await slack.interact(broken)
    await slack.command("note behind the broken row", channel=channel)
    await announce(slack, channel, 1)
    await drain(slack, clock)
    dead = outbox.dead(slack.service.store)
    assert [d["method"] for d in dead] == ["incident.capture"]
    assert "without a timestamp" in dead[0]["last_error"]
    assert caplog.text.count("dead-lettered") == 1
    assert any(m["text"] == f"{channel} message 01" for m in fake.messages[channel])


@pytest.mark.asyncio
async def test_an_incident_declared_in_the_shell_is_not_retried_for_ever(
    app: Any, service: Any, fake: FakeSlack, clock: Any, caplog: Any
) -> None:
    caplog.set_level(logging.INFO, logger="incidentbot.scheduler")
    service.declare(actor="alice", title="Laptop stolen", playbook_id="generic-breach",
                    aware_at=clock(), jurisdictions=["fr"])  # fmt: skip
    clock.advance(hours=71)  # reminders fall due for an incident with no channel
    async with running(app, fake) as slack:
        await slack.bot.settle()
        clock.advance(minutes=10)
        await slack.bot.settle()
        rows = outbox.rows(service.store, "INC-1")
        assert outbox.next_try(service.store) is None  # nothing left to retry
    assert rows and all(r["dead_at"] for r in rows)
    assert all("declared outside Slack" in r["last_error"] for r in rows)
    assert len([r for r in caplog.records if "dead-lettered" in r.getMessage()]) == len(rows)
    assert [c for c in fake.calls_to("chat.postMessage") if c.args["channel"][0] == "C"] == []


def test_incidentbot_outbox_lists_retries_and_drops_dead_letters(tmp_path: Any) -> None:
    from datetime import UTC, datetime

    from click.testing import CliRunner

    from incidentbot.cli import main
    from incidentbot.store import Store

    store = Store(tmp_path / "bot.db")
    at = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    for n in range(3):
        outbox.enqueue(store, key=f"k{n}", incident="INC-1", channel=None,
                       method="incident.message", payload={"ref": "INC-1"}, now=at)  # fmt: skip
    ids = [r["id"] for r in outbox.rows(store)]
    for i in ids[:2]:
        outbox.mark_failed(store, i, next_try_at=None, error="channel_not_found", now=at)
    store.close()
    env = {"INCIDENTBOT_DB": str(tmp_path / "bot.db")}
    run = CliRunner()
    listed = run.invoke(main, ["outbox"], env=env)
    assert listed.exit_code == 0
    lines = listed.stdout.strip().splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        [str(ids[0]), "INC-1", "incident.message"], [str(ids[1]), "INC-1", "incident.message"]
    ]  # fmt: skip
    assert "channel_not_found" in lines[0]
    assert run.invoke(main, ["outbox", "retry", str(ids[0])], env=env).exit_code == 0
    assert run.invoke(main, ["outbox", "drop", "all"], env=env).stdout.startswith("1 row(s)")
    assert run.invoke(main, ["outbox"], env=env).stdout == ""
    wrong = run.invoke(main, ["outbox", "retry", "99"], env=env)
    assert wrong.exit_code == 1 and "No dead letter with id 99" in wrong.output
    missing = run.invoke(main, ["outbox"], env={"INCIDENTBOT_DB": str(tmp_path / "no.db")})
    assert missing.exit_code == 1 and not (tmp_path / "no.db").exists()
    store = Store(tmp_path / "bot.db")
    states = {
        r["id"]: (r["dead_at"], r["dropped_at"], r["next_try_at"]) for r in outbox.rows(store)
    }
    assert states[ids[0]][0] is None and states[ids[0]][2] is not None  # back in line
    assert states[ids[1]][1] is not None  # dropped, kept


@pytest.mark.asyncio
async def test_a_failing_invite_does_not_hold_back_the_card(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    fake.fail_next("conversations.invite", status=500, count=3)
    await slack.command(DECLARE)  # settles once: no clock time passes
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    assert len(cards(fake, channel)) == 1  # the card is up although the invite failed
    assert DANA not in fake.channels[channel]["members"]
    await drain(slack, clock)  # the invite is retried on its own
    assert DANA in fake.channels[channel]["members"] and LEO in fake.channels[channel]["members"]
    assert len(fake.calls_to("conversations.create")) == 1
