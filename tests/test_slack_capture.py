"""Timeline capture (the message shortcut, the :pushpin: reaction) and the App Home tab."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, DECLARE_FR, GENERAL, LEO, SAM, Harness, message_shortcut


@pytest.fixture
def slack_declares() -> str:
    return DECLARE_FR


def said(fake: FakeSlack, channel: str, user: str, text: str) -> dict[str, Any]:
    """A message a person posted in the channel (as Slack would hold it)."""
    ts = fake._new_ts()
    message = {"type": "message", "user": user, "text": text, "ts": ts}
    fake.messages[channel].append(message)
    return message


def notes(slack: Harness) -> list[tuple[Any, ...]]:
    return slack.db("SELECT actor, text, link, data FROM timeline WHERE kind = 'note'")


@pytest.mark.asyncio
async def test_shortcut_records_author_time_and_permalink_once(
    slack: Harness, fake: FakeSlack
) -> None:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    message = said(fake, channel, SAM, "Vendor says <!channel> the dump is on a forum")
    for _ in range(2):
        await slack.interact(
            message_shortcut(
                message, user=DANA, channel=channel, response_url=fake.response_url("RS")
            )
        )
    ((actor, text, link, data),) = notes(slack)
    assert (actor, text) == (SAM, "Vendor says <!channel> the dump is on a forum")
    assert link == f"https://t1.slack.com/archives/{channel}/p{message['ts'].replace('.', '')}"
    assert json.loads(data)["source"] == f"shortcut:{DANA}"
    first, second = (r["text"] for r in fake.responses["RS"])
    assert "Added to the timeline of INC-1" in first
    assert "already in the timeline" in second


@pytest.mark.asyncio
async def test_pushpin_reaction_records_once_even_when_slack_retries(
    slack: Harness, fake: FakeSlack
) -> None:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    message = said(fake, channel, SAM, "Passwords rotated at 11:02")
    event = {
        "type": "reaction_added",
        "user": DANA,
        "reaction": "pushpin",
        "item_user": SAM,
        "item": {"type": "message", "channel": channel, "ts": message["ts"]},
        "event_ts": "1700000100.000200",
    }
    assert await slack.event(event, event_id="Ev0PIN1") == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await slack.event(event, event_id="Ev0PIN1", headers=retry) == 200
    # the same message pinned again by someone else: still one entry
    assert await slack.event({**event, "user": LEO}, event_id="Ev0PIN2") == 200
    ((actor, text, link, _),) = notes(slack)
    assert (actor, text) == (SAM, "Passwords rotated at 11:02")
    assert link.startswith("https://t1.slack.com/archives/")
    # another emoji, or a reaction outside an incident channel, records nothing
    await slack.event({**event, "reaction": "eyes"}, event_id="Ev0PIN3")
    other = said(fake, fake.add_channel("random"), SAM, "lunch?")
    away = {**event, "item": {"type": "message", "channel": "C0RANDOM", "ts": other["ts"]}}
    await slack.event(away, event_id="Ev0PIN4")
    assert len(notes(slack)) == 1


@pytest.mark.asyncio
async def test_shortcut_outside_an_incident_channel_says_so(
    slack: Harness, fake: FakeSlack
) -> None:
    message = {"type": "message", "user": SAM, "text": "hi", "ts": "1700000000.000900"}
    await slack.interact(
        message_shortcut(message, user=DANA, channel=GENERAL, response_url=fake.response_url("RX"))
    )
    assert "not an incident's channel" in fake.responses["RX"][0]["text"]
    assert notes(slack) == []


@pytest.mark.asyncio
async def test_app_home_lists_open_incidents_and_my_steps(slack: Harness, fake: FakeSlack) -> None:
    await slack.command("INC-1 assign scope-exposure <@U0SAM003|sam>")
    event = {"type": "app_home_opened", "user": SAM, "channel": "D0SAM", "tab": "home",
             "event_ts": "1700000200.000100"}  # fmt: skip
    await slack.event(event, event_id="Ev0HOME1")
    home = json.dumps(fake.home[SAM]["blocks"], ensure_ascii=False)
    assert "INC-1" in home and "Donor file exposed" in home
    assert "CNIL" in home  # the next deadline
    assert "scope-exposure" in home and "Steps assigned to me" in home
    await slack.event({**event, "user": DANA}, event_id="Ev0HOME2")
    assert "Nothing assigned to you." in json.dumps(fake.home[DANA]["blocks"])
