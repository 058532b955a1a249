"""Private incidents in Slack (issue 13): signed slash commands and channel events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import (
    DANA,
    GENERAL,
    LEO,
    SAM,
    Harness,
    block_actions,
    clicked,
    event_callback,
    message_shortcut,
    slash_body,
)

pytestmark = pytest.mark.asyncio

PRIVATE = (
    'declare Admin read the mailboxes playbook=generic-breach aware="2026-11-22 09:30" '
    "jurisdiction=fr private=yes"
)


@pytest.fixture
def slack_declares() -> None:
    return None


def texts(slack: Harness, rid: str) -> list[str]:
    return [a.get("text", "") for a in slack.answers(rid)]


async def test_a_private_declaration_in_a_public_channel_is_ephemeral(
    slack: Harness, fake: FakeSlack
) -> None:
    rid = await slack.command(PRIVATE, channel=GENERAL)
    (reply,) = slack.answers(rid)
    assert reply["response_type"] == "ephemeral"
    assert not any("Admin read" in m.get("text", "") for m in fake.messages.get(GENERAL, []))
    channel = slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]
    assert fake.channels[channel]["is_private"]


async def test_an_outsider_gets_not_found_and_a_channel_member_gets_in(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    channel = slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))
    for line in ("INC-1 status", "INC-1 note I was here", "INC-1 timeline", "INC-1 deadlines"):
        said = texts(slack, await slack.command(line, user=SAM))
        assert said == [u.replace("INC-9", "INC-1") for u in unknown], line
        assert all("Admin read" not in s for s in said)
    refused = slack.db("SELECT actor FROM timeline WHERE kind = 'access_refused'")
    assert refused == [(SAM,)] * 4
    # typed in the incident's channel (say, before the join reached us): no hint either
    elsewhere = texts(slack, await slack.command("status", user=SAM, channel="C0NOWHERE"))
    said = texts(slack, await slack.command("status", user=SAM, channel=channel))
    assert said == elsewhere and "Which incident?" in said[0]

    joined: dict[str, Any] = {"type": "member_joined_channel", "user": SAM, "channel": channel}
    fake.channels[channel]["members"].append(SAM)  # what Slack's member list says from now on
    assert await slack.event(joined, event_id="Ev0JOIN1") == 200
    assert await slack.event(joined, event_id="Ev0JOIN2") == 200  # told twice: one member
    elsewhere_joined = {**joined, "channel": "C0NOWHERE"}
    assert await slack.event(elsewhere_joined, event_id="Ev0JOIN3") == 200
    said = texts(slack, await slack.command("INC-1 status", user=SAM))
    assert any("Admin read" in s for s in said)
    # a member typing in the incident's channel need not name it
    said = texts(slack, await slack.command("status", user=SAM, channel=channel))
    assert any("Admin read" in s for s in said)
    left = {**joined, "type": "member_left_channel"}
    fake.channels[channel]["members"].remove(SAM)
    assert await slack.event(left, event_id="Ev0LEFT1") == 200
    said = texts(slack, await slack.command("INC-1 status", user=SAM))
    assert all("Admin read" not in s for s in said)
    kinds = slack.db(
        "SELECT kind, actor, data FROM timeline WHERE kind IN ('channel_joined', 'channel_left')"
    )
    seen = {"user": SAM, "channel": channel}
    assert [(k, a, json.loads(d)) for k, a, d in kinds] == [
        ("channel_joined", SAM, seen),
        ("channel_left", SAM, seen),
    ]


async def test_the_register_csv_leaves_out_a_private_incident(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    await slack.command(
        'declare Vendor leak playbook=vendor-breach aware="2026-11-22 09:30" jurisdiction=fr '
        f"lead=<@{LEO}|leo>",
        channel=GENERAL,
    )
    for who, expected in ((SAM, ["INC-2"]), (DANA, ["INC-1", "INC-2"])):
        fake.clear()
        await slack.command("register", user=who)
        uploads = [c for c in fake.calls if "upload" in c.method.lower()]
        assert uploads, fake.calls
        body = repr([c.args for c in uploads]) + repr(getattr(fake, "files", ""))
        for ref in ("INC-1", "INC-2"):
            assert (ref in body) == (ref in expected), (who, ref)


# -- joins and leaves Slack told us nothing about (the bot was down): conversations.members ----


def private_channel(slack: Harness) -> str:
    return str(slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0])


def channel_events(slack: Harness) -> list[tuple[str, str, dict[str, Any]]]:
    rows = slack.db(
        "SELECT kind, actor, data FROM timeline WHERE kind IN ('channel_joined', 'channel_left')"
    )
    return [(k, a, json.loads(d)) for k, a, d in rows]


async def test_a_join_missed_while_the_bot_was_down_is_found_in_the_member_list(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    channel = private_channel(slack)
    # the member list is long (three pages) and SAM is on the last page; no event was sent
    fake.channels[channel]["members"].extend([f"U0FILL{n:04d}" for n in range(450)] + [SAM])
    fake.clear()
    said = texts(slack, await slack.command("INC-1 status", user=SAM))
    assert any("Admin read" in s for s in said)
    pages = fake.calls_to("conversations.members")
    assert len(pages) == 3 and [c.args.get("cursor") for c in pages][1:] == ["200", "400"]
    via = {"user": SAM, "channel": channel, "via": "conversations.members"}
    assert channel_events(slack) == [("channel_joined", SAM, via)]
    # within a minute the list is not asked again; a note now lands in the timeline
    said = texts(slack, await slack.command("INC-1 note checked the mail server", user=SAM))
    assert len(fake.calls_to("conversations.members")) == 3
    assert slack.db("SELECT actor FROM timeline WHERE kind = 'note'") == [(SAM,)]

    # removed from the channel while the bot was down: out, once the cached list is stale
    fake.channels[channel]["members"].remove(SAM)
    clock.advance(seconds=61)
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))
    said = texts(slack, await slack.command("INC-1 status", user=SAM))
    assert said == [u.replace("INC-9", "INC-1") for u in unknown]
    assert channel_events(slack)[-1] == ("channel_left", SAM, via)


@pytest.mark.parametrize("failure", ["error", "timeout", "ratelimited"])
async def test_slack_failing_to_list_the_members_lets_nobody_in(
    slack: Harness, fake: FakeSlack, failure: str
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    channel = private_channel(slack)
    fake.channels[channel]["members"].append(SAM)  # Slack has SAM in, but cannot say so (3 asks)
    if failure == "error":
        fake.fail_next("conversations.members", "internal_error", count=3)
    elif failure == "timeout":
        fake.answer_late_next("conversations.members", count=3)
    else:
        fake.rate_limit_next("conversations.members", count=3)
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))
    for line in ("INC-1 status", "INC-1 note from outside"):
        said = texts(slack, await slack.command(line, user=SAM))
        assert said == [u.replace("INC-9", "INC-1") for u in unknown], (failure, line)
    assert channel_events(slack) == []
    assert slack.db("SELECT count(*) FROM timeline WHERE kind = 'note'") == [(0,)]
    # Slack answers again: the next request asks again and lets SAM in
    said = texts(slack, await slack.command("INC-1 status", user=SAM))
    assert any("Admin read" in s for s in said)


async def test_a_member_list_read_before_a_leave_does_not_let_the_person_back_in(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    channel = private_channel(slack)
    joined: dict[str, Any] = {"type": "member_joined_channel", "user": SAM, "channel": channel}
    fake.channels[channel]["members"].append(SAM)
    assert await slack.event(joined, event_id="Ev0RACEJ") == 200
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))

    # a minute on, SAM asks; Slack reads the member list (SAM still in it), its answer is slow
    clock.advance(seconds=61)
    fake.hold_answer_next("conversations.members")
    body = slash_body("INC-1 status", user=SAM, channel=GENERAL,
                      response_url=fake.response_url("RRACE1"), trigger="77.1.race")  # fmt: skip
    assert (await slack.post(body, "application/x-www-form-urlencoded"))[0] == 200
    while not fake.held():
        await fake.wait_for_call()
    # meanwhile SAM is removed from the channel and Slack tells us so
    fake.channels[channel]["members"].remove(SAM)
    left = {**joined, "type": "member_left_channel"}
    asking = set(slack.bot.work._tasks)
    event = json.dumps(event_callback(left, event_id="Ev0RACEL"))
    assert (await slack.post(event, "application/json"))[0] == 200
    leaving = set(slack.bot.work._tasks) - asking
    if leaving:
        await asyncio.wait(leaving)
    assert channel_events(slack)[-1][0] == "channel_left"
    # the old list arrives after the leave was recorded: it lets nobody in
    fake.release_held()
    await slack.bot.settle()
    for rid, line in (("RRACE1", None), (None, "INC-1 status"), (None, "INC-1 note still here")):
        said = texts(slack, rid or await slack.command(str(line), user=SAM))
        assert said == [u.replace("INC-9", "INC-1") for u in unknown], line
    assert [(kind, actor) for kind, actor, _ in channel_events(slack)] == [
        ("channel_joined", SAM),
        ("channel_left", SAM),
    ]
    assert slack.db("SELECT count(*) FROM timeline WHERE kind = 'note'") == [(0,)]


# -- reminders: neither silenced nor sent across the gate -------------------------------------


async def test_an_outsider_cannot_snooze_a_private_incidents_deadline(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    clock.advance(hours=50)  # the CNIL's clock is less than a day away
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))
    for who, rid in ((SAM, "RSNZ1"), (DANA, "RSNZ2")):
        button = {"type": "button", "action_id": "reminder_snooze", "text": {
            "type": "plain_text", "text": "Snooze 6 h"},
            "value": json.dumps({"ref": "inc-1", "item": "clock:fr", "hours": 6})}  # fmt: skip
        payload = block_actions(
            clicked(button, "reminder"), user=who, channel=GENERAL,
            response_url=fake.response_url(rid), message_ts="1700000000.000200",
        )  # fmt: skip
        status, _ = await slack.interact(payload)
        assert status == 200
    said = [a.get("text", "") for a in fake.responses["RSNZ1"]]
    assert said == [u.replace("INC-9", "INC-1") for u in unknown]
    assert "snoozed until" in fake.responses["RSNZ2"][0]["text"]
    # only the member's snooze is kept, under the incident's own reference
    assert slack.db("SELECT incident, snoozed_by FROM reminders WHERE snoozed_by IS NOT NULL") == [
        ("INC-1", DANA)
    ]
    assert slack.db("SELECT actor FROM timeline WHERE kind = 'reminder_snoozed'") == [(DANA,)]
    refused = slack.db("SELECT actor, data FROM timeline WHERE kind = 'access_refused'")
    assert [(a, json.loads(d)["action"]) for a, d in refused][-1] == (SAM, "snooze")


async def test_an_excluded_role_holder_gets_no_more_reminders(
    slack: Harness, fake: FakeSlack, clock: Any
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    await slack.command(f"INC-1 assign dpo <@{SAM}|sam>")

    def direct_to_sam() -> list[str]:
        return [str(c.args.get("text")) for c in fake.calls_to("chat.postMessage")
                if c.args.get("channel") == SAM]  # fmt: skip

    clock.advance(hours=43)  # the CNIL deadline is 24 h away: the dpo is reminded
    await slack.bot.settle()
    assert any("INC-1" in text for text in direct_to_sam())
    await slack.command(f"INC-1 exclude <@{SAM}|sam>")
    fake.clear()
    clock.advance(hours=18)  # 6 h left: the channel is reminded, the excluded dpo is not
    await slack.bot.settle()
    channel = private_channel(slack)
    assert any("INC-1" in str(c.args.get("text")) for c in fake.calls_to("chat.postMessage")
               if c.args.get("channel") == channel)  # fmt: skip
    assert direct_to_sam() == []


async def test_someone_excluded_but_still_in_the_channel_cannot_capture_messages(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command(PRIVATE, channel=GENERAL)
    channel = private_channel(slack)
    fake.channels[channel]["members"].append(SAM)
    await slack.command(f"INC-1 exclude <@{SAM}|sam>")
    ts = fake._new_ts()
    message = {"type": "message", "user": DANA, "text": "the admin account is disabled", "ts": ts}
    fake.messages[channel].append(message)
    pin = {
        "type": "reaction_added", "user": SAM, "reaction": "pushpin", "item_user": DANA,
        "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": "1700000100.0002",
    }  # fmt: skip
    assert await slack.event(pin, event_id="Ev0PINX") == 200
    shortcut = message_shortcut(message, user=SAM, channel=channel,
                                response_url=fake.response_url("RSX"))  # fmt: skip
    await slack.interact(shortcut)
    assert slack.db("SELECT count(*) FROM timeline WHERE kind = 'note'") == [(0,)]
    unknown = texts(slack, await slack.command("INC-9 status", user=SAM))
    assert [r["text"] for r in fake.responses["RSX"]] == [
        u.replace("INC-9", "INC-1") for u in unknown
    ]
    refused = slack.db("SELECT actor, data FROM timeline WHERE kind = 'access_refused'")
    assert [(a, json.loads(d)["action"]) for a, d in refused][:2] == [
        (SAM, "add_note"),
        (SAM, "add_note"),
    ]
    # a member's pin of the same message is recorded
    assert await slack.event({**pin, "user": DANA}, event_id="Ev0PINY") == 200
    assert slack.db("SELECT actor FROM timeline WHERE kind = 'note'") == [(DANA,)]
