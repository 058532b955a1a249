"""The slash command ``/incident`` and the declaration form.

Every subcommand goes to :meth:`IncidentService.handle` with the channel it was typed in (the
service resolves the incident from it); its view is rendered as Block Kit and queued in the
outbox. ``declare`` without options and ``assess`` without options open a modal instead.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from slack_bolt.context.async_context import AsyncBoltContext

from incidentbot.core import commands as cmd
from incidentbot.errors import IncidentbotError
from incidentbot.slack import blocks as bk
from incidentbot.slack import modals
from incidentbot.slack.i18n import t
from incidentbot.slack.listeners import assess, drafts
from incidentbot.slack.listeners.incoming import Ack, Incoming, later, of
from incidentbot.views import AssessmentView, DeclaredView, DraftView, NeedsModal

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot

log = logging.getLogger(__name__)

SUBMIT_WAIT = 2.0  # seconds the service has to answer before a modal's ack (Slack allows 3)


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    @bolt.command("/incident")
    async def on_command(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: command(bot, req))

    @bolt.view(modals.DECLARE)
    async def on_declare(ack: Ack, context: AsyncBoltContext) -> None:
        await declare_submit(bot, ack, of(context))


async def command(bot: SlackBot, req: Incoming) -> None:
    body, user, channel, trigger = req.body, req.user, req.channel, req.trigger
    lang, tz_name, where = req.lang, req.tz, req.where
    try:
        parsed = cmd.parse(bk.unesc(body.get("text") or ""))
        if isinstance(parsed, cmd.Declare) and not parsed.options:
            await declare_modal(bot, trigger, user, channel, lang, tz_name, parsed.title, where)
            return
        if isinstance(parsed, cmd.Register):
            await drafts.register_reply(bot, lang, where)
            return
        view = await bot.runner.call(bot.service.handle, parsed, actor=user, context=channel)
        if isinstance(view, NeedsModal) and view.kind == "declare":
            await declare_modal(bot, trigger, user, channel, lang, tz_name, None, where)
            return
        if isinstance(view, NeedsModal) and view.kind == "assess" and view.incident is not None:
            await assess.open_assess(bot, trigger, view.incident.ref, lang, where)
            return
        if isinstance(view, AssessmentView):
            await assess.post_result(bot, view, lang, user=user, origin=channel,
                                     key=where["key"], response_url=where["response_url"])  # fmt: skip
            return
        if isinstance(view, DraftView):
            await drafts.deliver(bot, view, lang, where)
            return
        if isinstance(view, DeclaredView):
            inc = view.card.incident
            text = bk.esc(t("declared", lang, ref=inc.ref, title=inc.title))
            # a private incident's title never goes to the channel it was declared in
            await bot.reply(blocks=[bk.section(text)], text=text, public=not inc.private, **where)
            return
        await bot.reply_view(view, lang, **where)
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
    except sqlite3.Error:
        raise  # not recorded: the edge answers "not recorded, try again" (slack/server.py)
    except Exception:
        log.exception("/incident %s failed", (body.get("text") or "").split(" ", 1)[0])
        await bot.reply_error(t("error.internal", lang), **where)


async def declare_modal(bot: SlackBot, trigger: str, user: str, channel: str | None, lang: str,
                        tz_name: str, title: str | None, where: dict[str, Any]) -> None:  # fmt: skip
    view = modals.declare_modal(
        catalogue=bot.service.catalogue,
        lang=lang,
        tz_name=tz_name,
        now=bot.clock(),
        user=user,
        title=title,
        channel=channel,
    )
    error = await bot.open_modal(trigger, view)
    if error is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def declare_submit(bot: SlackBot, ack: Ack, req: Incoming) -> None:
    user, view = req.user, req.view
    args, errors, lang = modals.read_declare(
        view, catalogue=bot.service.catalogue, now=bot.clock(), default_tz=bot.settings.timezone
    )
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    if await bot.seen(req.key):
        await ack()
        return
    call = asyncio.ensure_future(
        bot.runner.call(
            bot.service.declare, actor=user, private=bot.settings.private_channels, **args
        )
    )
    try:
        await asyncio.wait_for(asyncio.shield(call), SUBMIT_WAIT)
    except TimeoutError:
        await ack()
        bot.spawn(_finish_declare(bot, call, user, lang))
        return
    except IncidentbotError as exc:
        block = modals.FIELD_BLOCKS.get(exc.field or "", "title")
        await ack(response_action="errors", errors={block: exc.text(lang)})
        return
    except Exception:
        log.exception("declare from the modal failed")
        await ack(response_action="errors", errors={"title": t("error.internal", lang)})
        return
    await ack()


async def _finish_declare(
    bot: SlackBot, call: asyncio.Future[DeclaredView], user: str, lang: str
) -> None:
    try:
        await call
    except IncidentbotError as exc:
        key = f"declare-late:{user}:{bot.clock().isoformat()}"
        await bot.reply_error(exc.text(lang), key=key, user=user, channel=None, response_url=None)
