"""Slack's side of the tests: v0 signatures, payloads in Slack's exact shapes, and a harness that
POSTs them into the real aiohttp application with the bot's Web API client aimed at FakeSlack."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient, TestServer
from fakeslack import TEAM_ID, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
DANA, LEO, SAM = "U0DANA01", "U0LEO002", "U0SAM003"  # declarer, lead, another volunteer
GENERAL = "C0GENERAL"

_ids = itertools.count(1)


def next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):06d}"


def signature(body: str, *, ts: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Slack's v0 scheme: ``v0=`` + HMAC-SHA256(secret, ``v0:{ts}:{body}``)."""
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def slash_body(text: str, *, user: str, channel: str, response_url: str, trigger: str) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "campaign",
            "channel_id": channel,
            "channel_name": "general" if channel == GENERAL else "incident",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/incident",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    )


def user_object(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}


def block_actions(
    action: dict[str, Any], *, user: str, channel: str, response_url: str, message_ts: str
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": user_object(user),
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": next_id("1337.42."),
        "team": {"id": TEAM_ID, "domain": "campaign"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "incident"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }


def clicked(element: dict[str, Any], block_id: str, **extra: Any) -> dict[str, Any]:
    """What Slack reports for a click on ``element`` (a button, or a select with its choice)."""
    action = {
        "action_id": element["action_id"],
        "block_id": block_id,
        "type": element["type"],
        **extra,
    }
    if element["type"] == "button":
        action["text"] = {**element["text"], "emoji": True}
        action["value"] = element["value"]
        if "style" in element:
            action["style"] = element["style"]
    return action


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user: str) -> dict[str, Any]:
    """Slack's ``view_submission`` for ``view`` (as the fake stored it) with ``values`` typed."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        got = values.get(block["block_id"])
        entry: dict[str, Any] = {"type": kind}
        if kind == "static_select":
            options = {o["value"]: o for o in element["options"]}
            entry["selected_option"] = options[got] if got else None
        elif kind == "multi_static_select":
            options = {o["value"]: o for o in element["options"]}
            entry["selected_options"] = [options[v] for v in got or []]
        elif kind == "datepicker":
            entry["selected_date"] = got
        elif kind == "timepicker":
            entry["selected_time"] = got
        elif kind == "users_select":
            entry["selected_user"] = got
        else:
            entry["value"] = got
        state[block["block_id"]] = {element["action_id"]: entry}
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "campaign"},
        "user": user_object(user),
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "trigger_id": next_id("2448.42."),
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_shortcut(
    message: dict[str, Any], *, user: str, channel: str, response_url: str
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM_ID, "domain": "campaign"},
        "user": user_object(user),
        "channel": {"id": channel, "name": "incident"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": "add_to_timeline",
        "trigger_id": next_id("3559.42."),
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": {**message, "team": TEAM_ID},
    }


def event_callback(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


class Harness:
    """The bot behind its real aiohttp app; requests signed, Web API answered by ``fake``."""

    def __init__(self, *, fake: FakeSlack, bot: Any, http: TestClient, service: Any) -> None:
        self.fake, self.bot, self.http, self.service = fake, bot, http, service

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(signature(body) if signed else {})}
        all_headers.update(headers or {})
        response = await self.http.post("/slack/events", data=body.encode(), headers=all_headers)
        return response.status, await response.text()

    async def command(
        self,
        text: str,
        *,
        user: str = DANA,
        channel: str = GENERAL,
        trigger: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Send ``/incident text``; returns the response-url id the answers are posted to."""
        rid = next_id("R")
        body = slash_body(
            text,
            user=user,
            channel=channel,
            response_url=self.fake.response_url(rid),
            trigger=trigger or next_id("1111.42."),
        )
        status, _ = await self.post(body, "application/x-www-form-urlencoded", headers=headers)
        assert status == 200
        await self.bot.settle()
        return rid

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        answer = await self.post(body, "application/x-www-form-urlencoded")
        await self.bot.settle()
        return answer

    async def event(
        self, event: dict[str, Any], *, event_id: str, headers: dict[str, str] | None = None
    ) -> int:
        body = json.dumps(event_callback(event, event_id=event_id))
        status, _ = await self.post(body, "application/json", headers=headers)
        await self.bot.settle()
        return status

    def answers(self, rid: str) -> list[dict[str, Any]]:
        return self.fake.responses.get(rid, [])

    def last_modal(self) -> dict[str, Any]:
        """The view Slack holds for the last ``views.open`` (with its id and hash)."""
        opened = self.fake.calls_to("views.open")[-1].args["view"]
        same = [
            v
            for v in self.fake.views.values()
            if all(v.get(k) == opened.get(k) for k in ("callback_id", "private_metadata", "blocks"))
        ]
        return same[-1]

    def db(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return list(self.service.store.conn.execute(sql, params).fetchall())


@contextlib.asynccontextmanager
async def running(app: Any, fake: FakeSlack) -> AsyncIterator[Harness]:
    """The whole Slack front end of ``app`` in this event loop, aimed at ``fake``: its own
    worker thread and Slack settings, the same service and database."""
    from incidentbot.runner import ServiceRunner
    from incidentbot.slack.server import http_app

    settings = replace(
        app.settings,
        slack_signing_secret=SECRET,
        slack_bot_token=TOKEN,
        slack_api_url=f"{fake.url}/api/",
    )
    slack_app = replace(app, settings=settings, runner=ServiceRunner(app.service))
    bot = slack_app.slack()
    for user, locale in ((DANA, "en-US"), (LEO, "fr-CA"), (SAM, "en-GB")):
        fake.users.setdefault(user, {"name": user.lower(), "locale": locale, "tz": "UTC"})
    http = TestClient(TestServer(http_app(slack_app, bot)))
    await http.start_server()
    try:
        yield Harness(fake=fake, bot=bot, http=http, service=app.service)
    finally:
        await http.close()
        await bot.stop()
        app.service.listeners.remove(bot.changed)
        slack_app.runner.close()


DECLARE_QC_FR = (
    'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
    f"jurisdiction=qc,fr lead=<@{LEO}|leo> severity=high"
)
"""The incident the ``slack`` fixture declares first (tests/conftest.py)."""
DECLARE_FR = (
    'declare Donor file exposed playbook=vendor-breach aware="2026-11-22 09:30" '
    f"jurisdiction=fr lead=<@{LEO}|leo>"
)
