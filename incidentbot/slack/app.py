"""The Slack front end: one bolt ``AsyncApp`` for both Socket Mode and HTTP mode.

How a request flows (ack first: Slack retries what is not answered within 3 seconds):

1. bolt verifies the signature (HTTP mode) and calls a listener (:mod:`incidentbot.slack.listeners`);
2. the listener acks at once, and hands the work to a tracked task;
3. the task drops Slack's retries (``seen_events``: the trigger id or event id), calls the
   service on its worker thread, and queues what Slack should show in the outbox;
4. the outbox loop (:mod:`incidentbot.scheduler`) delivers it, retrying on 5xx and 429.

Only two calls skip the outbox because they cannot wait: ``views.open`` (its trigger id dies
after 3 seconds) and ``users.info`` (the reader's language, cached). A modal's submission is
the one ack that carries content (field errors): the service is given two seconds to answer
before the ack, then the work goes on after it.

:meth:`incidentbot.app.App.slack` (the composition root) assembles it. The service tells us about every change through ``service.listeners``; each change queues a
card update (and a new incident queues its channel first), in the change's own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from incidentbot.config import Settings
from incidentbot.errors import ConfigError
from incidentbot.i18n import Message
from incidentbot.runner import ServiceRunner
from incidentbot.scheduler import Scheduler
from incidentbot.slack import blocks as bk
from incidentbot.slack.channels import ChannelMembers
from incidentbot.slack.i18n import lang_of_locale
from incidentbot.slack.sender import FATAL_ERRORS, SlackSender
from incidentbot.slack.work import Work
from incidentbot.store import outbox
from incidentbot.views import View

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

log = logging.getLogger(__name__)

_BY_USER = re.compile(r"\b(by|par) ([UW][A-Z0-9]{6,})\b")


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for the bot token (its base URL is ``SLACK_API_URL``)."""
    return AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_base(), timeout=10
    )


def bolt_app(settings: Settings, client: AsyncWebClient) -> AsyncApp:
    """bolt's app: it checks signatures (HTTP mode) and calls our listeners."""
    bolt_log = logging.getLogger("incidentbot.slack.bolt")
    level, bolt_log.level = bolt_log.level, logging.ERROR  # bolt warns that it read and
    try:  # ignored SLACK_BOT_TOKEN from the environment: we hand it the client instead
        return AsyncApp(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=bool(settings.slack_signing_secret),
            process_before_response=True,
            logger=bolt_log,
        )
    finally:
        bolt_log.setLevel(level)


class SlackBot:
    """The app, the outbox sender and scheduler, and the work started after each ack."""

    def __init__(
        self,
        *,
        settings: Settings,
        runner: ServiceRunner,
        service: IncidentService,
        client: AsyncWebClient,
        bolt: AsyncApp,
        sender: SlackSender,
        scheduler: Scheduler,
    ) -> None:
        self.settings = settings
        self.runner = runner
        self.service = service
        self.store = service.store
        self.clock: Callable[[], datetime] = service.clock
        self.client = client
        self.app = bolt
        self.sender = sender
        self.scheduler = scheduler
        self.tz = settings.tzinfo()
        self.failed = asyncio.Event()
        self.scheduler.on_fatal.append(lambda _exc: self.failed.set())
        self.work = Work(on_error=self._after_ack_failed)
        self._people: dict[str, tuple[str, str]] = {}
        self.channels = ChannelMembers(
            client=client, runner=runner, service=service, clock=self.clock,
            on_slack_error=self.fatal_check,
        )  # fmt: skip
        self._loop_task: asyncio.Task[None] | None = None
        self.service.listeners.append(self.changed)

    # -- life cycle -------------------------------------------------------------------------

    async def check_auth(self) -> str:
        """``auth.test`` at start-up: a refused token stops us with one line naming it."""
        try:
            answer = await self.client.auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            raise ConfigError(Message("slack.token_refused", error=error)) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConfigError(
                Message("slack.api_unreachable", url=self.settings.slack_api_base(), error=str(exc))
            ) from exc
        self.sender.bot_user = answer.get("user_id")
        return str(answer.get("user_id") or "")

    async def start(self) -> None:
        await self.check_auth()
        self._loop_task = asyncio.ensure_future(self.scheduler.run())

    async def stop(self) -> None:
        self.scheduler.stop()
        await self.work.drain(timeout=5)
        if self._loop_task is not None:
            await asyncio.wait([self._loop_task], timeout=5)
            self._loop_task = None
        if self.scheduler.fatal is None:  # a last pass: what is due now leaves before we exit
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.scheduler.tick(self.clock()), 5)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run work after the ack (:class:`~incidentbot.slack.work.Work`)."""
        self.work.start(coro)

    def _after_ack_failed(self, exc: BaseException) -> bool:
        if not isinstance(exc, SlackApiError):
            return False
        self.fatal_check(exc)
        log.error("Slack refused a call after an ack: %s", exc.response.get("error"))
        return True

    async def settle(self) -> None:
        """Finish the work started by acks and deliver everything due (tests and shutdown)."""
        while True:
            await self.work.drain()
            delivered = await self.scheduler.tick(self.clock())
            if not self.work.pending and not delivered:
                return

    def fatal_check(self, exc: SlackApiError) -> bool:
        error = exc.response.get("error", "")
        if error in FATAL_ERRORS:
            self.scheduler.report_fatal(error)
            return True
        return False

    # -- service changes (called on the service's worker thread) -------------------------------

    def changed(self, ref: str, kind: str) -> None:
        if kind == "note":
            return  # the card does not show notes
        now = self.clock()
        if kind == "declared":
            outbox.enqueue(
                self.store,
                key=f"channel:{ref}",
                incident=ref,
                channel=None,
                method="incident.channel",
                payload={"ref": ref},
                now=now,
            )
        seq, _ = self.store.head(ref)
        outbox.enqueue(
            self.store,
            key=f"card:{ref}:{seq}",
            incident=ref,
            channel=None,
            method="incident.card",
            payload={"ref": ref},
            now=now,
        )
        self.scheduler.wake()

    # -- helpers the listeners share ---------------------------------------------------------

    async def seen(self, key: str) -> bool:
        """True if this trigger or event was handled already (a Slack retry)."""
        return await self.runner.call(self.store.seen, key, self.clock())

    def known_language(self, user: str) -> str:
        """The language of a user already looked up, else the campaign's (no Slack call: for
        answers that cannot wait, such as "not recorded")."""
        return self._people.get(user, (self.settings.language, ""))[0]

    async def person(self, user: str) -> tuple[str, str]:
        """(language, IANA zone) of a user: their Slack locale, else the campaign's."""
        found = self._people.get(user)
        if found is not None:
            return found
        lang, tz = self.settings.language, self.settings.timezone
        try:
            answer = await self.client.users_info(user=user, include_locale=True)
            profile = answer.get("user") or {}
            lang = lang_of_locale(profile.get("locale"), lang)
            tz = profile.get("tz") or tz
            self._people[user] = (lang, tz)
            real_name = profile.get("real_name") or (profile.get("profile") or {}).get("real_name")
            if real_name and not profile.get("is_bot"):
                # the drafts print people's names, not their ids (service/drafts.py)
                self.service.people_names[user] = str(real_name)
        except SlackApiError as exc:
            self.fatal_check(exc)
        except (TimeoutError, aiohttp.ClientError, OSError):
            log.debug("users.info for %s failed; using the campaign's language", user)
        return lang, tz

    def channel_incident(self, channel: str | None) -> str | None:
        """The incident whose channel this is (on the worker thread)."""
        if not channel:
            return None
        found = self.store.incident_by_channel(channel)
        return found.ref if found else None

    async def enqueue(self, **row: Any) -> None:
        await self.runner.call(outbox.enqueue, self.store, now=self.clock(), **row)
        self.scheduler.wake()

    async def reply(
        self,
        *,
        key: str,
        user: str,
        channel: str | None,
        response_url: str | None,
        blocks: list[dict[str, Any]],
        text: str,
        public: bool = False,
        replace: bool = False,
    ) -> None:
        """Answer the person who acted: through the response URL, else an ephemeral message."""
        if response_url:
            body: dict[str, Any] = {"blocks": blocks, "text": text}
            if replace:
                body["replace_original"] = True
            else:
                body["response_type"] = "in_channel" if public else "ephemeral"
                body["replace_original"] = False
            await self.enqueue(
                key=key,
                incident=None,
                channel=channel,
                method="response_url",
                payload={"url": response_url, "body": body},
            )
        elif channel:
            method = "chat.postMessage" if public else "chat.postEphemeral"
            payload: dict[str, Any] = {"channel": channel, "blocks": blocks, "text": text}
            if not public:
                payload["user"] = user
            await self.enqueue(
                key=key, incident=None, channel=channel, method=method, payload=payload
            )
        else:
            await self.enqueue(
                key=key,
                incident=None,
                channel=user,
                method="chat.postMessage",
                payload={"channel": user, "blocks": blocks, "text": text},
            )

    async def reply_view(self, view: View, lang: str, *, key: str, user: str, channel: str | None,
                         response_url: str | None, replace: bool = False) -> None:  # fmt: skip
        blocks, text, public = bk.render(view, lang, self.tz)
        await self.reply(
            key=key,
            user=user,
            channel=channel,
            response_url=response_url,
            blocks=blocks,
            text=text,
            public=public and not replace,
            replace=replace,
        )

    async def reply_error(self, message: str, *, key: str, user: str, channel: str | None,
                          response_url: str | None) -> None:  # fmt: skip
        """An error sentence (escaped; ``by U123`` becomes a mention), only to the user."""
        text = _BY_USER.sub(r"\1 <@\2>", bk.esc(message))
        await self.reply(
            key=key,
            user=user,
            channel=channel,
            response_url=response_url,
            blocks=bk.error_blocks(text),
            text=text,
        )

    async def open_modal(self, trigger_id: str, view: dict[str, Any]) -> str | None:
        """``views.open`` now (the trigger dies in 3 s); the error name if Slack refused it."""
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            if self.fatal_check(exc):
                return "invalid_auth"
            error = str(exc.response.get("error", ""))
            log.warning("views.open refused: %s", error)
            return error
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("views.open failed: %s", exc)
            return "network"
        return None
