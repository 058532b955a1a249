"""Evidence into the timeline from Slack messages (the *Add to timeline* shortcut and a
:pushpin: reaction in an incident's channel), the App Home tab, and who is in an incident's
channel (``member_joined_channel`` / ``member_left_channel``: the members of a private
incident's channel are members of the incident, :mod:`incidentbot.service.access`).

Both captures go through the outbox (``incident.capture``): the sender fetches the message's
permalink and records the note with the message's key, so a retry never records it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.context.async_context import AsyncBoltContext

from incidentbot.errors import IncidentbotError
from incidentbot.slack import blocks as bk
from incidentbot.slack.i18n import t
from incidentbot.slack.listeners.incoming import Ack, Incoming, later

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    @bolt.shortcut("add_to_timeline")
    async def on_shortcut(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: shortcut(bot, req))

    @bolt.event("reaction_added")
    async def on_reaction(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: reaction(bot, req))

    @bolt.event("app_home_opened")
    async def on_home(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: home(bot, req))

    @bolt.event("member_joined_channel")
    async def on_joined(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: channel_member(bot, req, joined=True))

    @bolt.event("member_left_channel")
    async def on_left(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: channel_member(bot, req, joined=False))


async def channel_member(bot: SlackBot, req: Incoming, *, joined: bool) -> None:
    """Keep an incident's members in step with its channel (a no-op for other channels)."""
    event = req.event
    channel, user = event.get("channel"), event.get("user")
    if isinstance(channel, str) and isinstance(user, str) and channel and user:
        bot.channels.forget(channel)
        await bot.runner.call(bot.service.channel_member, channel, user, joined=joined)


async def shortcut(bot: SlackBot, req: Incoming) -> None:
    trigger, where, lang, body = req.trigger, req.where, req.lang, req.body
    ref = await bot.runner.call(bot.channel_incident, where["channel"])
    if ref is None:
        await bot.reply_error(t("error.not_incident_channel", lang), **where)
        return
    try:  # the person capturing, not the message's author, must be let in
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action="add_note")
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    message = body.get("message") or {}
    await bot.enqueue(
        key=f"capture:{trigger}",
        incident=None,
        channel=where["channel"],
        method="incident.capture",
        payload={
            "ref": ref,
            "channel": where["channel"],
            "ts": message.get("ts"),
            "text": bk.unesc(message.get("text") or ""),
            "author": message.get("user") or message.get("bot_id"),
            "by": where["user"],
            "source": "shortcut",
            "response_url": where["response_url"],
            "lang": lang,
        },
    )


async def reaction(bot: SlackBot, req: Incoming) -> None:
    event, event_id, lang = req.event, req.reply_key, req.lang
    item = event.get("item") or {}
    if event.get("reaction") not in ("pushpin", "round_pushpin") or item.get("type") != "message":
        return
    ref = await bot.runner.call(bot.channel_incident, item.get("channel"))
    if ref is None:
        return
    try:  # someone excluded who is still in the channel: refused (and recorded), silently
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action="add_note")
    except IncidentbotError:
        return
    await bot.enqueue(
        key=f"capture:{event_id}",
        incident=None,
        channel=item["channel"],
        method="incident.capture",
        payload={
            "ref": ref,
            "channel": item["channel"],
            "ts": item["ts"],
            "text": None,
            "author": event.get("item_user"),
            "by": event["user"],
            "source": "reaction",
            "response_url": None,
            "lang": lang,
        },
    )


async def home(bot: SlackBot, req: Incoming) -> None:
    event, event_id, lang = req.event, req.reply_key, req.lang
    if event.get("tab", "home") != "home":
        return
    await bot.enqueue(
        key=f"home:{event_id}",
        incident=None,
        channel=event["user"],
        method="home.publish",
        payload={"user": event["user"], "lang": lang},
    )
