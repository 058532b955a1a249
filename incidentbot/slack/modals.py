"""Modals: declare, complete a step (optional note), skip a step (a reason is required).

Each builder returns a view; each reader takes a ``view_submission``'s view and returns plain
values plus the errors Slack shows under the fields (``response_action: errors``), keyed by
``block_id``. Context the submission needs (incident, step version, time zone, the message to
refresh) travels in ``private_metadata`` as JSON.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentbot.core.model import Severity, StepDef, pick
from incidentbot.playbooks import Catalogue
from incidentbot.slack.blocks.base import cut, esc
from incidentbot.slack.i18n import t

DECLARE = "declare"
DONE = "step.done"
SKIP = "step.skip"
MEASURE = "step.measure"
TITLE_MAX = 200

# A service error's ``field`` -> the block that shows it.
FIELD_BLOCKS = {
    "title": "title",
    "playbook": "playbook",
    "aware": "aware_date",
    "detected": "aware_date",
    "jurisdiction": "jurisdictions",
    "jurisdictions": "jurisdictions",
    "lead": "lead",
    "severity": "severity",
    "note": "note",
    "reason": "reason",
}


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit)}


def frame(
    callback_id: str, *, title: str, submit: str, cancel: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    """What every modal of the bot starts with: its id, its three texts (Slack's 24-character
    limit) and its private metadata; the caller adds its ``blocks``."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "submit": plain(submit, 24),
        "close": plain(cancel, 24),
        "private_metadata": json.dumps(metadata),
    }


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:  # fmt: skip
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"action_id": "value", **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    opt: dict[str, Any] = {"text": plain(text), "value": value}
    if description:
        opt["description"] = plain(description)
    return opt


def zone(name: str | None, default: str) -> ZoneInfo:
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def declare_modal(
    *,
    catalogue: Catalogue,
    lang: str,
    tz_name: str,
    now: datetime,
    user: str,
    title: str | None,
    channel: str | None,
) -> dict[str, Any]:
    local = now.astimezone(zone(tz_name, "UTC"))
    playbooks = sorted(catalogue.playbooks.values(), key=lambda p: pick(p.title, lang).lower())
    options = [_option(pick(p.title, lang), p.id, pick(p.description, lang)) for p in playbooks]
    playbook: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain(t("field.choose", lang)),
        "options": options[:100],
    }
    default = next((o for o in options if o["value"] == "generic-breach"), None)
    if default is not None:
        playbook["initial_option"] = default
    juris = [
        _option(f"{j.id} — {pick(j.name, lang)}", j.id, pick(j.law, lang))
        for j in sorted(catalogue.jurisdictions.values(), key=lambda j: j.id)
    ]
    title_el: dict[str, Any] = {"type": "plain_text_input", "max_length": TITLE_MAX}
    if title:
        title_el["initial_value"] = title[:TITLE_MAX]
    blocks = [
        input_block("title", t("field.title", lang), title_el, hint=t("field.title_hint", lang)),
        input_block("playbook", t("field.playbook", lang), playbook),
        input_block(
            "aware_date",
            t("field.aware_date", lang),
            {"type": "datepicker", "initial_date": f"{local:%Y-%m-%d}"},
            optional=True,
            hint=t("field.aware_hint", lang),
        ),
        input_block(
            "aware_time",
            t("field.aware_time", lang),
            {"type": "timepicker", "initial_time": f"{local:%H:%M}", "timezone": tz_name},
            optional=True,
        ),
        input_block(
            "jurisdictions",
            t("field.jurisdictions", lang),
            {
                "type": "multi_static_select",
                "placeholder": plain(t("field.choose", lang)),
                "options": juris,
            },
            optional=True,
            hint=t("field.jurisdictions_hint", lang),
        ),  # fmt: skip
        input_block("lead", t("field.lead", lang), {"type": "users_select", "initial_user": user}),
        input_block(
            "severity",
            t("field.severity", lang),
            {
                "type": "static_select",
                "placeholder": plain(t("field.choose", lang)),
                "options": [_option(t(f"severity.{s.value}", lang), s.value) for s in Severity],
            },
            optional=True,
        ),
    ]
    return {
        **frame(
            DECLARE,
            title=t("modal.declare", lang),
            submit=t("modal.declare_submit", lang),
            cancel=t("modal.cancel", lang),
            metadata={"tz": tz_name, "channel": channel, "lang": lang},
        ),
        "blocks": blocks,
    }


def values(view: dict[str, Any]) -> dict[str, Any]:
    """``state.values`` flattened: block_id -> the chosen value (str, list or None)."""
    out: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for el in actions.values():
            kind = el.get("type")
            if kind in ("static_select", "radio_buttons"):
                opt = el.get("selected_option")
                out[block_id] = opt["value"] if opt else None
            elif kind == "multi_static_select":
                out[block_id] = [o["value"] for o in el.get("selected_options") or []]
            elif kind == "datepicker":
                out[block_id] = el.get("selected_date")
            elif kind == "timepicker":
                out[block_id] = el.get("selected_time")
            elif kind == "users_select":
                out[block_id] = el.get("selected_user")
            else:
                out[block_id] = el.get("value")
    return out


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def read_declare(
    view: dict[str, Any], *, catalogue: Catalogue, now: datetime, default_tz: str
) -> tuple[dict[str, Any], dict[str, str], str]:
    """The ``service.declare`` arguments, the field errors, and the language to answer in."""
    meta, got = metadata(view), values(view)
    lang: str = meta["lang"] if meta.get("lang") in ("en", "fr") else "en"
    errors: dict[str, str] = {}
    title = (got.get("title") or "").strip()
    if not title:
        errors["title"] = t("modals.title_needed", lang)
    playbook = got.get("playbook") or ""
    if playbook.lower() not in catalogue.playbooks:
        errors["playbook"] = t("field.choose", lang) + " " + ", ".join(sorted(catalogue.playbooks))
    aware_at = None
    date, time = got.get("aware_date"), got.get("aware_time")
    if bool(date) != bool(time):
        errors["aware_time" if date else "aware_date"] = t("error.aware_half", lang)
    elif date and time:
        tz = zone(meta.get("tz"), default_tz)
        aware_at = datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=tz)
        if aware_at > now:
            errors["aware_time"] = t("error.aware_future", lang)
    args = {
        "title": title,
        "playbook_id": playbook,
        "aware_at": aware_at,
        "jurisdictions": got.get("jurisdictions") or None,
        "lead": got.get("lead") or None,
        "severity_level": got.get("severity") or None,
    }
    return args, errors, lang


def done_modal(
    *, ref: str, step: StepDef, version: int, lang: str, extra: dict[str, Any]
) -> dict[str, Any]:
    hint = t("field.note_evidence" if step.evidence else "field.note_optional", lang)
    return {
        **frame(
            DONE,
            title=t("modal.done", lang),
            submit=t("modal.submit", lang),
            cancel=t("modal.cancel", lang),
            metadata={
                "ref": ref,
                "step": step.id,
                "version": version,
                "lang": lang,
                "evidence": step.evidence,
                **extra,
            },
        ),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{esc(ref)}* · *{esc(pick(step.title, lang))}*  `{esc(step.id)}`",
                },
            },
            input_block(
                "note",
                t("field.note", lang),
                {"type": "plain_text_input", "multiline": True},
                optional=not step.evidence,
                hint=hint,
            ),
        ],
    }


def skip_modal(
    *, ref: str, step: StepDef, version: int, lang: str, extra: dict[str, Any]
) -> dict[str, Any]:
    return {
        **frame(
            SKIP,
            title=t("modal.skip", lang),
            submit=t("modal.submit", lang),
            cancel=t("modal.cancel", lang),
            metadata={"ref": ref, "step": step.id, "version": version, "lang": lang, **extra},
        ),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{esc(ref)}* · *{esc(pick(step.title, lang))}*  `{esc(step.id)}`",
                },
            },
            input_block(
                "reason", t("field.reason", lang), {"type": "plain_text_input", "multiline": True}
            ),
        ],
    }


def measure_modal(
    *, ref: str, step: StepDef, note: str | None, lang: str, extra: dict[str, Any]
) -> dict[str, Any]:
    """A completed step offered as a public measure: pre-filled with the playbook's wording of
    the step for staff to edit; the step's own note is shown as internal, never pre-filled."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{esc(ref)}* · *{esc(pick(step.title, lang))}*  `{esc(step.id)}`",
            },
        }
    ]
    if note:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": esc(t("label.internal_note", lang, note=cut(note, 500))),
                    }
                ],
            }
        )
    blocks.append(
        input_block(
            "measure",
            t("field.measure", lang),
            {
                "type": "plain_text_input",
                "multiline": True,
                "initial_value": cut(pick(step.title, lang), 2000),
            },
            hint=t("field.measure_hint", lang),
        )
    )
    kinds = [_option(t(f"measure.kind.{k}", lang), k) for k in ("taken", "planned")]
    blocks.append(
        input_block(
            "measure_kind",
            t("field.measure_kind", lang),
            {"type": "static_select", "options": kinds, "initial_option": kinds[0]},
        )
    )
    return {
        **frame(
            MEASURE,
            title=t("modal.measure", lang),
            submit=t("modal.submit", lang),
            cancel=t("modal.cancel", lang),
            metadata={"ref": ref, "step": step.id, "lang": lang, **extra},
        ),
        "blocks": blocks,
    }


def read_measure(view: dict[str, Any]) -> tuple[dict[str, Any], str | None, dict[str, str]]:
    """(metadata, the measure typed, field errors) of a measure modal."""
    meta, got = metadata(view), values(view)
    text = (got.get("measure") or "").strip() or None
    errors = {} if text else {"measure": t("error.measure", meta.get("lang") or "en")}
    meta["planned"] = got.get("measure_kind") == "planned"
    return meta, text, errors


def read_step(view: dict[str, Any]) -> tuple[dict[str, Any], str | None, dict[str, str]]:
    """(metadata, the note or reason typed, field errors) of a done or skip modal."""
    meta, got = metadata(view), values(view)
    lang = meta.get("lang") or "en"
    errors: dict[str, str] = {}
    if view.get("callback_id") == SKIP:
        text = (got.get("reason") or "").strip() or None
        if text is None:
            errors["reason"] = t("error.reason", lang)
    else:
        text = (got.get("note") or "").strip() or None
        if text is None and meta.get("evidence"):
            errors["note"] = t("error.note_evidence", lang)
    return meta, text, errors
