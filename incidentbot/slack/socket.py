"""Socket Mode (``incidentbot run``): the same promises as HTTP mode, over Slack's websocket.

Slack hands each request to the bot as an *envelope* and takes the bot's ``envelope_id`` ack
as the answer; an acknowledged envelope is never sent again. bolt's own socket-mode handler
acks as soon as a listener calls ``ack()``, before the work the listener handed on has been
committed, so a crash right after an ack lost the command. Here:

* **An ack means recorded.** :class:`CommitAckHandler` runs bolt, then holds the ack back
  until the work that envelope started has committed, for at most
  :data:`~incidentbot.slack.ack.COMMIT_WAIT` seconds (Slack allows 3), exactly as the HTTP
  handler does. Work that could not be recorded (disk full, a database error) is never
  acknowledged as done: a slash command is answered "not recorded, try again"; any other
  envelope is left unacknowledged, so Slack redelivers an event and shows the person who
  clicked that the app did not answer.
* **A refused app token is one line.** :func:`open_url` asks ``apps.connections.open`` once
  before anything connects: a refusal is a :class:`~incidentbot.errors.ConfigError` naming
  ``SLACK_APP_TOKEN``. When the token is revoked while running (the next reconnection is
  refused), :class:`TokenCheckedClient` logs it once and reports it as fatal, so the process
  exits 1 instead of retrying every ten seconds.
* **Deafness shows.** :class:`SocketHealth` watches the websocket; ``/healthz`` answers 503 once
  it has been down longer than a grace period, so an orchestrator restarts a deaf bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from incidentbot.errors import ConfigError
from incidentbot.i18n import Message
from incidentbot.slack import ack
from incidentbot.slack.app import SlackBot
from incidentbot.slack.sender import FATAL_ERRORS

log = logging.getLogger(__name__)

HEALTH_GRACE = 60.0
"""Seconds the websocket may be down (a reconnection, Slack's refresh) before /healthz is 503."""


async def open_url(client: AsyncWebClient, app_token: str) -> str:
    """``apps.connections.open`` once: the websocket URL, or one sentence naming the token."""
    try:
        answer = await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error", "") if hasattr(exc.response, "get") else ""
        raise ConfigError(Message("slack.app_token_refused", error=error)) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise ConfigError(Message("slack.app_token_unreachable", problem=exc)) from exc
    return str(answer["url"])


class _OneLine(logging.Filter):
    """slack_sdk logs every reconnection failure with a traceback: keep the sentence only."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class TokenCheckedClient(SocketModeClient):
    """slack_sdk's aiohttp client, except that a refused token on reconnection is fatal."""

    def __init__(self, *, on_fatal: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_fatal = on_fatal
        self.refused: str | None = None

    async def issue_new_wss_url(self) -> str:
        try:
            answer = await self.web_client.apps_connections_open(app_token=self.app_token)
            return str(answer["url"])
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error == "ratelimited":
                delay = int(exc.response.headers.get("Retry-After", "30"))
                log.info("Slack asked to wait %ss before reconnecting", delay)
                await asyncio.sleep(delay)
                return await self.issue_new_wss_url()
            if error in FATAL_ERRORS:
                if self.refused is None:
                    self.refused = error
                    log.critical("Slack refused SLACK_APP_TOKEN (%s); stopping.", error)
                    self.on_fatal(error)
                self.auto_reconnect_enabled = False
                await asyncio.Event().wait()  # the process is stopping: never reconnect
            raise


class CommitAckHandler(AsyncSocketModeHandler):
    """bolt's socket-mode adapter with the ack sent only once the envelope's work committed."""

    def __init__(self, bot: SlackBot, *, app_token: str, ping_interval: float = 10) -> None:
        self.bot = bot
        self.app = bot.app
        self.app_token = app_token
        sdk_log = logging.getLogger("incidentbot.slack.socket_mode")
        if not any(isinstance(f, _OneLine) for f in sdk_log.filters):
            sdk_log.addFilter(_OneLine())
        self.client = TokenCheckedClient(
            app_token=app_token,
            logger=sdk_log,
            web_client=bot.client,
            ping_interval=ping_interval,
            on_fatal=bot.scheduler.report_fatal,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        payload = req.payload if isinstance(req.payload, dict) else {}
        with ack.tracking(self.bot) as started:
            try:
                request = AsyncBoltRequest(
                    mode="socket_mode", body=payload, headers=build_headers(req)
                )
                response: BoltResponse = await self.app.async_dispatch(request)
            except Exception as exc:  # a shape bolt cannot read: answered, ignored, one line
                log.warning("a Socket Mode %s envelope of unknown shape was ignored (%s)",
                            req.type, type(exc).__name__)  # fmt: skip
                await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
                return
        recorded = await ack.committed(started, wait=not ack.reads_only(payload))
        if not recorded:
            if req.type == "slash_commands":
                text = ack.not_recorded_text(self.bot, payload.get("user_id"))
                answer = {"response_type": "ephemeral", "text": text}
                await client.send_socket_mode_response(SocketModeResponse(req.envelope_id, answer))
            return  # unacknowledged: Slack redelivers an event, tells a clicker it failed
        if response.status != 200:
            log.warning("a Socket Mode %s envelope of unknown shape was ignored (bolt answered %s)",
                        req.type, response.status)  # fmt: skip
            # bolt had no listener (404) or refused it: ack so Slack does not resend it for ever
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
            return
        await send_async_response(client, req, response, start)


class SocketHealth:
    """Whether the websocket is up, and for how long it has been down (for ``/healthz``)."""

    def __init__(
        self,
        client: SocketModeClient,
        *,
        grace: float = HEALTH_GRACE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.grace = grace
        self.clock = clock
        self.down_since: float | None = clock()  # down until the first connection

    async def check(self) -> tuple[bool, float]:
        """(healthy, seconds down): healthy while up, or down for less than the grace."""
        up = not self.client.closed and await self.client.is_connected()
        now = self.clock()
        if up:
            self.down_since = None
            return True, 0.0
        if self.down_since is None:
            self.down_since = now
        down = now - self.down_since
        return down <= self.grace, down

    async def watch(self, every: float = 1.0) -> None:
        """Keep ``down_since`` true to the moment the link dropped (not the first probe)."""
        while True:
            await self.check()
            await asyncio.sleep(every)
