"""The assessment in Slack: its modal, the Override and "Mark notified" buttons and their modals.

The modal asks for every key of DESIGN.md's assessment vocabulary and hands the service the same
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
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from incidentbot import usecases
from incidentbot.core import severity
from incidentbot.errors import IncidentbotError
from incidentbot.slack import blocks as bk
from incidentbot.slack import modals
from incidentbot.slack.i18n import t
from incidentbot.views import Ack, AssessmentView

if TYPE_CHECKING:
    from incidentbot.slack.app import SlackBot

log = logging.getLogger(__name__)

ASSESS = "assess"
OVERRIDE = "assess.override"
NOTIFIED = "clock.notified"
SUBMIT_WAIT = 2.0  # seconds the service has before the ack (Slack allows 3)

AckFn = Callable[..., Awaitable[None]]
_HINTED = ("context", "recipient", "trusted_because", "contents", "encrypted", "recovered",
           "depend")  # fmt: skip
SELECT_KEYS = ("identifiable", "confidentiality", "integrity", "availability", "context",
               "recipient", "trusted_because", "contents")  # fmt: skip


def _choice(key: str, value: str, lang: str) -> dict[str, Any]:
    return {"text": modals.plain(t(f"value.{key}.{value}", lang)), "value": value}


def _yes_no_unknown(lang: str) -> list[dict[str, Any]]:
    return [
        {"text": modals.plain(t("field.yes", lang)), "value": "yes"},
        {"text": modals.plain(t("field.no", lang)), "value": "no"},
        {"text": modals.plain(t("field.unknown", lang)), "value": "unknown"},
    ]


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = True,
           hint: str | None = None) -> dict[str, Any]:  # fmt: skip
    """An input block; assessment fields are optional (a key left out is unknown)."""
    return modals.input_block(block_id, label, element, optional=optional, hint=hint)


def _initial(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """``element`` with its ``initial_option(s)`` set to the previous assessment's value."""
    if value is None:
        return element
    options = {o["value"]: o for o in element["options"]}
    if element["type"] == "multi_static_select":
        chosen = [options[v] for v in value if v in options]
        return {**element, "initial_options": chosen} if chosen else element
    key = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return {**element, "initial_option": options[key]} if key in options else element


def assess_modal(*, ref: str, lang: str, channel: str | None,
                 previous: Mapping[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """The modal; ``previous`` (the latest assessment's inputs) fills it for a re-assessment."""
    prev = dict(previous or {})
    data = {
        "type": "multi_static_select",
        "placeholder": modals.plain(t("field.choose", lang)),
        "options": [_choice("data", c, lang) for c in severity.DATA_CATEGORIES],
    }
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{bk.esc(ref)}* · {t('field.count_hint', lang)}"},
        },
        _input(
            "data",
            t("field.data", lang),
            _initial(data, prev.get("data")),
            hint=t("field.data_hint", lang),
        ),  # fmt: skip
    ]
    for key in ("persons", "records"):
        element: dict[str, Any] = {"type": "plain_text_input", "max_length": 20}
        if prev.get(key) is not None:
            element["initial_value"] = str(prev[key])
        element["placeholder"] = modals.plain("869 / unknown")
        blocks.append(
            _input(key, t(f"field.{key}", lang), element, hint=t("field.count_hint", lang))
        )
    for key in SELECT_KEYS:
        select = {
            "type": "static_select",
            "placeholder": modals.plain(t("field.choose", lang)),
            "options": [_choice(key, v, lang) for v in severity.LEVELS[key]],
        }
        hint = t(f"field.{key}_hint", lang) if key in _HINTED else None
        blocks.append(
            _input(key, t(f"field.{key}", lang), _initial(select, prev.get(key)), hint=hint)
        )
    for key in severity.YES_NO_KEYS:
        radio = {"type": "radio_buttons", "options": _yes_no_unknown(lang)}
        hint = f"field.{key}_hint" if key in _HINTED else None
        blocks.append(
            _input(
                key,
                t(f"field.{key}", lang),
                _initial(radio, prev.get(key)),
                hint=t(hint, lang) if hint else None,
            )  # fmt: skip
        )
    return {
        "type": "modal",
        "callback_id": ASSESS,
        "title": modals.plain(t("modal.assess", lang), 24),
        "submit": modals.plain(t("modal.assess_submit", lang), 24),
        "close": modals.plain(t("modal.cancel", lang), 24),
        "private_metadata": json.dumps({"ref": ref, "lang": lang, "channel": channel}),
        "blocks": blocks,
    }


def read_assess(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(metadata, the options of the one-line form): an empty field is left out (unknown)."""
    meta, got = modals.metadata(view), modals.values(view)
    options: dict[str, str] = {}
    for key in severity.KEYS:
        value = got.get(key)
        if isinstance(value, list):
            value = ",".join(value)
        if isinstance(value, str) and value.strip():
            options[key] = value.strip()
    return meta, options


def override_modal(*, ref: str, decision: Mapping[str, Any], authority: str, lang: str,
                   channel: str | None) -> dict[str, Any]:  # fmt: skip
    jid = str(decision["jurisdiction"])
    yes_no = [
        {"text": modals.plain(t("field.yes", lang)), "value": "yes"},
        {"text": modals.plain(t("field.no", lang)), "value": "no"},
    ]

    def radio(current: bool) -> dict[str, Any]:
        return {"type": "radio_buttons", "options": yes_no, "initial_option": yes_no[not current]}

    computed = decision.get("computed") or decision
    summary = (
        f"*{bk.esc(ref)} · {bk.esc(jid)}*: "
        + bk.decision_text(bool(computed["authority"]), bool(computed["persons"]), lang)
        + (f"\n{bk.esc(decision['rule'])}" if decision.get("rule") else "")
    )
    return {
        "type": "modal",
        "callback_id": OVERRIDE,
        "title": modals.plain(t("modal.override", lang), 24),
        "submit": modals.plain(t("modal.record", lang), 24),
        "close": modals.plain(t("modal.cancel", lang), 24),
        "private_metadata": json.dumps(
            {"ref": ref, "jurisdiction": jid, "lang": lang, "channel": channel}
        ),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": bk.cut(summary, 3000)}},
            _input(
                "authority",
                t("field.notify_authority", lang, authority=authority),
                radio(bool(decision["authority"])),
                optional=False,
            ),  # fmt: skip
            _input(
                "persons",
                t("field.notify_persons", lang),
                radio(bool(decision["persons"])),
                optional=False,
            ),  # fmt: skip
            _input(
                "reason",
                t("field.override_reason", lang),
                {"type": "plain_text_input", "multiline": True, "max_length": 2000},
                optional=False,
                hint=t("field.override_hint", lang),
            ),  # fmt: skip
        ],
    }


def read_override(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(metadata, the override options, field errors)."""
    meta, got = modals.metadata(view), modals.values(view)
    lang = meta.get("lang") or "en"
    reason = (got.get("reason") or "").strip()
    errors = {} if reason else {"reason": t("error.override_reason", lang)}
    options = {
        "override": str(meta.get("jurisdiction") or ""),
        "authority": got.get("authority") or "",
        "persons": got.get("persons") or "",
        "reason": reason,
    }
    return meta, options, errors


def notified_modal(*, ref: str, jurisdiction: str, authority: str, lang: str,
                   channel: str | None) -> dict[str, Any]:  # fmt: skip
    return {
        "type": "modal",
        "callback_id": NOTIFIED,
        "title": modals.plain(t("modal.notified", lang), 24),
        "submit": modals.plain(t("modal.record", lang), 24),
        "close": modals.plain(t("modal.cancel", lang), 24),
        "private_metadata": json.dumps(
            {"ref": ref, "jurisdiction": jurisdiction, "lang": lang, "channel": channel}
        ),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{bk.esc(ref)}* · *{bk.esc(authority)}*"},
            },
            _input(
                "reference",
                t("field.reference", lang),
                {"type": "plain_text_input", "max_length": 200},
                hint=t("field.reference_hint", lang),
            ),  # fmt: skip
        ],
    }


# -- handlers ---------------------------------------------------------------------------------


def register(bot: SlackBot) -> None:
    app = bot.app

    @app.view(ASSESS)
    async def on_assess(ack: AckFn, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta, options = read_assess(view)
        user = body["user"]["id"]
        await submit(bot, ack, body, view, meta, blocks=severity.KEYS, default="data",
                     call=lambda: bot.runner.call(usecases.assess, bot.service, meta["ref"],
                                                  options, actor=user))  # fmt: skip

    @app.action("assess.override")
    async def on_override_button(ack: AckFn, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.spawn(override_button(bot, body, action))

    @app.view(OVERRIDE)
    async def on_override(ack: AckFn, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta, options, errors = read_override(view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        user = body["user"]["id"]
        await submit(bot, ack, body, view, meta, blocks=("authority", "persons", "reason"),
                     default="reason",
                     call=lambda: bot.runner.call(usecases.override, bot.service, meta["ref"],
                                                  options, actor=user))  # fmt: skip

    @app.action("clock.notified")
    async def on_notified_button(ack: AckFn, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        bot.spawn(notified_button(bot, body, action))

    @app.view(NOTIFIED)
    async def on_notified(ack: AckFn, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta, got = modals.metadata(view), modals.values(view)
        reference = (got.get("reference") or "").strip() or None
        user = body["user"]["id"]
        await submit(bot, ack, body, view, meta, blocks=("reference",), default="reference",
                     call=lambda: bot.runner.call(usecases.notified, bot.service, meta["ref"],
                                                  meta["jurisdiction"], reference,
                                                  actor=user))  # fmt: skip


async def submit(bot: SlackBot, ack: AckFn, body: dict[str, Any], view: dict[str, Any],
                 meta: dict[str, Any], *, blocks: Collection[str], default: str,
                 call: Callable[[], Awaitable[Any]]) -> None:  # fmt: skip
    """Run ``call`` before the ack when it answers within :data:`SUBMIT_WAIT` (so a refused
    value shows under its field), else ack and post the result when it comes."""
    lang = meta.get("lang") or bot.settings.language
    user = body["user"]["id"]
    if await bot.seen(f"view:{view.get('id')}:{body.get('trigger_id')}"):
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
                          key=f"view:{view.get('id')}:{body.get('trigger_id')}"))  # fmt: skip


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


def _where(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "key": key,
        "user": body["user"]["id"],
        "channel": (body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id"),
        "response_url": body.get("response_url"),
    }


async def open_assess(bot: SlackBot, trigger: str, ref: str, lang: str,
                      where: dict[str, Any]) -> None:  # fmt: skip
    """``/incident assess`` without options: the modal, filled with the latest inputs."""
    row = await bot.runner.call(bot.service.latest_assessment, ref)
    previous = json.loads(row["inputs"]) if row else None
    view = assess_modal(ref=ref, lang=lang, channel=where["channel"], previous=previous)
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)


async def override_button(bot: SlackBot, body: dict[str, Any], action: dict[str, Any]) -> None:
    trigger = body.get("trigger_id", "")
    if await bot.seen(f"act:{trigger}"):
        return
    where = _where(body, f"act:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref, _, jid = str(action.get("value", "")).partition("|")
    try:
        incident = await bot.runner.call(bot.service.incident, ref)
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


async def notified_button(bot: SlackBot, body: dict[str, Any], action: dict[str, Any]) -> None:
    trigger = body.get("trigger_id", "")
    if await bot.seen(f"act:{trigger}"):
        return
    where = _where(body, f"act:{trigger}")
    lang, _ = await bot.person(where["user"])
    ref, _, jid = str(action.get("value", "")).partition("|")
    j = bot.service.catalogue.jurisdictions.get(jid)
    try:
        incident = await bot.runner.call(bot.service.incident, ref)
    except IncidentbotError as exc:
        await bot.reply_error(exc.text(lang), **where)
        return
    view = notified_modal(ref=ref, jurisdiction=jid, authority=j.authority if j else jid,
                          lang=lang, channel=incident.channel or where["channel"])  # fmt: skip
    if await bot.open_modal(trigger, view) is not None:
        await bot.reply_error(t("expired_trigger", lang), **where)
