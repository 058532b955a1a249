"""What every listener repeats, written once: who asked, where to answer, ack then work.

:func:`middleware` (one bolt middleware for every request) reads the payload once into an
:class:`Incoming`: the person, the channel, the response URL, the key that names this request
among Slack's retries (trigger id, view id or event id) and the key its replies go out under.
:func:`later` is acknowledge-then-work: it acks at once, then starts the work in a task
registered with the request (:mod:`incidentbot.slack.work`, so the transport can wait for its
commit); that task drops a retry already handled and finds the reader's language before the
listener's own work runs. Neither runs before the ack: the ack never waits for the database's
worker thread nor for Slack's ``users.info``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from slack_bolt.context.async_context import AsyncBoltContext

if TYPE_CHECKING:
    from incidentbot.slack.app import SlackBot

Ack = Callable[..., Awaitable[None]]
Next = Callable[[], Awaitable[None]]
CONTEXT_KEY = "incoming"


@dataclass(frozen=True)
class Incoming:
    """One Slack request as every listener needs it."""

    body: Mapping[str, Any]
    key: str  # names the request among Slack's retries (``seen_events``)
    reply_key: str  # the outbox key of the answers it causes
    user: str
    channel: str | None = None
    response_url: str | None = None
    trigger: str = ""
    lang: str = "en"  # the reader's language and zone, known after the ack (:func:`later`)
    tz: str = "UTC"

    @property
    def where(self) -> dict[str, Any]:
        """The reply target, as :meth:`SlackBot.reply` takes it."""
        return {
            "key": self.reply_key,
            "user": self.user,
            "channel": self.channel,
            "response_url": self.response_url,
        }

    @property
    def action(self) -> dict[str, Any]:
        return dict((self.body.get("actions") or [{}])[0])

    @property
    def view(self) -> dict[str, Any]:
        return dict(self.body.get("view") or {})

    @property
    def event(self) -> dict[str, Any]:
        return dict(self.body.get("event") or {})


def read(body: Mapping[str, Any]) -> Incoming | None:
    """The :class:`Incoming` of a payload bolt hands us; None for a kind we do not handle."""
    if "command" in body:  # a slash command
        user = str(body.get("user_id") or "")
        trigger = str(body.get("trigger_id") or f"{user}:{body.get('text')}")
        key = f"cmd:{trigger}"
        return Incoming(body, key, key, user, body.get("channel_id"), body.get("response_url"),
                        trigger)  # fmt: skip
    kind = body.get("type")
    user = str((body.get("user") or {}).get("id") or "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    if kind == "block_actions":
        first = (body.get("actions") or [{}])[0]
        trigger = str(body.get("trigger_id") or first.get("action_ts", ""))
        key = f"act:{trigger}"
        return Incoming(body, key, key, user, channel, body.get("response_url"), trigger)
    if kind == "message_action":
        trigger = str(body.get("trigger_id", ""))
        key = f"sc:{trigger}"
        return Incoming(body, key, key, user, channel, body.get("response_url"), trigger)
    if kind == "view_submission":
        view = body.get("view") or {}
        trigger = str(body.get("trigger_id") or view.get("id") or "")
        key = f"view:{view.get('id')}:{body.get('trigger_id')}"
        return Incoming(body, key, f"view:{trigger}", user, None, None, trigger)
    if kind == "event_callback":
        event = body.get("event") or {}
        who = str(event.get("user") or "")
        event_id = str(body.get("event_id") or f"{event.get('type')}:{who}:{event.get('event_ts')}")
        item = event.get("item") or {}
        return Incoming(body, f"evt:{event_id}", event_id, who, item.get("channel"), None,
                        event_id)  # fmt: skip
    return None


def middleware(bot: SlackBot) -> Callable[..., Awaitable[None]]:
    """The bolt middleware: every listener finds its :class:`Incoming` in ``context``."""

    async def incoming(body: dict[str, Any], context: AsyncBoltContext, next: Next) -> None:
        found = read(body)
        if found is not None:
            context[CONTEXT_KEY] = replace(
                found, lang=bot.settings.language, tz=bot.settings.timezone
            )
        await next()

    return incoming


def of(context: AsyncBoltContext) -> Incoming:
    found = context.get(CONTEXT_KEY)
    if not isinstance(found, Incoming):
        raise LookupError("the incoming middleware did not run for this request")
    return found


Work = Callable[[Incoming], Awaitable[None]]


async def later(bot: SlackBot, ack: Ack, context: AsyncBoltContext, work: Work) -> None:
    """Acknowledge now; then, in a task registered with this request, drop Slack's retries,
    find the reader's language and do ``work``."""
    await ack()
    bot.spawn(_after_ack(bot, of(context), work))


async def _after_ack(bot: SlackBot, incoming: Incoming, work: Work) -> None:
    if await bot.seen(incoming.key):
        return
    # joins and leaves of private incidents' channels missed while we were down, before the
    # gate answers this person (:mod:`incidentbot.slack.channels`)
    await bot.channels.reconcile(incoming.user)
    await work(await with_reader(bot, incoming))


async def with_reader(bot: SlackBot, incoming: Incoming) -> Incoming:
    """``incoming`` with its reader's language and zone (their Slack locale, else ours)."""
    if not incoming.user:
        return incoming
    lang, tz = await bot.person(incoming.user)
    return replace(incoming, lang=lang, tz=tz)
