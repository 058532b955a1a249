"""The electoral silence on the Slack status card and the incidents list (issue 15)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slackutil import DANA, Harness


def channel(slack: Harness) -> str:
    return slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]


async def said(slack: Harness, text: str) -> str:
    rid = await slack.command(text, channel=channel(slack), user=DANA)
    return json.dumps(slack.answers(rid)[-1]["blocks"], ensure_ascii=False)


@pytest.mark.asyncio
async def test_the_status_card_shows_when_the_silence_starts_then_that_it_is_in_force(
    slack: Harness, clock: Any
) -> None:
    assert "Electoral silence" not in await said(slack, "status")
    await said(slack, 'fact election_silence_starts "2026-11-25 09:00"')
    card = await said(slack, "status")
    assert "*Electoral silence*: from <!date^1795597200^" in card
    # qc and fr disagree on a zone: the campaign's (UTC here), named
    assert "UTC> — 2026-11-25 09:00 (UTC+00:00, UTC)" in card
    listing = await said(slack, "list")
    assert "*Electoral silence*: from <!date^1795597200^" in listing
    clock.advance(days=3)
    card = await said(slack, "status")
    assert "*Electoral silence*: in force since <!date^1795597200^" in card
    assert "without your lawyer's advice" in card
