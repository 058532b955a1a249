"""Text typed in Slack is stored as typed and echoed escaped."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from fakeslack import FakeSlack
from slackutil import Harness, running


@pytest_asyncio.fixture
async def slack(app: Any, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with running(app, fake) as harness:
        await harness.command("declare Leak playbook=generic-breach jurisdiction=fr")
        yield harness


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(timeout_delay=0.01) as server:
        yield server


@pytest.mark.asyncio
async def test_slack_escaping_is_undone_before_storing_and_redone_when_echoed(
    slack: Harness,
) -> None:
    # Slack sends what the user typed, `a < b & c <!channel>`, escaped:
    await slack.command("INC-1 note a &lt; b &amp; c &lt;!channel&gt; &amp;lt;")
    stored = slack.db("SELECT text FROM timeline WHERE kind = 'note'")[0][0]
    assert stored == "a < b & c <!channel> &lt;"
    rid = await slack.command("INC-1 timeline 3")
    (reply,) = slack.answers(rid)
    shown = json.dumps(reply["blocks"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
