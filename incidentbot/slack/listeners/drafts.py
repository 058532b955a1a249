"""Drafts, the register and reminder snoozes in Slack.

A draft is posted in the incident's channel through the outbox (its text in code blocks split by
:func:`incidentbot.slack.blocks.split_for_slack`, then the missing facts, the diff and an Approve
button), and its ``.md`` and ``.docx`` files are uploaded with ``files_upload_v2``.

The files go straight through the Web API client, after the ack, with a few retries, and not
through the outbox: the outbox keeps JSON payloads in SQLite, and a Word file does not belong
there. Nothing is lost if Slack refuses them for good: ``IncidentService.draft`` stored the draft
before we got it, the person is told, and ``/incident draft`` again re-renders the same text
(same hash, so no new version) and sends the files again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError

from incidentbot.errors import IncidentbotError, UsageError
from incidentbot.i18n import Message
from incidentbot.service import register as register_of_incidents
from incidentbot.slack import blocks as bk
from incidentbot.slack.i18n import t
from incidentbot.slack.listeners.incoming import Incoming, later
from incidentbot.views import DraftView

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot

log = logging.getLogger(__name__)

AckFn = Callable[..., Awaitable[None]]
UPLOAD_DELAYS: tuple[float, ...] = (1.0, 5.0, 30.0)
"""Seconds to wait before each retry of an upload (Slack's ``Retry-After`` wins if longer)."""
RETRYABLE = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
             "request_timeout"}  # fmt: skip
SNOOZE_MAX_HOURS = 72


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    @bolt.action("draft.approve")
    async def on_approve(ack: AckFn, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: approve(bot, req))

    @bolt.action("reminder_snooze")
    async def on_snooze(ack: AckFn, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: snooze(bot, req))


# -- drafts ------------------------------------------------------------------------------------


async def deliver(bot: SlackBot, view: DraftView, lang: str, where: dict[str, Any]) -> None:
    """The draft's messages in the incident's channel, then its files (see the module text)."""
    channel = view.incident.channel or where["channel"] or where["user"]
    for i, (blocks, text) in enumerate(bk.draft_messages(view, lang)):
        await bot.enqueue(key=f"{where['key']}:draft:{i}", incident=None, channel=channel,
                          method="chat.postMessage",
                          payload={"channel": channel, "blocks": blocks, "text": text})  # fmt: skip
    if view.files:
        comment = bk.esc(t("draft.title", lang, ref=view.incident.ref, name=view.draft.name))
        ok = await upload(bot, channel, view.files, comment)
        if not ok:
            await bot.reply_error(t("draft.upload_failed", lang, name=view.draft.name),
                                  **{**where, "key": where["key"] + ":upload"})  # fmt: skip


async def upload(bot: SlackBot, channel: str, files: Mapping[str, bytes], comment: str) -> bool:
    """``files_upload_v2`` with retries on rate limits, Slack's 5xx and network errors."""
    uploads = [{"content": content, "filename": name, "title": name}
               for name, content in files.items()]  # fmt: skip
    for attempt in range(len(UPLOAD_DELAYS) + 1):
        try:
            await bot.client.files_upload_v2(
                file_uploads=uploads, channel=channel, initial_comment=comment
            )
            return True
        except SlackApiError as exc:
            if bot.fatal_check(exc):
                return False
            error = str(exc.response.get("error", ""))
            status = getattr(exc.response, "status_code", 200)
            if error not in RETRYABLE and status < 500:
                log.error("files_upload_v2 refused: %s", error)
                return False
            after = float(exc.response.headers.get("Retry-After", 0) or 0)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("files_upload_v2 failed: %s", exc)
            after = 0.0
        if attempt < len(UPLOAD_DELAYS):
            await asyncio.sleep(max(after, UPLOAD_DELAYS[attempt]))
    log.error("files_upload_v2 gave up after %d attempts", len(UPLOAD_DELAYS) + 1)
    return False


async def approve(bot: SlackBot, req: Incoming) -> None:
    where, lang = req.where, req.lang
    ref, _, name = str(req.action.get("value", "")).partition("|")
    try:
        ack = await bot.runner.call(bot.service.approve, ref, name, actor=where["user"])
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    await bot.reply_view(ack, lang, **where)


# -- the register ------------------------------------------------------------------------------


async def register_reply(bot: SlackBot, lang: str, where: dict[str, Any]) -> None:
    """A short summary only to the asker, and the CSV in their messages with the bot."""
    rows = await bot.runner.call(bot.service.register_rows, actor=where["user"])
    csv_text = register_of_incidents.register_csv(rows)
    notified = sum(1 for r in rows if _was_notified(r))
    text = t("register.summary", lang, n=len(rows), notified=notified,
             internal=len(rows) - notified)  # fmt: skip
    await bot.reply(blocks=[bk.section(bk.esc(text))], text=bk.esc(text), **where)
    channel = await _direct_channel(bot, where["user"])
    day = bot.clock().astimezone(bot.tz).strftime("%Y-%m-%d")
    comment = bk.esc(t("register.comment", lang, at=day))
    ok = await upload(bot, channel, {f"register-{day}.csv": csv_text.encode("utf-8")}, comment)
    if not ok:
        await bot.reply_error(t("error.internal", lang), **{**where, "key": where["key"] + ":up"})


def _was_notified(row: Mapping[str, Any]) -> bool:
    return bool(row.get("authority_notified"))


async def _direct_channel(bot: SlackBot, user: str) -> str:
    """The bot's direct-message channel with ``user`` (``conversations.open``), else the user id."""
    try:
        answer = await bot.client.conversations_open(users=user)
        found = (answer.get("channel") or {}).get("id")
        if found:
            return str(found)
    except SlackApiError as exc:
        bot.fatal_check(exc)
    except (TimeoutError, aiohttp.ClientError, OSError):
        pass
    return user


# -- reminder snoozes --------------------------------------------------------------------------


def parse_snooze(value: str) -> tuple[str, str, int]:
    """``{"ref": "INC-1", "item": "clock:fr", "hours": 6}`` -> (ref, item, hours)."""
    try:
        data = json.loads(value)
        ref, item, hours = str(data["ref"]), str(data["item"]), int(data["hours"])
    except (ValueError, KeyError, TypeError):
        payload = '{"ref": "INC-1", "item": "clock:fr", "hours": 6}'
        raise UsageError(Message("slack.snooze_payload", payload=payload)) from None
    if not 1 <= hours <= SNOOZE_MAX_HOURS:
        raise UsageError(Message("slack.snooze_hours", max=SNOOZE_MAX_HOURS, hours=hours))
    return ref, item, hours


async def snooze(bot: SlackBot, req: Incoming) -> None:
    where, lang = req.where, req.lang
    try:
        ref, item, hours = parse_snooze(str(req.action.get("value", "")))
        until = bot.clock() + timedelta(hours=hours)
        await bot.runner.call(bot.service.snooze, ref, item, until=until,
                              actor=where["user"])  # fmt: skip
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    text = t("snoozed", lang, item=bk.esc(item), ref=bk.esc(ref), until=bk.when(until, bot.tz))
    await bot.reply(blocks=[bk.section(text)], text=text, **where)
