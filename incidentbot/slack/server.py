"""Running the bot: HTTP mode (``incidentbot serve``) and Socket Mode (``incidentbot run``).

HTTP mode mounts bolt on ``POST /slack/events`` (bolt checks the v0 signature and the
timestamp) in the web front end's application (:mod:`incidentbot.web.app`), next to
``GET /healthz`` and the timeline pages. Socket Mode needs no public URL: bolt's aiohttp socket-mode
handler, plus the web pages on ``--host``/``--port`` when the web front end is there.

Two guarantees are added at this edge, in front of bolt:

* **An ack means recorded.** bolt acks as soon as a listener calls ``ack()``, and the listeners
  hand the work to a task. The HTTP answer (the ack Slack sees) is held back until the tasks
  that request started (registered with it: :mod:`incidentbot.slack.work`) have finished, that is until its change is committed (``synchronous=FULL``:
  on disk), for at most ``COMMIT_WAIT`` seconds, well inside Slack's 3. So a ``kill -9`` at any
  moment never loses a command whose request was answered 200. Only when the work takes longer
  than that (the worker thread saturated) is the ack sent first; that is logged.
* **A replay acts once.** bolt accepts a correctly signed request for five minutes, so a captured
  request could be re-sent. Each signed request is remembered by the hash of its timestamp and
  signature (which covers the body) for as long as its signature is valid; the same request
  again is answered 200 and dropped. The listeners' own keys in ``seen_events`` (trigger ids,
  view ids, event ids) make the same hold across a restart.

Both return the process's exit status: 0 after SIGINT/SIGTERM, 1 when Slack revoked the token
while running (logged once by the scheduler). A refused token at start-up raises ConfigError.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import Clock, SignatureVerifier

from incidentbot.core import commands as cmd
from incidentbot.errors import ConfigError, IncidentbotError
from incidentbot.slack.app import SlackBot

if TYPE_CHECKING:
    from incidentbot.app import App

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

READ_ONLY = (
    cmd.Help, cmd.ListIncidents, cmd.Status, cmd.Steps, cmd.Deadlines, cmd.Timeline, cmd.Register,
)  # fmt: skip
"""Subcommands that record nothing: their ack need not wait for a commit."""


def _reads_only(body: bytes) -> bool:
    """A slash command whose subcommand records nothing (or does not parse): nothing to wait for."""
    form = parse_qs(body.decode("utf-8", "replace"))
    if "command" not in form:
        return False
    try:
        return isinstance(cmd.parse((form.get("text") or [""])[0]), READ_ONLY)
    except IncidentbotError:
        return True


COMMIT_WAIT = 2.0
"""Seconds an ack waits for its request's work to be committed (Slack allows 3)."""
SIGNATURE_LIFETIME = 5 * 60
"""bolt refuses a timestamp further than this from now; a replay can only come within it."""


class ReplayGuard:
    """The signed requests already accepted, remembered while their signature is valid."""

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self.verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))
        self.clock = clock
        self._seen: OrderedDict[str, int] = OrderedDict()

    def first_time(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """False for a validly signed request met before; True otherwise (bolt judges those)."""
        stamp = headers.get("X-Slack-Request-Timestamp")
        sig = headers.get("X-Slack-Signature")
        if (
            not stamp
            or not sig
            or not stamp.isdigit()
            or not self.verifier.is_valid(body, stamp, sig)
        ):
            return True  # unsigned, forged or stale: bolt answers 401 without acting
        self._forget_old()
        key = hashlib.sha256(f"{stamp}:{sig}".encode()).hexdigest()
        if key in self._seen:
            return False
        self._seen[key] = int(stamp)
        return True

    def _forget_old(self) -> None:
        horizon = self.clock() - SIGNATURE_LIFETIME - 60
        while self._seen:
            key, stamp = next(iter(self._seen.items()))
            if stamp >= horizon:
                break
            self._seen.popitem(last=False)


class _Clock(Clock):
    """slack_sdk's verifier asks a clock object for ``now()``."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock()


def slack_handler(app: AsyncApp, bot: SlackBot | None = None) -> Handler:
    """An aiohttp handler that hands a request to bolt and returns bolt's answer.

    With ``bot`` given, replays are dropped and the answer waits for the work it started.
    """
    secret = bot.settings.slack_signing_secret if bot is not None else None
    guard = ReplayGuard(secret) if secret else None

    async def handle(request: web.Request) -> web.StreamResponse:
        bolt_request = await to_bolt_request(request)
        if guard is not None:
            raw = await request.read()
            if not guard.first_time(raw, request.headers):
                log.warning("a replayed Slack request was ignored")
                return web.Response(status=200, text="")
        if bot is None:
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))
        with bot.work.request() as started:  # the work each listener hands on after its ack
            bolt_response = await app.async_dispatch(bolt_request)
        waits = bool(started.tasks) and not _reads_only(await request.read())
        if waits and not await started.committed(COMMIT_WAIT):
            log.warning("acked after %ss with the work still running", COMMIT_WAIT)
        return await to_aiohttp_response(bolt_response)

    return handle


def http_app(app: App, bot: SlackBot, *, with_slack: bool = True) -> web.Application:
    """The web front end's application, with Slack's endpoint in HTTP mode."""
    return app.web(slack_handler=slack_handler(bot.app, bot) if with_slack else None)


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


async def run_async(app: App, *, host: str, port: int) -> int:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    bot = app.slack()
    await bot.start()
    handler = AsyncSocketModeHandler(bot.app, app_token=app.settings.slack_app_token)
    try:
        await handler.connect_async()
    except SlackApiError as exc:
        await bot.stop()
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack ({exc.response.get('error')}); create an "
            "app-level token with connections:write (Basic Information) and set it again."
        ) from exc
    log.info("incidentbot connected to Slack in Socket Mode")
    site, bound = await _site(http_app(app, bot, with_slack=False), host, port)
    log.info("incidentbot web pages on http://%s:%s", host, bound)
    try:
        await _until_stopped(bot)
    finally:
        await site.cleanup()
        await handler.close_async()
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
