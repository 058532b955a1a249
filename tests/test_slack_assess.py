"""The assessment in Slack: the modal, its field errors, the result, Override and Mark notified."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, LEO, Harness, block_actions, clicked, view_submission

from incidentbot.core import severity

ONE_LINE = {
    "data": "contact,financial,political",
    "persons": "869",
    "identifiable": "full",
    "confidentiality": "unknown_recipient",
    "integrity": "none",
    "availability": "none",
    "malicious": "yes",
    "encrypted": "no",
    "backup": "yes",
    "vulnerable": "no",
}


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


def submission(view: dict[str, Any], values: dict[str, Any], *, user: str) -> dict[str, Any]:
    """``view_submission`` as Slack sends it, radio buttons included (``selected_option``)."""
    payload = view_submission(view, values, user=user)
    state = payload["view"]["state"]["values"]
    for block in view["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "radio_buttons":
            options = {o["value"]: o for o in block["element"]["options"]}
            got = values.get(block["block_id"])
            state[block["block_id"]] = {
                "value": {"type": "radio_buttons", "selected_option": options[got] if got else None}
            }
    return payload


def modal_values(options: dict[str, str]) -> dict[str, Any]:
    return {k: v.split(",") if k == "data" else v for k, v in options.items()}


def posted(fake: FakeSlack, cid: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages[cid] if m.get("blocks")]


async def open_modal(slack: Harness, user: str = DANA) -> dict[str, Any]:
    await slack.command("assess", channel=channel(slack), user=user)
    return slack.last_modal()


@pytest.mark.asyncio
async def test_assess_alone_opens_a_modal_with_every_key_and_the_article_9_help(
    slack: Harness,
) -> None:
    view = await open_modal(slack)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert set(inputs) == set(severity.KEYS)
    data = inputs["data"]
    assert data["element"]["type"] == "multi_static_select"
    assert [o["value"] for o in data["element"]["options"]] == list(severity.DATA_CATEGORIES)
    assert "Art. 9(1)" in data["hint"]["text"]
    assert "donor" in data["hint"]["text"] and "political" in data["hint"]["text"].lower()
    assert inputs["persons"]["element"]["type"] == "plain_text_input"
    assert inputs["identifiable"]["element"]["type"] == "static_select"
    assert {o["value"] for o in inputs["malicious"]["element"]["options"]} == {
        "yes",
        "no",
        "unknown",
    }
    assert inputs["malicious"]["element"]["type"] == "radio_buttons"


@pytest.mark.asyncio
async def test_a_french_reader_gets_the_modal_in_french(slack: Harness) -> None:
    view = await open_modal(slack, user=LEO)
    assert view["title"]["text"] == "Évaluer la violation"
    data = next(b for b in view["blocks"] if b.get("block_id") == "data")
    assert "art. 9(1)" in data["hint"]["text"] and "donateurs" in data["hint"]["text"]


@pytest.mark.asyncio
async def test_the_modal_records_what_the_one_line_form_would_and_posts_the_result(
    slack: Harness, fake: FakeSlack
) -> None:
    view = await open_modal(slack)
    _, text = await slack.interact(submission(view, modal_values(ONE_LINE), user=DANA))
    assert text == ""  # a plain ack: the modal closes
    (row,) = slack.db("SELECT inputs, created_by FROM assessments WHERE incident = 'INC-1'")
    assert json.loads(row[0]) == severity.parse_inputs(ONE_LINE).to_json()
    assert row[1] == DANA

    result = severity.assess(severity.parse_inputs(ONE_LINE))
    message = posted(fake, channel(slack))[-1]
    body = json.dumps(message["blocks"], ensure_ascii=False)
    assert result.explain("en") in body
    for assumption in result.assumed:  # records, context, recovered were left empty
        assert assumption.text["en"] in body
    decisions = {
        b["block_id"]: b for b in message["blocks"] if b.get("block_id", "").startswith("dec")
    }
    assert set(decisions) == {"decision:qc", "decision:fr"}
    for jid, block in (("qc", decisions["decision:qc"]), ("fr", decisions["decision:fr"])):
        assert block["accessory"]["action_id"] == "assess.override"
        assert block["accessory"]["value"] == f"INC-1|{jid}"
        assert "notify the regulator" in block["text"]["text"]


@pytest.mark.asyncio
async def test_a_bad_count_is_shown_under_its_field_and_nothing_is_recorded(
    slack: Harness,
) -> None:
    view = await open_modal(slack)
    values = modal_values({**ONE_LINE, "persons": "about 800"})
    status, text = await slack.interact(submission(view, values, user=DANA))
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"persons"}
    assert "whole number" in answer["errors"]["persons"]
    assert slack.db("SELECT count(*) FROM assessments") == [(0,)]


@pytest.mark.asyncio
async def test_a_re_assessment_opens_filled_with_the_latest_inputs(slack: Harness) -> None:
    view = await open_modal(slack)
    await slack.interact(submission(view, modal_values(ONE_LINE), user=DANA))
    again = await open_modal(slack)
    blocks = {b["block_id"]: b for b in again["blocks"] if b["type"] == "input"}
    chosen = [o["value"] for o in blocks["data"]["element"]["initial_options"]]
    assert chosen == ["contact", "financial", "political"]
    assert blocks["persons"]["element"]["initial_value"] == "869"
    assert blocks["malicious"]["element"]["initial_option"]["value"] == "yes"


@pytest.mark.asyncio
async def test_after_a_one_line_change_the_modal_keeps_every_other_input(slack: Harness) -> None:
    """``assess persons=2300`` changes one key: the modal then opens on 2300 and on every value
    of the first assessment, so editing one key in it keeps the rest."""
    line = " ".join(f"{k}={v}" for k, v in ONE_LINE.items())
    await slack.command(f"assess {line}", channel=channel(slack))
    await slack.command("assess persons=2300", channel=channel(slack))
    view = await open_modal(slack)
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["persons"]["element"]["initial_value"] == "2300"
    chosen = [o["value"] for o in blocks["data"]["element"]["initial_options"]]
    assert chosen == ["contact", "financial", "political"]
    assert blocks["malicious"]["element"]["initial_option"]["value"] == "yes"
    assert blocks["identifiable"]["element"]["initial_option"]["value"] == "full"
    # submitted as opened but for one key, the third version keeps the others too
    await slack.interact(submission(view, {**modal_values(ONE_LINE), "persons": "2400"}, user=DANA))
    (row,) = slack.db("SELECT inputs FROM assessments WHERE version = 3")
    inputs = json.loads(row[0])
    assert inputs["persons"] == 2400 and inputs["malicious"] is True


@pytest.mark.asyncio
async def test_one_line_assess_in_slack_posts_the_same_result(
    slack: Harness, fake: FakeSlack
) -> None:
    line = " ".join(f"{k}={v}" for k, v in ONE_LINE.items())
    await slack.command(f"assess {line}", channel=channel(slack))
    (row,) = slack.db("SELECT inputs FROM assessments WHERE incident = 'INC-1'")
    assert json.loads(row[0]) == severity.parse_inputs(ONE_LINE).to_json()
    header = posted(fake, channel(slack))[-1]["blocks"][0]
    assert header["text"]["text"] == "INC-1 — Assessment v1"


async def _assessed(slack: Harness) -> dict[str, Any]:
    view = await open_modal(slack)
    await slack.interact(submission(view, modal_values(ONE_LINE), user=DANA))
    return posted(slack.fake, channel(slack))[-1]


async def click(slack: Harness, message: dict[str, Any], block: dict[str, Any],
                element: dict[str, Any], user: str = DANA) -> None:  # fmt: skip
    payload = block_actions(
        clicked(element, block["block_id"]),
        user=user,
        channel=channel(slack),
        response_url=slack.fake.response_url("RCLICK"),
        message_ts=message["ts"],
    )
    status, _ = await slack.interact(payload)
    assert status == 200


@pytest.mark.asyncio
async def test_override_needs_a_reason_and_keeps_both_decisions(
    slack: Harness, fake: FakeSlack
) -> None:
    message = await _assessed(slack)
    block = next(b for b in message["blocks"] if b.get("block_id") == "decision:fr")
    await click(slack, message, block, block["accessory"])
    view = slack.last_modal()
    assert view["callback_id"] == "assess.override"
    _, text = await slack.interact(
        submission(view, {"authority": "no", "persons": "no", "reason": " "}, user=DANA)
    )
    assert set(json.loads(text)["errors"]) == {"reason"}
    assert slack.db("SELECT count(*) FROM timeline WHERE kind = 'decision_override'") == [(0,)]

    reason = "Encrypted copy; key <!channel> safe"
    await slack.interact(
        submission(view, {"authority": "no", "persons": "no", "reason": reason}, user=DANA)
    )
    (event,) = slack.db("SELECT actor, text, data FROM timeline WHERE kind = 'decision_override'")
    assert event[:2] == (DANA, reason)
    data = json.loads(event[2])
    assert data["computed"] == {"authority": True, "persons": True}
    assert data["chosen"] == {"authority": False, "persons": False}
    shown = posted(fake, channel(slack))[-1]
    fr = next(b for b in shown["blocks"] if b.get("block_id") == "decision:fr")
    assert "document internally only" in fr["text"]["text"]
    assert f"overridden by <@{DANA}>" in fr["text"]["text"]
    assert "&lt;!channel&gt;" in fr["text"]["text"] and "<!channel>" not in fr["text"]["text"]


@pytest.mark.asyncio
async def test_mark_notified_from_the_deadlines_stops_the_clock_with_its_reference(
    slack: Harness, fake: FakeSlack
) -> None:
    rid = await slack.command("deadlines", channel=channel(slack))
    blocks = slack.answers(rid)[-1]["blocks"]
    buttons = {
        b["accessory"]["value"]: b for b in blocks if b.get("accessory", {}).get("type") == "button"
    }
    assert {"INC-1|fr", "INC-1|qc"} <= set(buttons)
    block = buttons["INC-1|fr"]
    assert block["accessory"]["text"]["text"] == "Mark CNIL notified"
    await click(slack, {"ts": "1700000000.000100"}, block, block["accessory"])
    view = slack.last_modal()
    assert view["callback_id"] == "clock.notified"
    await slack.interact(submission(view, {"reference": "CNIL-2026-0042"}, user=DANA))
    assert slack.db("SELECT jurisdiction, audience, reference, recorded_by FROM notifications") == [
        ("fr", "authority", "CNIL-2026-0042", DANA)
    ]
    assert "CNIL notified for INC-1 (ref. CNIL-2026-0042)" in json.dumps(
        posted(fake, channel(slack))[-1]["blocks"]
    )
    rid = await slack.command("deadlines", channel=channel(slack))
    values = [b.get("accessory", {}).get("value") for b in slack.answers(rid)[-1]["blocks"]]
    assert "INC-1|fr" not in values and "INC-1|qc" in values


@pytest.mark.asyncio
async def test_notified_in_one_line_answers_with_the_ack(slack: Harness) -> None:
    rid = await slack.command("notified qc CAI-77", channel=channel(slack))
    answer = slack.answers(rid)[-1]
    assert answer["response_type"] == "in_channel"
    assert "INC-1 (ref. CAI-77); its clock is stopped" in answer["text"]


@pytest.mark.asyncio
async def test_the_modal_asks_who_received_the_data_and_the_decision_cites_the_principle(
    slack: Harness, fake: FakeSlack
) -> None:
    """Principle 7 (ICO guidance): health data sent to a colleague who deleted them at once is
    register only; the modal's added fields carry the facts, the result names the principle."""
    view = await open_modal(slack)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert [o["value"] for o in inputs["recipient"]["element"]["options"]] == [
        "internal", "trusted", "identified", "unknown", "public",
    ]  # fmt: skip
    assert inputs["depend"]["element"]["type"] == "radio_buttons"
    facts = {**ONE_LINE, "data": "health", "confidentiality": "known_recipient",
             "malicious": "no", "recipient": "internal", "recovered": "yes",
             "contents": "known"}  # fmt: skip
    await slack.interact(submission(view, modal_values(facts), user=DANA))
    (row,) = slack.db("SELECT inputs, decisions FROM assessments WHERE incident = 'INC-1'")
    assert json.loads(row[0])["recipient"] == "internal"
    decisions = {d["jurisdiction"]: d for d in json.loads(row[1])}
    assert {j: (d["authority"], d["persons"]) for j, d in decisions.items()} == {
        "qc": (False, False), "fr": (False, False),
    }  # fmt: skip
    body = json.dumps(posted(fake, channel(slack))[-1]["blocks"], ensure_ascii=False)
    assert "P7 Internal misdirection is not a breach to notify" in body
