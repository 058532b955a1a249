"""The checklist: Done (note modal), Skip (reason required), Assign; races; snapshots."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fakeslack import FakeSlack
from slackutil import (
    DANA,
    SAM,
    Harness,
    block_actions,
    clicked,
    view_submission,
)


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


async def checklist(slack: Harness, user: str = DANA) -> tuple[str, list[dict[str, Any]]]:
    rid = await slack.command("steps", channel=channel(slack), user=user)
    return rid, slack.answers(rid)[-1]["blocks"]


def element(blocks: list[dict[str, Any]], step: str, action_id: str) -> tuple[dict[str, Any], str]:
    for block in blocks:
        if block["type"] == "actions" and block["block_id"].split("|")[2:3] == [step]:
            for el in block["elements"]:
                if el["action_id"] == action_id:
                    return el, block["block_id"]
    raise AssertionError(f"no {action_id} for {step}")


async def click(slack: Harness, rid: str, blocks: list[dict[str, Any]], step: str,
                action_id: str, user: str = DANA, **extra: Any) -> None:  # fmt: skip
    el, block_id = element(blocks, step, action_id)
    payload = block_actions(
        clicked(el, block_id, **extra),
        user=user,
        channel=channel(slack),
        response_url=slack.fake.response_url(rid),
        message_ts="1700000000.000100",
    )
    status, _ = await slack.interact(payload)
    assert status == 200


def events(slack: Harness, kind: str) -> list[tuple[Any, ...]]:
    return slack.db("SELECT actor, text FROM timeline WHERE kind = ? ORDER BY seq", kind)


@pytest.mark.asyncio
async def test_card_and_checklist_blocks_match_the_snapshots(
    slack: Harness, fake: FakeSlack, snapshot: Any
) -> None:
    card = fake.messages[channel(slack)][0]["blocks"]
    _, steps = await checklist(slack)
    assert card == snapshot(name="card")
    assert steps == snapshot(name="checklist")


@pytest.mark.asyncio
async def test_blocked_steps_say_what_they_wait_for_instead_of_buttons(slack: Harness) -> None:
    _, blocks = await checklist(slack)
    texts = {b.get("block_id"): b["text"]["text"] for b in blocks if b["type"] == "section"}
    assert "waits for `scope-exposure`" in texts["text:assess-risk"]
    with pytest.raises(AssertionError):
        element(blocks, "assess-risk", "step.done")
    element(blocks, "scope-exposure", "step.done")  # an open, unblocked step has its buttons


@pytest.mark.asyncio
async def test_done_opens_a_note_modal_and_records_once(slack: Harness, fake: FakeSlack) -> None:
    rid, blocks = await checklist(slack)
    await click(slack, rid, blocks, "revoke-vendor-access", "step.done")
    view = slack.last_modal()
    assert view["callback_id"] == "step.done"
    note = next(b for b in view["blocks"] if b["type"] == "input")
    assert note["optional"] is False  # this step needs evidence

    status, text = await slack.interact(view_submission(view, {"note": "  "}, user=DANA))
    assert json.loads(text)["errors"].keys() == {"note"}
    assert events(slack, "step_done") == []

    await slack.interact(view_submission(view, {"note": "VPN keys revoked 10:05"}, user=DANA))
    assert events(slack, "step_done") == [(DANA, "VPN keys revoked 10:05")]
    refreshed = slack.answers(rid)[-1]
    assert refreshed["replace_original"] is True
    assert "revoked 10:05" in json.dumps(refreshed["blocks"])


@pytest.mark.asyncio
async def test_two_people_clicking_done_at_once_record_it_once(slack: Harness) -> None:
    rid_a, blocks_a = await checklist(slack, DANA)
    rid_b, blocks_b = await checklist(slack, SAM)
    await click(slack, rid_a, blocks_a, "preserve-logs", "step.done", user=DANA)
    view_a = slack.last_modal()
    await click(slack, rid_b, blocks_b, "preserve-logs", "step.done", user=SAM)
    view_b = slack.last_modal()
    await asyncio.gather(
        slack.interact(view_submission(view_a, {"note": "logs copied"}, user=DANA)),
        slack.interact(view_submission(view_b, {"note": "logs saved"}, user=SAM)),
    )
    done = events(slack, "step_done")
    assert len(done) == 1
    winner = done[0][0]
    loser_rid = rid_b if winner == DANA else rid_a
    told = [a["text"] for a in slack.answers(loser_rid) if a.get("response_type") == "ephemeral"]
    assert any("already done by <@" + winner + ">" in text for text in told), told

    # a late click on the stale list is refused before any modal opens
    opened = len(slack.fake.calls_to("views.open"))
    await click(slack, loser_rid, blocks_a if winner == SAM else blocks_b, "preserve-logs",
                "step.done", user=SAM)  # fmt: skip
    assert len(slack.fake.calls_to("views.open")) == opened
    assert len(events(slack, "step_done")) == 1


@pytest.mark.asyncio
async def test_skip_requires_a_reason(slack: Harness) -> None:
    rid, blocks = await checklist(slack)
    await click(slack, rid, blocks, "holding-statement", "step.skip")
    view = slack.last_modal()
    _, text = await slack.interact(view_submission(view, {"reason": ""}, user=DANA))
    assert "reason" in json.loads(text)["errors"]
    await slack.interact(view_submission(view, {"reason": "no press interest"}, user=DANA))
    assert events(slack, "step_skipped") == [(DANA, "no press interest")]


@pytest.mark.asyncio
async def test_assign_from_the_user_select(slack: Harness) -> None:
    rid, blocks = await checklist(slack)
    await click(slack, rid, blocks, "scope-exposure", "step.assign", selected_user=SAM)
    assert slack.db("SELECT assignee FROM steps WHERE step_id = 'scope-exposure'") == [(SAM,)]
    assert f"<@{SAM}>" in json.dumps(slack.answers(rid)[-1]["blocks"])


@pytest.mark.asyncio
async def test_card_checklist_button_answers_only_the_clicker(
    slack: Harness, fake: FakeSlack
) -> None:
    card = fake.messages[channel(slack)][0]
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["action_id"] == "card.steps")
    payload = block_actions(
        clicked(button, actions["block_id"]),
        user=SAM,
        channel=channel(slack),
        response_url=fake.response_url("RCARD"),
        message_ts=card["ts"],
    )
    await slack.interact(payload)
    (answer,) = fake.responses["RCARD"]
    assert answer["response_type"] == "ephemeral"
    assert any(b.get("block_id", "").startswith("step|INC-1|") for b in answer["blocks"])


@pytest.mark.asyncio
async def test_a_completed_step_offers_a_public_measure_worded_by_staff(slack: Harness) -> None:
    rid, blocks = await checklist(slack)
    await click(slack, rid, blocks, "revoke-vendor-access", "step.done")
    done_view = slack.last_modal()
    await slack.interact(
        view_submission(done_view, {"note": "Call with Logi K 9:10 (M. Lavoie)"}, user=DANA)
    )
    rid, blocks = await checklist(slack)
    await choose_measure(slack, rid, blocks, "revoke-vendor-access")
    view = slack.last_modal()
    assert view["callback_id"] == "step.measure"
    field = next(b for b in view["blocks"] if b["type"] == "input")
    prefilled = field["element"]["initial_value"]
    assert "Logi K" not in prefilled  # the step's note is shown as internal, never pre-filled
    assert "Logi K" in json.dumps(view["blocks"])

    _, text = await slack.interact(view_submission(view, {"measure": " "}, user=DANA))
    assert json.loads(text)["errors"].keys() == {"measure"}
    await slack.interact(
        view_submission(view, {"measure": "Our vendor's access was cut off."}, user=DANA)
    )
    assert events(slack, "measure") == [(DANA, "Our vendor's access was cut off.")]
    assert planned(slack) == [("Our vendor's access was cut off.", 0)]


def planned(slack: Harness) -> list[tuple[Any, ...]]:
    """Each measure recorded and whether it is planned (1) or taken (0)."""
    return slack.db(
        "SELECT text, json_extract(data, '$.planned') FROM timeline WHERE kind = 'measure' "
        "ORDER BY seq"
    )


async def choose_measure(
    slack: Harness, rid: str, blocks: list[dict[str, Any]], step: str, user: str = DANA
) -> None:
    """Pick ``step`` in its phase's "Measure" menu."""
    menu, block_id, option = next(
        (el, b["block_id"], o)
        for b in blocks
        if b["type"] == "actions" and b["block_id"].startswith("measure|")
        for el in b["elements"]
        for o in el["options"]
        if o["value"].split("|")[1] == step
    )
    payload = block_actions(
        clicked(menu, block_id, selected_option=option),
        user=user,
        channel=channel(slack),
        response_url=slack.fake.response_url(rid),
        message_ts="1700000000.000100",
    )
    status, _ = await slack.interact(payload)
    assert status == 200


@pytest.mark.asyncio
async def test_every_completed_step_of_a_phase_can_become_a_planned_measure(
    slack: Harness,
) -> None:
    """Six completed steps in one phase (more than the old five buttons): each is in the
    menu, the fake Slack's Block Kit checks pass, and the modal records a planned measure."""
    for step in (
        "revoke-vendor-access", "scope-exposure", "preserve-logs", "vendor-written-account",
    ):  # fmt: skip
        await slack.command(f"done {step} done", channel=channel(slack), user=DANA)
    rid, blocks = await checklist(slack)
    (menu,) = [b for b in blocks if b.get("block_id", "").startswith("measure|INC-1|contain")]
    assert [o["value"].split("|")[1] for o in menu["elements"][0]["options"]] == [
        "revoke-vendor-access", "scope-exposure", "preserve-logs", "vendor-written-account",
    ]  # fmt: skip
    await choose_measure(slack, rid, blocks, "vendor-written-account")
    view = slack.last_modal()
    await slack.interact(
        view_submission(
            view,
            {"measure": "An independent audit of the vendor.", "measure_kind": "planned"},
            user=DANA,
        )
    )
    assert planned(slack) == [("An independent audit of the vendor.", 1)]


@pytest.mark.asyncio
async def test_a_steps_details_show_its_guidance_with_the_incidents_authorities(
    slack: Harness,
) -> None:
    rid, blocks = await checklist(slack)
    section = next(b for b in blocks if b.get("block_id") == "text:notify-regulator")
    button = section["accessory"]
    payload = block_actions(
        clicked(button, section["block_id"]),
        user=DANA,
        channel=channel(slack),
        response_url=slack.fake.response_url(rid),
        message_ts="1700000000.000100",
    )
    status, _ = await slack.interact(payload)
    assert status == 200
    answer = slack.fake.responses[rid][-1]
    assert answer["response_type"] == "ephemeral"
    shown = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "the CAI promptly and the CNIL within 72 hours" in shown
    assert "the ICO" not in shown and "the OPC" not in shown
    assert "`assess-risk`" in shown  # what it waits for
    # the same detail through the command
    rid = await slack.command("steps notify-regulator", channel=channel(slack), user=DANA)
    assert "the CAI promptly and the CNIL" in json.dumps(slack.answers(rid)[-1]["blocks"])
