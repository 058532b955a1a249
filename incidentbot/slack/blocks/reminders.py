"""A reminder in Slack: its sentence and a Snooze button (the listener in
:mod:`incidentbot.slack.listeners.drafts` reads the button's value)."""

from __future__ import annotations

import json
from typing import Any

from incidentbot.service.reminders import Reminder
from incidentbot.slack.blocks.base import esc

SNOOZE_HOURS = 6
SNOOZE_ACTION = "reminder_snooze"
_SNOOZE_LABEL = {"en": "Snooze 6 h", "fr": "Reporter de 6 h"}


def reminder_message(reminder: Reminder, lang: str) -> dict[str, Any]:
    """``{"blocks": ..., "text": ...}`` for ``chat.postMessage``."""
    lang = lang if lang in _SNOOZE_LABEL else "en"
    value = json.dumps(
        {"ref": reminder.incident, "item": reminder.item, "hours": SNOOZE_HOURS},
        separators=(",", ":"),
    )
    text = ":alarm_clock: " + esc(reminder.text)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "block_id": f"reminder|{reminder.item}"[:255],
            "elements": [
                {
                    "type": "button",
                    "action_id": SNOOZE_ACTION,
                    "text": {"type": "plain_text", "text": _SNOOZE_LABEL[lang]},
                    "value": value,
                }
            ],
        },
    ]
    return {"blocks": blocks, "text": text}
