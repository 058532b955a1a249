"""A reminder's Snooze button (the scheduler's contract) and the register from Slack."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, SAM, Harness, block_actions, clicked

from incidentbot.service import reminders


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


async def snooze_click(slack: Harness, value: str, *, user: str = SAM, rid: str = "RSNZ") -> None:
    button = {
        "type": "button",
        "action_id": "reminder_snooze",
        "text": {"type": "plain_text", "text": "Snooze 6 h"},
        "value": value,
    }
    payload = block_actions(
        clicked(button, "reminder"),
        user=user,
        channel=channel(slack),
        response_url=slack.fake.response_url(rid),
        message_ts="1700000000.000200",
    )
    status, _ = await slack.interact(payload)
    assert status == 200


@pytest.mark.asyncio
async def test_snooze_keeps_the_reminder_quiet_and_records_who(
    slack: Harness, service: Any, clock: Any
) -> None:
    clock.advance(hours=60)  # the CNIL's 72 h clock is 24 h away or less: reminders are due
    items = {r.item for r in reminders.due(service, clock())}
    assert "clock:fr" in items

    await snooze_click(slack, json.dumps({"ref": "INC-1", "item": "clock:fr", "hours": 6}))
    until = clock() + timedelta(hours=6)
    (row,) = slack.db("SELECT snoozed_by, snoozed_until FROM reminders WHERE item = 'clock:fr'")
    assert row[0] == SAM
    assert row[1].startswith(until.strftime("%Y-%m-%dT%H:%M"))
    assert slack.db("SELECT actor FROM timeline WHERE kind = 'reminder_snoozed'") == [(SAM,)]
    (answer,) = slack.fake.responses["RSNZ"]
    assert answer["response_type"] == "ephemeral"
    assert "Reminders for clock:fr of INC-1 snoozed until <!date^" in answer["text"]

    assert "clock:fr" not in {r.item for r in reminders.due(service, clock())}
    clock.advance(hours=6, minutes=1)
    assert "clock:fr" in {r.item for r in reminders.due(service, clock())}


@pytest.mark.asyncio
async def test_a_malformed_snooze_value_is_refused_and_nothing_recorded(slack: Harness) -> None:
    await snooze_click(slack, json.dumps({"ref": "INC-1", "item": "clock:fr", "hours": 500}))
    await snooze_click(slack, "not json", rid="RSNZ2")
    assert slack.db("SELECT count(*) FROM reminders WHERE snoozed_by IS NOT NULL") == [(0,)]
    assert slack.db("SELECT count(*) FROM timeline WHERE kind = 'reminder_snoozed'") == [(0,)]
    assert "1 to 72 hours, not 500" in slack.fake.responses["RSNZ"][0]["text"]
    assert '{"ref": "INC-1"' in slack.fake.responses["RSNZ2"][0]["text"]


@pytest.mark.asyncio
async def test_register_answers_the_asker_and_sends_the_csv_to_them(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command("declare Lost volunteer laptop playbook=vendor-breach jurisdiction=fr")
    rid = await slack.command("register", user=DANA)
    (answer,) = slack.answers(rid)
    assert answer["response_type"] == "ephemeral"
    assert "The register holds 2 incidents: 0 notified to a regulator" in answer["text"]

    (entry,) = [f for f in fake.files.values() if f["filename"].endswith(".csv")]
    assert entry["filename"] == "register-2026-11-22.csv"
    assert entry["channel_id"] == "D" + DANA[1:]  # the asker's messages with the bot, not a channel
    rows = list(csv.DictReader(io.StringIO(entry["content"].decode("utf-8-sig"))))
    assert [r["ref"] for r in rows] == ["INC-1", "INC-2"]
    assert rows[0]["title"] == "Donor file exposed"
    assert rows[1]["decisions"] == "not assessed"
