"""Drafts print people's names as Slack gives them (users.info real_name), not their ids."""

from __future__ import annotations

import pytest
from fakeslack import FakeSlack
from slackutil import DANA, LEO, Harness


def files(fake: FakeSlack) -> dict[str, bytes]:
    return {f["filename"]: f["content"] for f in fake.files.values() if f["uploaded"]}


@pytest.mark.asyncio
async def test_the_report_names_the_lead_by_the_real_name_slack_gives(
    slack: Harness, fake: FakeSlack
) -> None:
    fake.users[LEO] = {"name": "leo", "real_name": "Léo Tremblay", "tz": "America/Toronto"}
    fake.users[DANA] = {"name": "dana", "real_name": "Dana Roy", "tz": "America/Toronto"}
    channel = slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]
    await slack.command("note the vendor called back", user=LEO, channel=channel)
    await slack.command("draft report", user=DANA, channel=channel)
    report = next(v for k, v in files(fake).items() if k.endswith(".md") and "-report-" in k)
    text = report.decode()
    assert "Incident lead: Léo Tremblay" in text, text
    assert "Léo Tremblay: the vendor called back" in text
    assert LEO not in text
