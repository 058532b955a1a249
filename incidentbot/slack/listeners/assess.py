"""The assessment in Slack: its modal, the Override and "Mark notified" buttons and their modals.

The modal asks for every key of the assessment vocabulary (README.md, "The assessment") and hands the service the same
``key=value`` options as the one-line form (``/incident assess data=contact persons=869 …``), so
both are checked by the same code. A value the service refuses comes back under its field
(``response_action: errors``; the error's ``field`` is the key, which is also the block id).
The result is posted in the incident's channel through the outbox, with an Override button per
jurisdiction.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, Any

from slack_bolt.context.async_context import AsyncBoltContext

from incidentbot.core import severity
from incidentbot.errors import IncidentbotError
from incidentbot.slack import blocks as bk
from incidentbot.slack import modals
from incidentbot.slack.blocks.assessment import (
    ASSESS,
    NOTIFIED,
    OVERRIDE,
    assess_modal,
    notified_modal,
    override_modal,
    read_assess,
    read_override,
)
from incidentbot.slack.i18n import t
from incidentbot.slack.listeners.incoming import Incoming, later, of
from incidentbot.views import Ack, AssessmentView

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot

log = logging.getLogger(__name__)

SUBMIT_WAIT = 2.0  # seconds the service has before the ack (Slack allows 3)
AckFn = Callable[..., Awaitable[None]]


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    @bolt.view(ASSESS)
    async def on_assess(ack: AckFn, context: AsyncBoltContext) -> None:
        req = of(context)
        meta, options = read_assess(req.view)
        await submit(bot, ack, req, meta, blocks=severity.KEYS, default="data",
                     call=lambda: bot.runner.call(bot.service.assess, meta["ref"],
                                                  options, actor=req.user))  # fmt: skip

    @bolt.action("assess.override")
    async def on_override_button(ack: AckFn, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: override_button(bot, req))

    @bolt.view(OVERRIDE)
    async def on_override(ack: AckFn, context: AsyncBoltContext) -> None:
        req = of(context)
        meta, options, errors = read_override(req.view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await submit(bot, ack, req, meta, blocks=("authority", "persons", "reason"),
                     default="reason",
                     call=lambda: bot.runner.call(bot.service.override, meta["ref"],
                                                  options, actor=req.user))  # fmt: skip

    @bolt.action("clock.notified")
    async def on_notified_button(ack: AckFn, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: notified_button(bot, req))

    @bolt.view(NOTIFIED)
    async def on_notified(ack: AckFn, context: AsyncBoltContext) -> None:
        req = of(context)
        meta, got = modals.metadata(req.view), modals.values(req.view)
        reference = (got.get("reference") or "").strip() or None
        await submit(bot, ack, req, meta, blocks=("reference",), default="reference",
                     call=lambda: bot.runner.call(bot.service.notified, meta["ref"],
                                                  meta["jurisdiction"], reference,
                                                  actor=req.user))  # fmt: skip


async def submit(bot: SlackBot, ack: AckFn, req: Incoming, meta: dict[str, Any], *,
                 blocks: Collection[str], default: str,
                 call: Callable[[], Awaitable[Any]]) -> None:  # fmt: skip
    """Run ``call`` before the ack when it answers within :data:`SUBMIT_WAIT` (so a refused
    value shows under its field), else ack and post the result when it comes."""
    lang = meta.get("lang") or bot.settings.language
    user, view = req.user, req.view
    if await bot.seen(req.key):
        await ack()
        return
    task = asyncio.ensure_future(call())
    try:
        result = await asyncio.wait_for(asyncio.shield(task), SUBMIT_WAIT)
    except TimeoutError:
        await ack()
        bot.spawn(_finish(bot, task, user, meta, lang))
        return
    except IncidentbotError as exc:
        block = exc.field if exc.field in blocks else default
        await ack(response_action="errors", errors={block: exc.text(lang)})
        return
    except Exception:
        log.exception("%s submission failed", view.get("callback_id"))
        await ack(response_action="errors", errors={default: t("error.internal", lang)})
        return
    await ack()
    bot.spawn(post_result(bot, result, lang, user=user, origin=meta.get("channel"),
                          key=req.key))  # fmt: skip


async def _finish(bot: SlackBot, task: asyncio.Future[Any], user: str, meta: dict[str, Any],
                  lang: str) -> None:  # fmt: skip
    key = f"late:{user}:{bot.clock().isoformat()}"
    try:
        result = await task
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), key=key, user=user, channel=None, response_url=None)
        return
    await post_result(bot, result, lang, user=user, origin=meta.get("channel"), key=key)


async def post_result(bot: SlackBot, view: AssessmentView | Ack, lang: str, *, user: str,
                      origin: str | None, key: str, response_url: str | None = None) -> None:  # fmt: skip
    """The result in the incident's channel (through the outbox); the person who acted
    elsewhere is told where it went."""
    incident = view.incident
    channel = (incident.channel if incident is not None else None) or origin or user
    blocks, text, _public = bk.render(view, lang, bot.tz)
    await bot.enqueue(key=f"{key}:post", incident=None, channel=channel,
                      method="chat.postMessage",
                      payload={"channel": channel, "blocks": blocks, "text": text})  # fmt: skip
    if isinstance(view, AssessmentView) and incident is not None and origin and origin != channel:
        note = t("assess.posted", lang, version=view.version, ref=incident.ref,
                 channel=f"<#{channel}>")  # fmt: skip
        await bot.reply(key=f"{key}:told", user=user, channel=origin, response_url=response_url,
                        blocks=[bk.section(note)], text=note)  # fmt: skip


async def open_assess(bot: SlackBot, trigger: str, ref: str, lang: str,
                      where: dict[str, Any]) -> None:  # fmt: skip
    """``/incident assess`` without options: the modal, filled with the latest inputs."""
    row = await bot.runner.call(bot.service.latest_assessment, ref)
    previous = json.loads(row["inputs"]) if row else None
    view = assess_modal(ref=ref, lang=lang, channel=where["channel"], previous=previous)
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def override_button(bot: SlackBot, req: Incoming) -> None:
    trigger, where, lang = req.trigger, req.where, req.lang
    ref, _, jid = str(req.action.get("value", "")).partition("|")
    try:
        incident = await bot.runner.call(
            bot.service.resolve, ref, actor=req.user, action="override"
        )
        row = await bot.runner.call(bot.service.latest_assessment, ref)
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    decisions = json.loads(row["decisions"]) if row else []
    decision = next((d for d in decisions if d["jurisdiction"] == jid), None)
    if decision is None or incident.status.value == "closed":
        await bot.reply_error(t("error.assess_modal", lang), **where)
        return
    j = bot.service.catalogue.jurisdictions.get(jid)
    view = override_modal(ref=ref, decision=decision, authority=j.authority if j else jid,
                          lang=lang, channel=incident.channel or where["channel"])  # fmt: skip
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def notified_button(bot: SlackBot, req: Incoming) -> None:
    trigger, where, lang = req.trigger, req.where, req.lang
    ref, _, jid = str(req.action.get("value", "")).partition("|")
    j = bot.service.catalogue.jurisdictions.get(jid)
    try:
        incident = await bot.runner.call(
            bot.service.resolve, ref, actor=req.user, action="notified"
        )
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    view = notified_modal(ref=ref, jurisdiction=jid, authority=j.authority if j else jid,
                          lang=lang, channel=incident.channel or where["channel"])  # fmt: skip
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)
