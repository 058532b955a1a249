"""Slash subcommands, errors, signatures and retries, through the signed HTTP endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slackutil import DANA, DECLARE_FR, GENERAL, LEO, SAM, Harness, signature, slash_body


@pytest.fixture
def slack_declares() -> str:
    return DECLARE_FR


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


async def answer(slack: Harness, text: str, **kw: Any) -> dict[str, Any]:
    rid = await slack.command(text, **kw)
    (reply,) = slack.answers(rid)
    return reply


@pytest.mark.asyncio
async def test_help_is_ephemeral_and_lists_every_subcommand(slack: Harness) -> None:
    reply = await answer(slack, "")
    assert reply["response_type"] == "ephemeral"
    body = json.dumps(reply["blocks"])
    for sub in ("declare", "steps", "done STEP", "skip STEP reason", "timeline", "close"):
        assert sub in body


@pytest.mark.asyncio
async def test_french_readers_get_french(slack: Harness) -> None:
    reply = await answer(slack, "status", user=LEO, channel=channel(slack))  # locale fr-CA
    assert "Responsable" in json.dumps(reply["blocks"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status", "INC-1 — Donor file exposed"),
        ("steps", "revoke-vendor-access"),
        ("deadlines", "CNIL"),
        ("timeline 5", "declared"),
        ("list", "INC-1"),
    ],
)
@pytest.mark.asyncio
async def test_reading_subcommands_answer_the_asker_only(
    slack: Harness, text: str, expected: str
) -> None:
    reply = await answer(slack, text, channel=channel(slack))
    assert reply["response_type"] == "ephemeral"
    assert expected in json.dumps(reply["blocks"], ensure_ascii=False)


@pytest.mark.asyncio
async def test_changes_are_shown_to_the_channel_and_recorded(slack: Harness) -> None:
    reply = await answer(slack, "note vendor called back <!here>", channel=channel(slack))
    assert reply["response_type"] == "in_channel"
    assert slack.db("SELECT actor, text FROM timeline WHERE kind = 'note'") == [
        (DANA, "vendor called back <!here>")
    ]
    reply = await answer(slack, f"assign scope-exposure <@{SAM}|sam>", channel=channel(slack))
    assert f"<@{SAM}>" in reply["text"]
    assert slack.db("SELECT assignee FROM steps WHERE step_id='scope-exposure'") == [(SAM,)]


@pytest.mark.asyncio
async def test_outside_the_channel_a_reference_comes_first(slack: Harness) -> None:
    reply = await answer(slack, "status")
    assert "Which incident?" in reply["text"] and reply["response_type"] == "ephemeral"
    reply = await answer(slack, "INC-1 status")
    assert "INC-1 — Donor file exposed" in json.dumps(reply["blocks"], ensure_ascii=False)


@pytest.mark.asyncio
async def test_errors_are_ephemeral_one_sentence_and_escaped(slack: Harness) -> None:
    reply = await answer(slack, "done <!channel>", channel=channel(slack))
    assert reply["response_type"] == "ephemeral"
    assert "<!channel>" not in reply["text"] and "&lt;!channel&gt;" in reply["text"]
    assert "Traceback" not in json.dumps(reply)
    reply = await answer(slack, "frobnicate", channel=channel(slack))
    assert "frobnicate" in reply["text"] and "help" in reply["text"]
    reply = await answer(slack, "close", channel=channel(slack))
    assert "mandatory steps are still open" in reply["text"]
    assert slack.db("SELECT status FROM incidents") == [("open",)]


@pytest.mark.asyncio
async def test_a_retried_command_is_recorded_once(slack: Harness) -> None:
    for retry in ("0", "1"):
        await slack.command(
            "note the vendor confirmed the leak",
            channel=channel(slack),
            trigger="9999.42.same",
            headers={"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"},
        )
    assert slack.db("SELECT COUNT(*) FROM timeline WHERE kind = 'note'") == [(1,)]


@pytest.mark.asyncio
async def test_bad_or_stale_signatures_are_refused(slack: Harness) -> None:
    body = slash_body("note forged", user=SAM, channel=GENERAL, response_url="x", trigger="t1")
    forged = signature(body, secret="not-the-secret")
    status, _ = await slack.post(body, "application/x-www-form-urlencoded", headers=forged,
                                 signed=False)  # fmt: skip
    assert status == 401
    stale = signature(body, ts=1_500_000_000)
    status, _ = await slack.post(body, "application/x-www-form-urlencoded", headers=stale,
                                 signed=False)  # fmt: skip
    assert status == 401
    status, _ = await slack.post(body, "application/x-www-form-urlencoded", signed=False)
    assert status == 401
    assert slack.db("SELECT COUNT(*) FROM timeline WHERE text = 'forged'") == [(0,)]


@pytest.mark.asyncio
async def test_healthz_answers(slack: Harness) -> None:
    response = await slack.http.get("/healthz")
    assert response.status == 200
    assert (await response.json())["ok"] is True


@pytest.mark.asyncio
async def test_the_answer_slack_gets_means_the_note_is_recorded(slack: Harness) -> None:
    """The HTTP ack waits for the work its listener started (registered with the request)."""
    body = slash_body(
        "note Vendor called back at 16:05",
        user=DANA,
        channel=channel(slack),
        response_url=slack.fake.response_url("R-ack"),
        trigger="4242.42.ack",
    )
    status, _ = await slack.post(body, "application/x-www-form-urlencoded")
    assert status == 200
    # no settle(): the note is in the timeline as soon as Slack has its 200
    assert slack.db("SELECT text FROM timeline WHERE kind = 'note'") == [
        ("Vendor called back at 16:05",)
    ]


@pytest.mark.asyncio
async def test_the_timeline_reply_words_automatic_events_for_its_reader(slack: Harness) -> None:
    where = channel(slack)
    await slack.command("notified fr CNIL-2026-117", user=LEO, channel=where)
    french = (await answer(slack, "timeline", user=LEO, channel=where))["blocks"]
    english = (await answer(slack, "timeline", user=DANA, channel=where))["blocks"]
    assert "autorité notifiée" in json.dumps(french, ensure_ascii=False)
    assert "CNIL (fr), réf. CNIL-2026-117" in json.dumps(french, ensure_ascii=False)
    assert "notified: CNIL (fr), ref. CNIL-2026-117" in json.dumps(english)
