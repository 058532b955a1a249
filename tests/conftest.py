"""Shared fixtures: a real SQLite file, the real playbooks, a clock the test moves by hand."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/fakeslack/, tests/slackutil.py

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# CI starts from no example database, so one lucky find on an earlier run cannot turn every later
# build red; an example worth keeping is written into its test as an explicit @example.
hypothesis_settings.register_profile(
    "ci", database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
if IN_CI:
    hypothesis_settings.load_profile("ci")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI nothing is skipped for want of a file or a browser: a skip there is a failure."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (CI=true), which must run every test: {reason}"


class Clock:
    """A clock that only moves when the test says so."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 22, 15, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from incidentbot import config

    return config.load({"INCIDENTBOT_DB": str(tmp_path / "bot.db"), "INCIDENTBOT_TZ": "UTC"})


@pytest.fixture
def app(settings, clock: Clock) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The whole bot, built by the composition root, on a fresh database and a manual clock."""
    from incidentbot.app import build_app

    built = build_app(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def service(app: Any) -> Any:
    return app.service


# -- Slack: the fake Web API and the bot behind its real HTTP endpoint ------------------------


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[Any]:
    """The fake Slack Web API (tests/fakeslack/) on a free port."""
    from fakeslack import FakeSlack

    async with FakeSlack(timeout_delay=0.01) as server:
        yield server


@pytest.fixture
def slack_declares() -> str | None:
    """The ``/incident`` text the ``slack`` fixture sends first; a module overrides it (None:
    nothing declared)."""
    from slackutil import DECLARE_QC_FR

    return DECLARE_QC_FR


@pytest_asyncio.fixture
async def slack(app: Any, fake: Any, slack_declares: str | None) -> AsyncIterator[Any]:
    """The whole Slack front end aimed at ``fake``, after sending ``slack_declares``."""
    from slackutil import running

    async with running(app, fake) as harness:
        if slack_declares is not None:
            await harness.command(slack_declares)
        yield harness
