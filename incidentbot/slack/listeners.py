"""The listeners: each acks first, then hands the rest to a task (see :mod:`.app`).

They parse what Slack sent, call the service on its worker thread, and render its views;
nothing else. Every user-facing failure is an :class:`IncidentbotError` shown as an ephemeral
reply (or a modal's field error); anything else is logged and answered with one sentence.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from incidentbot.core import commands as cmd
from incidentbot.errors import IncidentbotError
from incidentbot.slack import assess, drafts, modals
from incidentbot.slack import blocks as bk
from incidentbot.slack.i18n import t
from incidentbot.views import AssessmentView, DeclaredView, DraftView, NeedsModal

if TYPE_CHECKING:
    from incidentbot.slack.app import SlackBot

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[None]]
SUBMIT_WAIT = 2.0  # seconds the service has to answer before a modal's ack (Slack allows 3)


def register(bot: SlackBot) -> None:
    app = bot.app

    @app.command("/incident")
    async def on_command(ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        bot.spawn(command(bot, body))

    @app.action("step.done")
    @app.action("step.skip")
    async def on_step_button(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.spawn(step_button(bot, body, action))

    @app.action("step.assign")
    async def on_assign(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.spawn(assign(bot, body, action))

    @app.action("card.steps")
    @app.action("card.deadlines")
    @app.action("card.timeline")
    async def on_card_button(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.spawn(card_button(bot, body, action))

    @app.view(modals.DECLARE)
    async def on_declare(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        await declare_submit(bot, ack, body, view)

    @app.view(modals.DONE)
    @app.view(modals.SKIP)
    async def on_step_modal(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta, text, errors = modals.read_step(view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        bot.spawn(step_submit(bot, body, view, meta, text))

    @app.shortcut("add_to_timeline")
    async def on_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        bot.spawn(shortcut(bot, body))

    @app.event("reaction_added")
    async def on_reaction(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        bot.spawn(reaction(bot, body, event))

    @app.event("app_home_opened")
    async def on_home(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        bot.spawn(home(bot, body, event))

    assess.register(bot)
    drafts.register(bot)


# -- the slash command -----------------------------------------------------------------------


async def command(bot: SlackBot, body: dict[str, Any]) -> None:
    user, channel = body["user_id"], body.get("channel_id")
    trigger = body.get("trigger_id") or f"{user}:{body.get('text')}"
    if await bot.seen(f"cmd:{trigger}"):
        return
    lang, tz_name = await bot.person(user)
    where = {"key": f"cmd:{trigger}", "user": user, "channel": channel,
             "response_url": body.get("response_url")}  # fmt: skip
    try:
        parsed = cmd.parse(bk.unesc(body.get("text") or ""))
        if isinstance(parsed, cmd.Declare) and not parsed.options:
            await declare_modal(bot, trigger, user, channel, lang, tz_name, parsed.title, where)
            return
        if isinstance(parsed, cmd.Register):
            await drafts.register_reply(bot, lang, where)
            return
        context = await bot.runner.call(bot.channel_incident, channel)
        view = await bot.runner.call(bot.service.handle, parsed, actor=user, context=context)
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
            await bot.reply(blocks=[bk.section(text)], text=text, public=True, **where)
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


async def declare_submit(
    bot: SlackBot, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    user = body["user"]["id"]
    args, errors, lang = modals.read_declare(
        view, catalogue=bot.service.catalogue, now=bot.clock(), default_tz=bot.settings.timezone
    )
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    if await bot.seen(f"view:{view.get('id')}:{body.get('trigger_id')}"):
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


async def _finish_declare(bot: SlackBot, call: asyncio.Future[Any], user: str, lang: str) -> None:
    try:
        await call
    except IncidentbotError as exc:
        key = f"declare-late:{user}:{bot.clock().isoformat()}"
        await bot.reply_error(exc.text(lang), key=key, user=user, channel=None, response_url=None)


# -- the checklist ----------------------------------------------------------------------------


def _where(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "key": key,
        "user": body["user"]["id"],
        "channel": (body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id"),
        "response_url": body.get("response_url"),
    }


async def step_button(bot: SlackBot, body: dict[str, Any], action: dict[str, Any]) -> None:
    trigger = body.get("trigger_id", "")
    if await bot.seen(f"act:{trigger}"):
        return
    where = _where(body, f"act:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref, step_id, version = bk.parse_step_value(action["value"])
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


async def step_submit(bot: SlackBot, body: dict[str, Any], view: dict[str, Any],
                      meta: dict[str, Any], text: str | None) -> None:  # fmt: skip
    user = body["user"]["id"]
    trigger = body.get("trigger_id") or view.get("id")
    if await bot.seen(f"view:{view.get('id')}:{trigger}"):
        return
    lang = meta.get("lang") or bot.settings.language
    where = {"key": f"view:{trigger}", "user": user, "channel": meta.get("channel"),
             "response_url": meta.get("response_url")}  # fmt: skip
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


async def assign(bot: SlackBot, body: dict[str, Any], action: dict[str, Any]) -> None:
    trigger = body.get("trigger_id") or action.get("action_ts", "")
    if await bot.seen(f"act:{trigger}"):
        return
    where = _where(body, f"act:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref, step_id, _version = bk.parse_step_value(action["block_id"].split("|", 1)[1])
    try:
        await bot.runner.call(bot.service.assign, ref, step_id, action["selected_user"],
                              actor=where["user"])  # fmt: skip
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    steps = await bot.runner.call(bot.service.steps_view, ref)
    await bot.reply_view(steps, lang, **where, replace=True)


async def card_button(bot: SlackBot, body: dict[str, Any], action: dict[str, Any]) -> None:
    trigger = body.get("trigger_id") or action.get("action_ts", "")
    if await bot.seen(f"act:{trigger}"):
        return
    where = _where(body, f"act:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref = action["value"]
    try:
        if action["action_id"] == "card.steps":
            view: Any = await bot.runner.call(bot.service.steps_view, ref)
        elif action["action_id"] == "card.deadlines":
            view = await bot.runner.call(bot.service.deadlines, ref)
        else:
            view = await bot.runner.call(bot.service.timeline, ref, 20, actor=where["user"])
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    await bot.reply_view(view, lang, **where)


# -- timeline capture and App Home ------------------------------------------------------------


async def shortcut(bot: SlackBot, body: dict[str, Any]) -> None:
    trigger = body.get("trigger_id", "")
    if await bot.seen(f"sc:{trigger}"):
        return
    where = _where(body, f"sc:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref = await bot.runner.call(bot.channel_incident, where["channel"])
    if ref is None:
        await bot.reply_error(t("error.not_incident_channel", lang), **where)
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


async def reaction(bot: SlackBot, body: dict[str, Any], event: dict[str, Any]) -> None:
    item = event.get("item") or {}
    if event.get("reaction") not in ("pushpin", "round_pushpin") or item.get("type") != "message":
        return
    event_id = body.get("event_id") or f"{item.get('channel')}:{item.get('ts')}:{event.get('user')}"
    if await bot.seen(f"evt:{event_id}"):
        return
    ref = await bot.runner.call(bot.channel_incident, item.get("channel"))
    if ref is None:
        return
    lang, _ = await bot.person(event["user"])
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


async def home(bot: SlackBot, body: dict[str, Any], event: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    event_id = body.get("event_id") or f"{event['user']}:{event.get('event_ts')}"
    if await bot.seen(f"evt:{event_id}"):
        return
    lang, _ = await bot.person(event["user"])
    await bot.enqueue(
        key=f"home:{event_id}",
        incident=None,
        channel=event["user"],
        method="home.publish",
        payload={"user": event["user"], "lang": lang},
    )
