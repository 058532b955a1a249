"""Declaring from Slack: the modal, the channel, the pinned card kept up to date in place."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, GENERAL, LEO, Harness, running, view_submission


@pytest.fixture
def slack_declares() -> None:
    return None


DECLARE = {
    "title": "Donor file exposed by our web vendor",
    "playbook": "vendor-breach",
    "aware_date": "2026-11-22",
    "aware_time": "09:30",
    "jurisdictions": ["qc", "fr"],
    "lead": LEO,
    "severity": "high",
}


async def declare(slack: Harness, **changes: Any) -> tuple[int, str]:
    await slack.command("declare")
    view = slack.last_modal()
    return await slack.interact(view_submission(view, {**DECLARE, **changes}, user=DANA))


@pytest.mark.asyncio
async def test_declare_opens_a_modal_with_every_field(slack: Harness) -> None:
    await slack.command("declare Donor file leaked")
    view = slack.last_modal()
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert list(blocks) == [
        "title", "playbook", "aware_date", "aware_time", "jurisdictions", "lead", "severity",
    ]  # fmt: skip
    assert blocks["title"]["element"]["initial_value"] == "Donor file leaked"
    playbooks = {o["value"]: o for o in blocks["playbook"]["element"]["options"]}
    assert "vendor-breach" in playbooks
    assert playbooks["vendor-breach"]["description"]["text"].startswith("A vendor, host")
    assert blocks["aware_date"]["element"]["initial_date"] == "2026-11-22"  # now, per the clock
    assert blocks["aware_time"]["element"]["initial_time"] == "15:00"
    assert blocks["lead"]["element"]["initial_user"] == DANA
    assert {o["value"] for o in blocks["jurisdictions"]["element"]["options"]} >= {"qc", "fr"}


@pytest.mark.asyncio
async def test_declare_end_to_end_creates_channel_invites_pins_one_card(
    slack: Harness, fake: FakeSlack
) -> None:
    status, text = await declare(slack)
    assert status == 200 and text == ""  # the modal closes
    (incident,) = slack.db("SELECT ref, channel, lead, aware_at, severity FROM incidents")
    ref, channel, lead, aware_at, severity = incident
    assert (ref, lead, severity) == ("INC-1", LEO, "high")
    assert aware_at.startswith("2026-11-22T09:30")
    assert fake.channels[channel]["name"] == "inc-2026-11-22-donor-file-exposed-by-our-web-vendor"
    assert set(fake.channels[channel]["members"]) >= {DANA, LEO}
    assert "INC-1" in fake.channels[channel]["topic"]
    assert "CAI" in fake.channels[channel]["topic"] or "CNIL" in fake.channels[channel]["topic"]
    (card,) = fake.messages[channel]
    assert fake.channels[channel]["pins"] == [card["ts"]]
    assert card["blocks"][0]["text"]["text"].startswith("INC-1 — Donor file exposed")

    # a step done from the command line updates that card in place: no second message
    fake.clear()
    rid = await slack.command("done preserve-logs kept the access logs", channel=channel)
    assert [c.method for c in fake.calls if c.method.startswith("chat.")] == ["chat.update"]
    assert len(fake.messages[channel]) == 1
    assert "edited" in fake.messages[channel][0]
    assert slack.answers(rid)[0]["response_type"] == "in_channel"
    progress = json.dumps(fake.messages[channel][0]["blocks"])
    assert "Contain 1/" in progress


@pytest.mark.asyncio
async def test_a_taken_channel_name_gets_a_suffix_and_private_setting_is_honoured(
    app: Any, fake: FakeSlack
) -> None:
    from dataclasses import replace

    fake.add_channel("inc-2026-11-22-donor-file-exposed-by-our-web-vendor")
    fake.add_channel("inc-2026-11-22-donor-file-exposed-by-our-web-vendor-2")
    async with running(
        replace(app, settings=replace(app.settings, private_channels=True)), fake
    ) as slack:
        await declare(slack)
        (channel,) = slack.db("SELECT channel FROM incidents")[0]
    assert fake.channels[channel]["name"].endswith("-vendor-3")
    assert fake.channels[channel]["is_private"] is True


@pytest.mark.asyncio
async def test_modal_field_errors_come_back_under_the_fields(slack: Harness) -> None:
    status, text = await declare(slack, title="   ", aware_time="23:59")
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"title", "aware_time"}
    assert "future" in answer["errors"]["aware_time"]
    assert slack.db("SELECT COUNT(*) FROM incidents") == [(0,)]


@pytest.mark.asyncio
async def test_a_service_refusal_is_shown_under_its_field(slack: Harness) -> None:
    status, text = await declare(slack, title="x" * 150 + "<!channel>" + "y" * 60)
    answer = json.loads(text)
    assert answer["response_action"] == "errors"
    assert "200" in answer["errors"]["title"]
    assert slack.db("SELECT COUNT(*) FROM incidents") == [(0,)]


@pytest.mark.asyncio
async def test_a_title_with_mentions_pings_nobody(slack: Harness, fake: FakeSlack) -> None:
    await declare(slack, title="<!channel> leak & <@U0SAM003> <script>")
    (channel,) = slack.db("SELECT channel FROM incidents")[0]
    card = json.dumps(fake.messages[channel][0])
    assert "<!channel>" not in card and "<@U0SAM003>" not in card
    assert "&lt;!channel&gt; leak &amp; &lt;@U0SAM003&gt; &lt;script&gt;" in card
    assert "<@U0LEO002>" in card  # the lead is a real mention
    assert fake.channels[channel]["name"] == "inc-2026-11-22-channel-leak-u0sam003-script"


@pytest.mark.asyncio
async def test_declare_with_options_needs_no_modal(slack: Harness, fake: FakeSlack) -> None:
    rid = await slack.command("declare Phishing of the treasurer playbook=generic-breach")
    assert fake.calls_to("views.open") == []
    assert "INC-1 declared" in slack.answers(rid)[0]["text"]
    assert slack.answers(rid)[0]["response_type"] == "in_channel"
    (channel,) = slack.db("SELECT channel FROM incidents")[0]
    assert channel != GENERAL and len(fake.messages[channel]) == 1
