"""The checklist in Slack: Done and Skip (each through a small modal), Assign, and the card's
buttons (checklist, deadlines, timeline).

A button carries the step's version; a click on a step someone else changed meanwhile is told
so and shown the fresh checklist, and nothing is recorded twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.context.async_context import AsyncBoltContext

from incidentbot.errors import IncidentbotError
from incidentbot.slack import blocks as bk
from incidentbot.slack import modals
from incidentbot.slack.i18n import t
from incidentbot.slack.listeners.incoming import Ack, Incoming, later, of
from incidentbot.views import View

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    @bolt.action("step.done")
    @bolt.action("step.skip")
    async def on_step_button(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: step_button(bot, req))

    @bolt.action("step.details")
    async def on_details_button(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: details_button(bot, req))

    @bolt.action("step.measure")
    async def on_measure_button(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: measure_button(bot, req))

    @bolt.view(modals.MEASURE)
    async def on_measure_modal(ack: Ack, context: AsyncBoltContext) -> None:
        meta, text, errors = modals.read_measure(of(context).view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await later(bot, ack, context, lambda req: measure_submit(bot, req, meta, text or ""))

    @bolt.action("step.assign")
    async def on_assign(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: assign(bot, req))

    @bolt.action("card.steps")
    @bolt.action("card.deadlines")
    @bolt.action("card.timeline")
    async def on_card_button(ack: Ack, context: AsyncBoltContext) -> None:
        await later(bot, ack, context, lambda req: card_button(bot, req))

    @bolt.view(modals.DONE)
    @bolt.view(modals.SKIP)
    async def on_step_modal(ack: Ack, context: AsyncBoltContext) -> None:
        req = of(context)
        meta, text, errors = modals.read_step(req.view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await later(bot, ack, context, lambda req: step_submit(bot, req, meta, text))


async def step_button(bot: SlackBot, req: Incoming) -> None:
    trigger, where, lang, action = req.trigger, req.where, req.lang, req.action
    ref, step_id, version = bk.parse_step_value(action["value"])
    try:
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action="step")
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    step = await bot.runner.call(bot.store.step, ref, step_id)
    if step is None or not step.is_open or step.version != version:
        steps = await bot.runner.call(bot.service.steps_view, ref)
        if step is not None and not step.is_open:
            message = t("step_taken", lang, step=step_id, ref=ref,
                        status=t(f"status.{step.status.value}", lang), who=step.done_by or "-")  # fmt: skip
        else:
            message = t("step_changed", lang, step=step_id, ref=ref)
        await bot.reply_error(message, **where)
        await bot.reply_view(steps, lang, **{**where, "key": where["key"] + ":list"}, replace=True)
        return
    extra = {"channel": where["channel"], "response_url": where["response_url"]}
    build = modals.done_modal if action["action_id"] == "step.done" else modals.skip_modal
    view = build(ref=ref, step=step.definition, version=version, lang=lang, extra=extra)
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def step_submit(bot: SlackBot, req: Incoming, meta: dict[str, Any], text: str | None) -> None:
    user, view = req.user, req.view
    lang = meta.get("lang") or bot.settings.language
    where = {**req.where, "channel": meta.get("channel"), "response_url": meta.get("response_url")}
    ref, step_id, version = meta["ref"], meta["step"], int(meta["version"])
    try:
        if view.get("callback_id") == modals.SKIP:
            await bot.runner.call(bot.service.skip_step, ref, step_id, actor=user,
                                  reason=text or "", expected_version=version)  # fmt: skip
        else:
            await bot.runner.call(bot.service.complete_step, ref, step_id, actor=user, note=text,
                                  expected_version=version)  # fmt: skip
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    if where["response_url"]:
        steps = await bot.runner.call(bot.service.steps_view, ref)
        await bot.reply_view(steps, lang, **{**where, "key": where["key"] + ":list"}, replace=True)


async def details_button(bot: SlackBot, req: Incoming) -> None:
    """A step's "Details" button: the step's guidance, role, due time and what it waits for,
    to the one who asked."""
    where, lang = req.where, req.lang
    ref, step_id, _version = bk.parse_step_value(req.action["value"])
    try:
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action="steps")
        view = await bot.runner.call(bot.service.steps_view, ref, step_id)
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    await bot.reply_view(view, lang, **{**where, "key": where["key"] + ":details"})


async def measure_button(bot: SlackBot, req: Incoming) -> None:
    """A completed step's "Measure" button: the modal that words it for the outside."""
    where, lang = req.where, req.lang
    chosen = req.action.get("selected_option") or {}
    ref, step_id, _version = bk.parse_step_value(chosen.get("value") or req.action["value"])
    try:
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action="add_measure")
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    step = await bot.runner.call(bot.store.step, ref, step_id)
    if step is None:
        await bot.reply_error(t("step_changed", lang, step=step_id, ref=ref), **where)
        return
    extra = {"channel": where["channel"], "response_url": where["response_url"]}
    view = modals.measure_modal(
        ref=ref, step=step.definition, note=step.note, lang=lang, extra=extra
    )
    if await bot.open_modal(req.trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def measure_submit(bot: SlackBot, req: Incoming, meta: dict[str, Any], text: str) -> None:
    lang = meta.get("lang") or bot.settings.language
    where = {**req.where, "channel": meta.get("channel"), "response_url": meta.get("response_url")}
    try:
        ack = await bot.runner.call(
            bot.service.add_measure,
            meta["ref"],
            text,
            planned=bool(meta.get("planned")),
            actor=req.user,
        )
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    await bot.reply_view(ack, lang, **where)


async def assign(bot: SlackBot, req: Incoming) -> None:
    where, lang, action = req.where, req.lang, req.action
    ref, step_id, _version = bk.parse_step_value(action["block_id"].split("|", 1)[1])
    try:
        await bot.runner.call(bot.service.assign, ref, step_id, action["selected_user"],
                              actor=where["user"])  # fmt: skip
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    steps = await bot.runner.call(bot.service.steps_view, ref)
    await bot.reply_view(steps, lang, **where, replace=True)


async def card_button(bot: SlackBot, req: Incoming) -> None:
    where, lang, action = req.where, req.lang, req.action
    ref = action["value"]
    try:
        await bot.runner.call(bot.service.resolve, ref, actor=req.user, action=action["action_id"])
        if action["action_id"] == "card.steps":
            view: View = await bot.runner.call(bot.service.steps_view, ref)
        elif action["action_id"] == "card.deadlines":
            view = await bot.runner.call(bot.service.deadlines, ref)
        else:
            view = await bot.runner.call(bot.service.timeline, ref, 20, actor=where["user"])
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    await bot.reply_view(view, lang, **where)
