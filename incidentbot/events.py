"""What a timeline event says, in the reader's language.

An event's stored row (its ``text`` and ``data``) is evidence: hashed into the incident's
chain (:mod:`incidentbot.store.chain`) and never rewritten. The automatic events (an
assessment, a notification, a role given, a refusal, a reminder...) were stored with a
sentence in one language, English or the incident's, so every front end words them again
when it shows them, from their kind and their structured ``data`` (:func:`said`): the shell's
``timeline``, the Slack timeline reply, the web timeline page and the Markdown export. What a
person typed (a note, a reason, a title, a fact's value) is shown as typed. The exports keep
the stored ``text`` as their evidence column; the CSV adds the worded one beside it.

An old row that lacks the data its wording needs is shown as it was stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from dateutil.parser import isoparse

from incidentbot.core import enisa
from incidentbot.i18n import gettext, t

When = Callable[[datetime], str]
Worder = Callable[[str, Mapping[str, Any], str, When, str], str]

NOTIFY_STEP = "notify-regulator"
NOTIFIED_NOTE = re.compile(r"notified: ([a-z0-9_-]+(?:, [a-z0-9_-]+)*)")
"""The note the bot wrote (in English) when it ticked ``notify-regulator`` by itself."""


def said(
    kind: str,
    text: str,
    data: Mapping[str, Any] | None,
    lang: str,
    *,
    actor: str = "",
    when: When | None = None,
) -> str:
    """The text of an event of ``kind`` as a reader of ``lang`` reads it.

    ``when`` formats a time in the reader's zone (ISO 8601 when not given).
    """
    worder = WORDERS.get(kind)
    if worder is None:
        return text
    try:
        return worder(text, data or {}, lang, when or _iso, actor)
    except (KeyError, TypeError, ValueError, AttributeError):
        return text


def _iso(at: datetime) -> str:
    return at.isoformat()


def _time(value: Any, when: When) -> str:
    return when(isoparse(str(value)))


def kind_word(kind: str, data: Mapping[str, Any] | None, lang: str) -> str:
    """An event's kind as a reader of ``lang`` reads it (``regulator notified``, ``persons
    notified``...): every human view words it; the CSV and JSON keep the code."""
    if kind == "notified" and (data or {}).get("audience") == "persons":
        kind = "notified_persons"
    return _label(f"kind.{kind}", lang, kind)


def _label(key: str, lang: str, fallback: str) -> str:
    """The catalogue's word for ``key``, or ``fallback`` when it has none."""
    return fallback if gettext(key, "en") == key else t(key, lang)


def _yes_no(value: Any, lang: str) -> str:
    return t("field.yes" if value else "field.no", lang).lower()


def _decision(choice: Mapping[str, Any], lang: str) -> str:
    return t(
        "timeline.decision",
        lang,
        authority=_yes_no(choice["authority"], lang),
        persons=_yes_no(choice["persons"], lang),
    )


def _with_reason(worded: str, reason: str) -> str:
    return f"{worded} — {reason}" if reason.strip() else worded


def _aware(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    now = _time(data.get("aware_at") or text, when)
    before = data.get("previous")
    return t("timeline.was", lang, now=now, before=_time(before, when)) if before else now


def _step_done(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    told: Sequence[str] | None = data.get("notified")
    if told is None and data.get("step") == NOTIFY_STEP:
        match = NOTIFIED_NOTE.fullmatch(text)
        told = match.group(1).split(", ") if match else None
    if told is None:
        return text  # the note of whoever completed the step
    return t("timeline.notify_step", lang, jurisdictions=", ".join(told))


def step_note(step: str, note: str | None, lang: str) -> str | None:
    """A step's note as a reader of ``lang`` reads it: the one the bot wrote when it ticked
    ``notify-regulator`` itself is worded again; a person's note is shown as typed."""
    match = NOTIFIED_NOTE.fullmatch(note or "") if step == NOTIFY_STEP else None
    if match is None:
        return note
    return t("timeline.notify_step", lang, jurisdictions=match.group(1))


def _step_assigned(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("timeline.assigned_to", lang, user=data["user"])


def _role(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("timeline.role", lang, role=data["role"], user=data["user"])


def _severity_word(level: str, lang: str) -> str:
    return _label(f"severity.{level}", lang, level)


def _severity(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    worded = _severity_word(data["severity"], lang)
    if data.get("previous"):
        worded = t("timeline.was", lang, now=worded, before=_severity_word(data["previous"], lang))
    return _with_reason(worded, text)


def _score(value: Any, lang: str) -> str:
    """``4.25`` / ``4,25``, ``4.0``: as the assessment view shows a score (never rounded
    to one decimal: 4.25 is not 4.2)."""
    return enisa.number(Decimal(str(value)), lang, decimals=True)


def _assessed(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    parts = [
        t(
            "timeline.assessed",
            lang,
            version=data["version"],
            score=_score(data["score"], lang),
            band=_severity_word(data["band"], lang),
        )
    ]
    parts += [
        t("timeline.for", lang, jurisdiction=d["jurisdiction"], what=_decision(d, lang))
        for d in data.get("decisions") or ()
    ]
    return " — ".join(parts)


def _fact(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    key = data["key"]
    typed = text.removeprefix(f"{key}: ")  # the value as typed, before any reading
    return t("timeline.fact", lang, key=key, value=typed) if typed != text else text


def _override(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    worded = t(
        "timeline.override",
        lang,
        jurisdiction=data["jurisdiction"],
        chosen=_decision(data["chosen"], lang),
        computed=_decision(data["computed"], lang),
    )
    return _with_reason(worded, text)


def _notified(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    jurisdiction = data["jurisdiction"]
    if data.get("audience") == "persons":
        parts = [t("timeline.notified_persons", lang, jurisdiction=jurisdiction)]
    else:
        parts = [f"{data.get('authority') or jurisdiction} ({jurisdiction})"]
    if data.get("audience") == "persons":  # what was typed says how they were told
        if means := data.get("means") or data.get("reference"):
            parts.append(t("timeline.means", lang, means=means))
    elif data.get("reference"):
        parts.append(t("timeline.reference", lang, reference=data["reference"]))
    if data.get("late"):
        parts.append(t("timeline.late", lang))
    return _with_reason(", ".join(parts), data.get("note") or "")  # the DPO's note, as typed


def _reminder(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    worded = t("timeline.reminder", lang, item=data["item"], due=_time(data["due_at"], when))
    return f"{worded} ({t('timeline.late', lang)})" if data.get("late") else worded


def _snoozed(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("reminders.snoozed", lang, item=data["item"], until=_time(data["until"], when))


def _action(action: str, lang: str) -> str:
    return _label(f"access.action.{action}", lang, action)


def _roles(allowed: Sequence[str], lang: str) -> str:
    worded = allowed[0]
    for role in allowed[1:]:
        worded = t("access.or", lang, first=worded, second=role)
    return worded


def _refused(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    action = _action(data["action"], lang)
    allowed = list(data.get("allowed") or ())
    if not allowed:
        return action
    return t("timeline.refused", lang, action=action, allowed=_roles(allowed, lang))


def _unseen(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("access.refused_unseen", lang, actor=actor, action=_action(data["action"], lang))


def _opened(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("opened_text", lang, context="web", view=data["view"])


def _privacy(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("timeline.private" if data["private"] else "timeline.public", lang)


def _links(text: str, data: Mapping[str, Any], lang: str, when: When, actor: str) -> str:
    return t("timeline.links_revoked", lang)


WORDERS: Mapping[str, Worder] = {
    "aware_set": _aware,
    "step_done": _step_done,
    "step_assigned": _step_assigned,
    "role_assigned": _role,
    "severity_set": _severity,
    "assessed": _assessed,
    "decision_override": _override,
    "fact_set": _fact,
    "notified": _notified,
    "reminder": _reminder,
    "reminder_snoozed": _snoozed,
    "refused": _refused,
    "access_refused": _unseen,
    "timeline_opened": _opened,
    "privacy_set": _privacy,
    "links_revoked": _links,
}
"""The kinds the bot words itself; every other kind's text is what a person typed (a note,
a measure, a reason, a title, a fact's value) or an id (a draft, a channel, a user)."""

AS_TYPED = frozenset(
    {
        "declared", "channel_set", "note", "measure", "step_skipped", "draft_created",
        "draft_approved", "closed", "member_invited", "member_excluded", "channel_joined",
        "channel_left",
    }
)  # fmt: skip
"""The kinds whose stored text is shown as it is: typed by a person, or an id."""
