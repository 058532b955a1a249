"""Many people acting on one incident at once: nothing recorded twice, nothing lost, no
"database is locked" shown to anyone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from fakeslack import FakeSlack
from slackutil import LEO, Harness, next_id, running, slash_body

USERS = [f"U0VOL{n:04d}" for n in range(30)]


@pytest_asyncio.fixture
async def slack(app: Any) -> AsyncIterator[Harness]:
    async with FakeSlack(timeout_delay=0.01) as fake, running(app, fake) as h:
        for user in USERS:
            fake.users[user] = {"name": user.lower(), "locale": "en-US", "tz": "UTC"}
        await h.command(
            'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
            f"jurisdiction=fr lead=<@{LEO}|leo>"
        )
        yield h


async def at_once(slack: Harness, texts: list[tuple[str, str]], channel: str) -> list[str]:
    """POST every ``(user, text)`` concurrently; returns their response-url ids."""
    rids = [next_id("R") for _ in texts]
    bodies = [
        slash_body(
            text,
            user=user,
            channel=channel,
            response_url=slack.fake.response_url(rid),
            trigger=next_id("7777.42."),
        )  # fmt: skip
        for (user, text), rid in zip(texts, rids, strict=True)
    ]
    answers = await asyncio.gather(
        *(slack.post(b, "application/x-www-form-urlencoded") for b in bodies)
    )
    assert [status for status, _ in answers] == [200] * len(texts)
    await slack.bot.settle()
    return rids


def said(slack: Harness, rids: list[str]) -> list[str]:
    return [json.dumps(a, ensure_ascii=False) for rid in rids for a in slack.answers(rid)]


@pytest.mark.asyncio
async def test_thirty_people_completing_one_step_record_it_once(slack: Harness) -> None:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    rids = await at_once(slack, [(u, f"done preserve-logs copied by {u}") for u in USERS], channel)
    done = slack.db("SELECT actor FROM timeline WHERE kind = 'step_done'")
    assert len(done) == 1
    winner = done[0][0]
    assert slack.db("SELECT done_by FROM steps WHERE step_id = 'preserve-logs'") == [(winner,)]
    texts = said(slack, rids)
    assert len(texts) == len(USERS)  # everyone hears back exactly once
    assert not any("locked" in t.lower() or "Traceback" in t for t in texts)
    losers = [t for rid, u in zip(rids, USERS, strict=True) if u != winner
              for t in said(slack, [rid])]  # fmt: skip
    assert len(losers) == len(USERS) - 1
    assert all("preserve-logs" in t and "done" in t.lower() for t in losers)
    assert slack.service.store.verify() == []


@pytest.mark.asyncio
async def test_a_hundred_notes_at_once_are_all_kept_in_order_of_commit(slack: Harness) -> None:
    channel = slack.db("SELECT channel FROM incidents")[0][0]
    notes = [(USERS[n % len(USERS)], f"note observation {n:03d}") for n in range(100)]
    rids = await at_once(slack, notes, channel)
    kept = slack.db("SELECT actor, text FROM timeline WHERE kind = 'note'")
    assert sorted(kept) == sorted((u, t.removeprefix("note ")) for u, t in notes)
    seqs = [
        s for (s,) in slack.db("SELECT seq FROM timeline WHERE incident = 'INC-1' ORDER BY seq")
    ]
    assert seqs == list(range(1, len(seqs) + 1))  # one chain, no gap, no fork
    texts = said(slack, rids)
    assert len(texts) == 100 and not any("locked" in t.lower() for t in texts)
    assert slack.service.store.verify() == []
