"""In Slack mode the chain head is posted in the incident's channel, and verify reads it back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio
from fakeslack import FakeSlack
from slackutil import TOKEN, Harness, running

from incidentbot.evidence import anchors
from incidentbot.slack import witness
from incidentbot.typography import french


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(timeout_delay=0.01) as server:
        yield server


@pytest_asyncio.fixture
async def slack(app: Any, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with running(app, fake) as harness:
        await harness.command("declare Donor file exposed playbook=vendor-breach jurisdiction=fr")
        await harness.command("INC-1 note Vendor called at 09:40")
        yield harness


def heads_in(fake: FakeSlack, cid: str) -> list[str]:
    return [m["text"] for m in fake.messages[cid] if "sha256:" in m.get("text", "")]


@pytest.mark.asyncio
async def test_an_approval_posts_the_head_in_the_channel_and_verify_reads_it_back(
    slack: Harness, fake: FakeSlack, settings: Any, service: Any
) -> None:
    await slack.command("INC-1 draft press holding")
    await slack.command("INC-1 approve press")
    cid = slack.db("SELECT channel FROM incidents")[0][0]
    seq, head = service.store.head("INC-1")
    assert heads_in(fake, cid) == [
        f"Evidence: the timeline of INC-1 is at event #{seq} sha256:{head} (a draft was "
        "approved). Keep this message: `incidentbot verify` checks the timeline against it."
    ]
    aimed = replace(settings, slack_bot_token=TOKEN, slack_api_url=f"{fake.url}/api/")
    problems, notes = await asyncio.to_thread(
        anchors.check, service.store, aimed, witness.reader(aimed)
    )
    assert problems == [] and [str(n) for n in notes] == [
        "1 chain head published in Slack checked."
    ]
    assert notes[0].render("fr") == french("1 tête de chaîne publiée dans Slack vérifiée.")

    # the insider rewrites the note recorded before that head and re-hashes everything
    from test_evidence import rewrite_chain

    await asyncio.to_thread(rewrite_chain, str(service.store.path), edit_seq=3, delete_seq=99)
    problems, _ = await asyncio.to_thread(
        anchors.check, service.store, aimed, witness.reader(aimed)
    )
    assert [str(p) for p in problems] == [
        f"INC-1: event #{seq} differs from the head Slack published (sha256:{head[:12]}... "
        f"there, {service.store.head('INC-1')[1][:12]}... here): the timeline was rewritten "
        "after it"
    ]
