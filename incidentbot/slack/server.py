"""Running the bot: HTTP mode (``incidentbot serve``) and Socket Mode (``incidentbot run``).

HTTP mode mounts bolt on ``POST /slack/events`` next to ``GET /healthz``. When the web front end
(:mod:`incidentbot.web.app`) is installed its application is used, so the timeline pages are
served too; otherwise a minimal application with those two routes. Socket Mode needs no public
URL: :mod:`incidentbot.slack.socket` (bolt's socket-mode adapter, acking after the commit), plus
the web pages on ``--host``/``--port``, started before the websocket.

Guarantees added at this edge, in front of bolt:

* **An ack means recorded.** bolt acks as soon as a listener calls ``ack()``, and the listeners
  hand the work to a task (registered with its request: :mod:`incidentbot.slack.work`).
  The answer Slack sees (the HTTP response here, the envelope's ack in Socket Mode) is held back
  until those tasks have finished, that is until the change is committed (``synchronous=FULL``:
  on disk), for at most ``incidentbot.slack.ack.COMMIT_WAIT`` seconds, well inside Slack's 3. So a ``kill -9`` at any
  moment never loses a command that was acknowledged. Work the database refused (a full disk) is
  never acknowledged as done: a slash command is answered "Not recorded", anything else 503.
* **A replay acts once** (:mod:`incidentbot.slack.replay`).
* **Never a 500.** The signature is checked on the raw bytes first (401), a body that is not the
  UTF-8 JSON or form it claims is a 400, a signed payload no listener can read is a 200, ignored
  with one log line.
* **/healthz tells the truth**: 503 once Slack refused the bot token, or the Socket Mode
  websocket has been down past its grace period.

Both return the process's exit status: 0 after SIGINT/SIGTERM, 1 when Slack revoked a token
while running (logged once). A refused token at start-up raises ConfigError.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from incidentbot.errors import ConfigError
from incidentbot.slack import ack
from incidentbot.slack.app import SlackBot
from incidentbot.slack.replay import ReplayGuard
from incidentbot.slack.socket import HEALTH_GRACE, CommitAckHandler, SocketHealth, open_url

if TYPE_CHECKING:
    from incidentbot.app import App

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}


def slack_handler(app: AsyncApp, bot: SlackBot | None = None) -> Handler:
    """An aiohttp handler that hands a request to bolt and returns bolt's answer.

    With ``bot`` given, replays are dropped and the answer waits for the work it started.
    Whatever arrives, the answer is never a 500: a body that is not UTF-8 or not the JSON or
    form it claims is a 400, a bad or missing signature a 401 (both before bolt reads it), and a
    signed request of a shape the listeners cannot read is answered 200 and ignored, one line.
    """
    secret = bot.settings.slack_signing_secret if bot is not None else None
    guard = ReplayGuard(secret) if secret else None

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            raw = await request.read()
        except (ValueError, aiohttp.ClientError) as exc:
            log.info("a Slack request with an unreadable body was refused (%s)", type(exc).__name__)
            return web.Response(status=400, text="unreadable body")
        if guard is not None:
            if not guard.signed(raw, request.headers):
                return web.Response(status=401, text="invalid signature")
            if not guard.first_time(raw, request.headers):
                log.warning("a replayed Slack request was ignored")
                return web.Response(status=200, text="")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            log.info("a Slack request whose body is not UTF-8 was refused")
            return web.Response(status=400, text="body is not UTF-8")
        try:
            bolt_request = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
            if not isinstance(bolt_request.body, dict):
                raise ValueError("not an object")
        except Exception as exc:
            log.info("a Slack request that is not the JSON or form it claims was refused (%s)",
                     type(exc).__name__)  # fmt: skip
            return web.Response(status=400, text="malformed body")
        form = _form(raw) if "command" in bolt_request.body else {}
        with ack.tracking(bot) as started:
            try:
                bolt_response = await app.async_dispatch(bolt_request)
            except Exception as exc:
                log.warning("a Slack request of unknown shape was ignored (%s)", type(exc).__name__)
                return web.Response(status=200, text="")
        if bot is not None and not await ack.committed(started, wait=not ack.reads_only(form)):
            if form:
                body = {
                    "response_type": "ephemeral",
                    "text": ack.not_recorded_text(bot, form.get("user_id")),
                }
                return web.json_response(body)
            return web.Response(status=503, text="not recorded, try again")
        if bolt_response.status >= 500 or bolt_response.status == 404:
            kind = bolt_request.body.get("type") or bolt_request.body.get("command")
            log.warning("a Slack request of unknown shape was ignored (%.40r: bolt answered %s)",
                        kind, bolt_response.status)  # fmt: skip
            return web.Response(status=200, text="")
        return await to_aiohttp_response(bolt_response)

    return handle


class _QuietBolt(logging.Filter):
    """bolt logs an unhandled request as a page of suggested code, and its own failures on
    odd shapes with a traceback; the edge logs one line for each instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Unhandled request"):
            return False
        record.exc_info, record.exc_text = None, None
        return True


def http_app(
    app: App, bot: SlackBot, *, with_slack: bool = True, health: SocketHealth | None = None
) -> web.Application:
    """The web front end's application, with Slack's endpoint in HTTP mode.

    ``/healthz`` also reports the Slack side: 503 once the bot token was refused, or once the
    Socket Mode websocket (``health``) has been down longer than its grace period.
    """
    handler = slack_handler(bot.app, bot) if with_slack else None
    bolt_log = logging.getLogger("incidentbot.slack.bolt")
    if not any(isinstance(f, _QuietBolt) for f in bolt_log.filters):
        bolt_log.addFilter(_QuietBolt())
    web_app = app.web(slack_handler=handler)

    @web.middleware
    async def slack_health(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if request.path != "/healthz" or not isinstance(response, web.Response):
            return response
        try:
            report = json.loads(response.body or b"{}")  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return response
        ok, status = bool(report.get("ok")), response.status
        if bot.failed.is_set():
            report["slack"], ok = "token refused", False
        elif health is not None:
            up, down = await health.check()
            report["slack"] = "connected" if down == 0 else f"down for {int(down)}s"
            ok = ok and up
        if not ok:
            report["ok"], status = False, 503
        return web.json_response(report, status=status)

    web_app.middlewares.append(slack_health)
    return web_app


async def _until_stopped(bot: SlackBot, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(bot.failed.wait())]
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()


async def _site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, int(runner.addresses[0][1])


async def serve_async(app: App, *, host: str, port: int) -> int:
    bot = app.slack()
    await bot.start()
    site, bound = await _site(http_app(app, bot), host, port)
    log.info("incidentbot listening on http://%s:%s (POST /slack/events)", host, bound)
    try:
        await _until_stopped(bot)
    finally:
        await site.cleanup()
        await bot.stop()
    return 1 if bot.failed.is_set() else 0


async def run_async(
    app: App,
    *,
    host: str,
    port: int,
    grace: float = HEALTH_GRACE,
    stop: asyncio.Event | None = None,
) -> int:
    """Socket Mode: check both tokens, serve the pages and /healthz, then open the websocket."""
    settings = app.settings
    bot = app.slack()
    await bot.start()
    try:
        url = await open_url(bot.client, settings.slack_app_token or "")
    except ConfigError:
        await bot.stop()
        raise
    handler = CommitAckHandler(bot, app_token=settings.slack_app_token or "")
    health = SocketHealth(handler.client, grace=grace)
    site, bound = await _site(http_app(app, bot, with_slack=False, health=health), host, port)
    log.info("incidentbot web pages on http://%s:%s", host, bound)

    async def connect() -> None:
        handler.client.wss_uri = url  # the URL the token check was given: no second call
        await handler.connect_async()
        log.info("incidentbot connected to Slack in Socket Mode")

    background = [asyncio.ensure_future(connect()), asyncio.ensure_future(health.watch())]
    try:
        await _until_stopped(bot, stop)
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await handler.close_async()
        await site.cleanup()
        await bot.stop()
    return 1 if bot.failed.is_set() else 0


def serve(app: App, *, host: str, port: int) -> int:
    try:
        return asyncio.run(serve_async(app, host=host, port=port))
    finally:
        app.close()


def run(app: App, *, host: str, port: int) -> int:
    try:
        return asyncio.run(run_async(app, host=host, port=port))
    finally:
        app.close()
