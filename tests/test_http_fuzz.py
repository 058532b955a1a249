"""``POST /slack/events`` never answers 500: random signed and unsigned requests (hypothesis).

The bot's real aiohttp application serves on 127.0.0.1 from a thread of its own, its Web API
client aimed at the fake Slack; each example is one real HTTP request. A malformed body is a 400,
a bad or missing signature a 401, a signed payload of a shape the listeners cannot read is
answered 200 and ignored.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pytest
from fakeslack import FakeSlack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slackutil import DANA, SECRET, TOKEN, signature, slash_body

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["type", "payload", "command", "text", "user", "user_id", "channel", "channel_id", "event",
     "actions", "view", "trigger_id", "response_url", "message", "container", "team", "token",
     "event_id", "callback_id", "api_app_id", "challenge"]
)  # fmt: skip
SHAPED = st.dictionaries(KEYS, JSON, max_size=8)
TYPES = st.sampled_from(
    ["block_actions", "view_submission", "message_action", "shortcut", "event_callback",
     "url_verification", "view_closed", "block_suggestion", "interactive_message", "nonsense"]
)  # fmt: skip
EXAMPLES = 300


class Served:
    """The HTTP app on a port, run by a loop in its own thread."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake = FakeSlack(timeout_delay=0.01)
        self.port = self._run(self._start(app))

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def _start(self, app: Any) -> int:
        from aiohttp import web

        from incidentbot.runner import ServiceRunner
        from incidentbot.slack.server import http_app

        await self.fake.start()
        self.fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        configured = replace(app.settings, slack_signing_secret=SECRET, slack_bot_token=TOKEN,
                             slack_api_url=f"{self.fake.url}/api/")  # fmt: skip
        self.runner = ServiceRunner(app.service)
        slack_app = replace(app, settings=configured, runner=self.runner)
        self.bot = slack_app.slack()
        self.site = web.AppRunner(http_app(slack_app, self.bot), access_log=None)
        await self.site.setup()
        await web.TCPSite(self.site, "127.0.0.1", 0).start()
        return int(self.site.addresses[0][1])

    async def _stop(self) -> None:
        await self.site.cleanup()
        await self.bot.stop()
        await self.fake.stop()

    def close(self) -> None:
        self._run(self._stop())
        self.runner.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/slack/events", data=body, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.fixture
def served(app: Any) -> Iterator[Served]:
    server = Served(app)
    yield server
    server.close()


def signed(body: bytes) -> dict[str, str]:
    """Slack's v0 signature over the raw bytes (which need not be UTF-8)."""
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip


@FUZZ
@given(kind=TYPES, shape=SHAPED, as_form=st.booleans())
def test_signed_payloads_of_any_shape_never_get_a_500(
    served: Served, kind: str, shape: dict[str, Any], as_form: bool
) -> None:
    payload = {"type": kind, **shape}
    if as_form:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(payload).encode()
        content_type = "application/json"
    status = served.post(body, {"Content-Type": content_type, **signed(body)})
    assert status in (200, 400), status


@FUZZ
@given(fields=st.dictionaries(KEYS, st.text(max_size=40), max_size=8), text=st.text(max_size=80))
def test_signed_slash_commands_with_any_fields_never_get_a_500(
    served: Served, fields: dict[str, str], text: str
) -> None:
    body = urlencode({"command": "/incident", "text": text, **fields}).encode()
    status = served.post(
        body, {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
    )
    assert status in (200, 400), status


@FUZZ
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    content_type=st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]
    ),
    stamp=st.none() | st.text(max_size=12) | st.integers().map(str),
    sig=st.none() | st.text(max_size=70),
    sign=st.booleans(),
)
def test_malformed_or_unsigned_requests_are_400_or_401_never_500(
    served: Served,
    body: bytes,
    content_type: str,
    stamp: str | None,
    sig: str | None,
    sign: bool,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if sign:
        headers.update(signed(body))
    else:
        if stamp is not None and stamp.isprintable() and stamp.isascii():
            headers["X-Slack-Request-Timestamp"] = stamp
        if sig is not None and sig.isprintable() and sig.isascii():
            headers["X-Slack-Signature"] = sig
    status = served.post(body, headers)
    assert status != 500
    if not sign:
        assert status == 401


def test_a_command_the_database_cannot_record_is_answered_not_recorded(served: Served) -> None:
    served._run(served.runner.call(_declare, served.bot))
    served._run(served.runner.call(_refuse_writes, served.bot))
    body = slash_body("INC-1 note written on a full disk", user=DANA, channel="C0GENERAL",
                      response_url=served.fake.response_url("RF"), trigger="66.1.f")  # fmt: skip
    request = urllib.request.Request(
        f"http://127.0.0.1:{served.port}/slack/events", data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **signature(body)},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer = json.loads(response.read())
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Not recorded")
    notes = served._run(served.runner.call(_notes, served.bot))
    assert notes == []


def _declare(bot: Any) -> None:
    bot.service.declare(actor=DANA, title="Leak", playbook_id="generic-breach",
                        jurisdictions=["fr"])  # fmt: skip


def _refuse_writes(bot: Any) -> None:
    """Every write fails from now on, as on a full disk (SQLite refuses to write)."""
    bot.store.conn.execute("PRAGMA query_only = ON")


def _notes(bot: Any) -> list[str]:
    return [t for (t,) in bot.store.conn.execute("SELECT text FROM timeline WHERE kind='note'")]


@pytest.mark.parametrize(
    "text",
    ["done \ud800", "skip \ud800 no reason", "assign \ud800 @bob", "done stop-the-leak \udfff"],
)
def test_a_lone_surrogate_in_done_skip_or_assign_is_text_not_a_crash(
    service: Any, text: str
) -> None:
    from incidentbot.core import commands as cmd
    from incidentbot.errors import IncidentbotError

    _declare(type("Bot", (), {"service": service})())
    try:
        service.handle(cmd.parse(text), actor=DANA, context="INC-1")
    except IncidentbotError as exc:  # a sentence naming what was typed, never a UnicodeEncodeError
        assert "?" in exc.text("en")
    events = service.store.conn.execute("SELECT text FROM timeline").fetchall()
    assert all(isinstance(t, (str, type(None))) for (t,) in events)
