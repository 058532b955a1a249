"""Drafts in Slack: the text split under Slack's limits, missing facts, the diff, the .md and
.docx files, Approve by role, and user text that cannot ping a channel."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from fakeslack import FakeSlack
from slackutil import DANA, LEO, SAM, Harness, block_actions, clicked

from incidentbot.slack import blocks as bk
from incidentbot.slack.listeners import drafts


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Roles enforced: Dana is a member, Sam does communications, Leo leads the incident."""
    from incidentbot import config

    toml = tmp_path / "bot.toml"
    toml.write_text(f'[people]\n{DANA} = ["member"]\n{SAM} = ["comms"]\n{LEO} = ["member"]\n')
    return config.load(
        {
            "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
            "INCIDENTBOT_TZ": "UTC",
            "INCIDENTBOT_CONFIG": str(toml),
        }
    )


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


def draft_messages(fake: FakeSlack, cid: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages[cid] if m.get("blocks") and "draft" in m.get("text", "")]


def files(fake: FakeSlack) -> dict[str, bytes]:
    return {f["filename"]: f["content"] for f in fake.files.values() if f["uploaded"]}


def draft_text(message_list: list[dict[str, Any]]) -> str:
    """The draft as a reader copies it from the code blocks (Slack unescapes &amp; &lt; &gt;)."""
    out = []
    for m in message_list:
        for b in m["blocks"]:
            text = (b.get("text") or {}).get("text", "")
            if b["type"] == "section" and text.startswith("```") and "Changes" not in text:
                out.append(text[3:-3])
    joined = "".join(out)
    return joined.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.asyncio
async def test_a_draft_is_posted_in_chunks_with_its_files_and_an_approve_button(
    slack: Harness, fake: FakeSlack
) -> None:
    rid = await slack.command("draft press", channel=channel(slack))
    rows = slack.db("SELECT body FROM drafts WHERE incident = 'INC-1'")
    assert rows, slack.answers(rid)
    ((body,),) = rows
    messages = draft_messages(fake, channel(slack))
    assert messages, fake.messages[channel(slack)]
    assert messages[0]["blocks"][0]["text"]["text"] == "INC-1 · draft press-en-v1"
    for m in messages:
        assert len(m["blocks"]) <= 50
        for b in m["blocks"]:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= 3000
    assert draft_text(messages) == body

    got = files(fake)
    assert set(got) == {"INC-1-press-en-v1.md", "INC-1-press-en-v1.docx"}
    assert got["INC-1-press-en-v1.md"].decode() == body
    document = docx.Document(io.BytesIO(got["INC-1-press-en-v1.docx"]))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    for line in body.splitlines():
        plain = line.lstrip("#-*> ").strip()
        if plain and not plain.startswith("<!--"):
            assert plain.replace("**", "") in paragraphs.replace("**", ""), plain
    shared = {f["channel_id"] for f in fake.files.values()}
    assert shared == {channel(slack)}

    last = messages[-1]["blocks"]
    actions = [b for b in last if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == "draft.approve"
    assert actions[0]["elements"][0]["value"] == "INC-1|press-en-v1"


@pytest.mark.asyncio
async def test_a_long_draft_is_split_under_the_section_limit() -> None:
    text = ("Paragraph with <tags> & ampersands. " * 40 + "\n\n") * 12  # escaping grows it
    chunks = bk.code_chunks(text)
    assert "".join(chunks) == text
    assert all(len(bk.code(c)) <= 3000 for c in chunks)
    assert len(chunks) > 4


@pytest.mark.asyncio
async def test_missing_facts_are_listed_with_the_command_that_supplies_each(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command("draft press", channel=channel(slack))
    missing = json.loads(slack.db("SELECT missing FROM drafts")[0][0])
    assert missing  # no assessment, no description yet
    blocks = draft_messages(fake, channel(slack))[-1]["blocks"]
    listing = next(b["text"]["text"] for b in blocks if "Missing facts" in str(b.get("text")))
    assert "`/incident " in listing
    assert listing.count("\n• ") == len(missing)


@pytest.mark.asyncio
async def test_drafting_again_shows_what_changed_and_user_text_cannot_ping(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command("draft press", channel=channel(slack))
    await slack.command(
        "fact description Someone posted <!channel> and <@U0SAM003> & co on our site",
        channel=channel(slack),
    )
    await slack.command("draft press", channel=channel(slack))
    assert slack.db("SELECT version FROM drafts ORDER BY id") == [(1,), (2,)]
    messages = draft_messages(fake, channel(slack))
    second = [m for m in messages if "press-en-v2" in m["text"]]
    dumped = json.dumps([m["blocks"] for m in second])
    assert "<!channel>" not in dumped and "<@U0SAM003>" not in dumped
    assert "&lt;!channel\\\\&gt;" in dumped and "&amp; co" in dumped
    diff = next(
        b["text"]["text"] for b in second[-1]["blocks"] if "Changes since v1" in str(b.get("text"))
    )
    assert "lines added" in diff and "&lt;!channel" in diff
    md = files(fake)["INC-1-press-en-v2.md"].decode()
    # the file holds the text as Markdown text (escaped, never a tag); only Slack markup is escaped
    assert "\\<!channel\\>" in md


@pytest.mark.asyncio
async def test_approve_is_refused_to_a_member_and_granted_to_communications(
    slack: Harness, fake: FakeSlack
) -> None:
    await slack.command("draft press", channel=channel(slack))
    message = draft_messages(fake, channel(slack))[-1]
    block = next(b for b in message["blocks"] if b["type"] == "actions")

    async def click(user: str, rid: str) -> None:
        payload = block_actions(
            clicked(block["elements"][0], block["block_id"]),
            user=user,
            channel=channel(slack),
            response_url=fake.response_url(rid),
            message_ts=message["ts"],
        )
        await slack.interact(payload)

    await click(DANA, "RDANA")
    (refusal,) = fake.responses["RDANA"]
    assert refusal["response_type"] == "ephemeral"
    assert "Only comms or lead may approve the press statement" in refusal["text"]
    assert slack.db("SELECT approved_by FROM drafts") == [(None,)]

    await click(SAM, "RSAM")
    (done,) = fake.responses["RSAM"]
    assert done["response_type"] == "in_channel"
    assert "press-en-v1 approved by <@U0SAM003>" in done["text"]
    assert slack.db("SELECT approved_by FROM drafts") == [(SAM,)]
    (event,) = slack.db("SELECT actor FROM timeline WHERE kind = 'draft_approved'")
    assert event == (SAM,)


@pytest.mark.asyncio
async def test_an_upload_refused_twice_is_retried_and_arrives(
    slack: Harness, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafts, "UPLOAD_DELAYS", (0.0, 0.0, 0.0))
    fake.fail_next("files.getUploadURLExternal", count=2)
    await slack.command("draft press", channel=channel(slack))
    assert set(files(fake)) == {"INC-1-press-en-v1.md", "INC-1-press-en-v1.docx"}


@pytest.mark.asyncio
async def test_an_upload_slack_never_takes_leaves_the_draft_saved_and_says_so(
    slack: Harness, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafts, "UPLOAD_DELAYS", (0.0, 0.0, 0.0))
    fake.fail_next("files.getUploadURLExternal", count=10)
    rid = await slack.command("draft press", channel=channel(slack))
    assert files(fake) == {}
    assert slack.db("SELECT count(*) FROM drafts") == [(1,)]
    told = [a["text"] for a in slack.answers(rid) if a.get("response_type") == "ephemeral"]
    assert any("did not take the files of press-en-v1; the draft is saved" in t for t in told)
