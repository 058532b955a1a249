"""Running the bot: HTTP mode (``incidentbot serve``) and Socket Mode (``incidentbot run``).

HTTP mode mounts bolt on ``POST /slack/events`` (bolt checks the v0 signature and the
timestamp) next to ``GET /healthz``. When the web front end (:mod:`incidentbot.web.app`) is
installed its application is used, so the timeline pages are served too; otherwise a minimal
application with those two routes. Socket Mode needs no public URL: bolt's aiohttp socket-mode
handler, plus the web pages on ``--host``/``--port`` when the web front end is there.

Both return the process's exit status: 0 after SIGINT/SIGTERM, 1 when Slack revoked the token
while running (logged once by the scheduler). A refused token at start-up raises ConfigError.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from incidentbot.config import Settings
from incidentbot.errors import ConfigError
from incidentbot.runner import ServiceRunner
from incidentbot.slack.app import SlackBot, build_bot
from incidentbot.store import outbox

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def slack_handler(app: AsyncApp) -> Handler:
    """An aiohttp handler that hands a request to bolt and returns bolt's answer."""

    async def handle(request: web.Request) -> web.StreamResponse:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    return handle


def http_app(bot: SlackBot, *, with_slack: bool = True) -> web.Application:
    """The aiohttp application: the web front end's if present, else ours."""
    handler = slack_handler(bot.app) if with_slack else None
    factory: Any = None
    with contextlib.suppress(ImportError):
        from incidentbot.web.app import build_web_app as factory
    if factory is not None:
        return factory(
            settings=bot.settings, runner=bot.runner, service=bot.service, slack_handler=handler
        )
    app = web.Application()
    if handler is not None:
        app.router.add_post("/slack/events", handler)

    async def healthz(_request: web.Request) -> web.Response:
        waiting = await bot.runner.call(outbox.pending, bot.store)
        return web.json_response({"ok": True, "outbox_pending": waiting})

    app.router.add_get("/healthz", healthz)
    return app


async def _until_stopped(bot: SlackBot) -> None:
    stop = asyncio.Event()
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


async def serve_async(settings: Settings, runner: ServiceRunner, *, host: str, port: int) -> int:
    bot = build_bot(settings, runner)
    await bot.start()
    site, bound = await _site(http_app(bot), host, port)
    log.info("incidentbot listening on http://%s:%s (POST /slack/events)", host, bound)
    try:
        await _until_stopped(bot)
    finally:
        await site.cleanup()
        await bot.stop()
    return 1 if bot.failed.is_set() else 0


async def run_async(settings: Settings, runner: ServiceRunner, *, host: str, port: int) -> int:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    bot = build_bot(settings, runner)
    await bot.start()
    handler = AsyncSocketModeHandler(bot.app, app_token=settings.slack_app_token)
    try:
        await handler.connect_async()
    except SlackApiError as exc:
        await bot.stop()
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack ({exc.response.get('error')}); create an "
            "app-level token with connections:write (Basic Information) and set it again."
        ) from exc
    log.info("incidentbot connected to Slack in Socket Mode")
    site, bound = await _site(http_app(bot, with_slack=False), host, port)
    log.info("incidentbot web pages on http://%s:%s", host, bound)
    try:
        await _until_stopped(bot)
    finally:
        await site.cleanup()
        await handler.close_async()
        await bot.stop()
    return 1 if bot.failed.is_set() else 0


def serve(settings: Settings, runner: ServiceRunner, *, host: str, port: int) -> int:
    try:
        return asyncio.run(serve_async(settings, runner, host=host, port=port))
    finally:
        runner.close()


def run(settings: Settings, runner: ServiceRunner, *, host: str, port: int) -> int:
    try:
        return asyncio.run(run_async(settings, runner, host=host, port=port))
    finally:
        runner.close()
