"""The assessment in Slack: its modal (every key of the one-line form), the result with one
decision and its Override button per jurisdiction, and the Override and "Mark notified" modals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidentbot.core import severity
from incidentbot.core.model import pick
from incidentbot.slack import modals
from incidentbot.slack.blocks.base import (
    MAX_BLOCKS,
    Block,
    button,
    cut,
    esc,
    header,
    section,
    who,
)
from incidentbot.slack.i18n import t
from incidentbot.views import (
    AssessmentView,
)

ASSESS = "assess"
OVERRIDE = "assess.override"
NOTIFIED = "clock.notified"

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
            "text": {"type": "mrkdwn", "text": f"*{esc(ref)}* · {t('field.count_hint', lang)}"},
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
        **modals.frame(
            ASSESS,
            title=t("modal.assess", lang),
            submit=t("modal.assess_submit", lang),
            cancel=t("modal.cancel", lang),
            metadata={"ref": ref, "lang": lang, "channel": channel},
        ),
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
        t("label.colon", lang, label=f"*{esc(ref)} · {esc(jid)}*")
        + " "
        + decision_text(bool(computed["authority"]), bool(computed["persons"]), lang)
        + (f"\n{esc(decision['rule'])}" if decision.get("rule") else "")
    )
    return {
        **modals.frame(
            OVERRIDE,
            title=t("modal.override", lang),
            submit=t("modal.record", lang),
            cancel=t("modal.cancel", lang),
            metadata={"ref": ref, "jurisdiction": jid, "lang": lang, "channel": channel},
        ),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": cut(summary, 3000)}},
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
        **modals.frame(
            NOTIFIED,
            title=t("modal.notified", lang),
            submit=t("modal.record", lang),
            cancel=t("modal.cancel", lang),
            metadata={"ref": ref, "jurisdiction": jurisdiction, "lang": lang, "channel": channel},
        ),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{esc(ref)}* · *{esc(authority)}*"},
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


def decision_text(authority: bool, persons: bool, lang: str) -> str:
    if authority:
        text = t("assess.notify", lang)
        return text + " " + t("assess.persons", lang) if persons else text
    return t("assess.persons_only" if persons else "assess.internal", lang)


def assessment_blocks(view: AssessmentView, lang: str) -> list[Block]:
    """The score line, every assumption, and one decision per jurisdiction with its rule and an
    Override button (its value: ``INC-1|qc``)."""
    a = view.assessment
    ref = view.incident.ref
    blocks: list[Block] = [header(f"{ref} — {t('assess.result', lang, version=view.version)}")]
    score = f"*{t('assess.score', lang)}*: {esc(a.explain(lang))}"
    if view.previous_band and view.previous_band != a.band.value:
        score += "\n" + t(
            "assess.band_changed",
            lang,
            before=t(f"severity.{view.previous_band}", lang),
            after=t(f"severity.{a.band.value}", lang),
        )
    blocks.append(section(score))
    notes = [pick(x.text, lang) for x in a.assumed] + [pick(n, lang) for n in a.notes]
    if notes:
        lines = "\n".join(f"• {esc(n)}" for n in notes)
        blocks.append(section(f"*{t('assess.assumed', lang)}*\n{lines}"))
    closed = view.incident.status.value == "closed"
    for d in view.decisions[: MAX_BLOCKS - 4]:
        jid = str(d["jurisdiction"])
        text = f"*{esc(jid)}*: {decision_text(d['authority'], d['persons'], lang)}"
        if d.get("rule"):
            text += f"\n{esc(view.rule(jid, lang))}"
        over = d.get("override")
        if over:
            computed = d.get("computed") or {}
            text += (
                "\n_"
                + t(
                    "assess.overridden",
                    lang,
                    who=who(over.get("by")),
                    reason=esc(cut(str(over.get("reason") or ""), 500)),
                    computed=decision_text(
                        bool(computed.get("authority")), bool(computed.get("persons")), lang
                    ),
                )
                + "_"
            )
        extra: dict[str, Any] = {"block_id": f"decision:{jid}"}
        if not closed:
            extra["accessory"] = button(
                t("button.override", lang), "assess.override", f"{ref}|{jid}"
            )
        blocks.append(section(text, **extra))
    return blocks
