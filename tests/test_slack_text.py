"""Text typed in Slack is stored as typed and echoed escaped."""

from __future__ import annotations

import json

import pytest
from slackutil import Harness


@pytest.fixture
def slack_declares() -> str:
    return "declare Leak playbook=generic-breach jurisdiction=fr"


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
