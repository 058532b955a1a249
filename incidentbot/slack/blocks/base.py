"""Block Kit's building blocks and escaping (shared by every subject).

Every text a user typed (titles, notes, step ids echoed back, reasons) goes through :func:`esc`,
so ``<!channel>`` or ``<@U…>`` typed into a title shows as text and pings nobody. Times are
Slack date tokens (:func:`when`), so each reader sees their own zone. Limits kept: 50 blocks a
message, 3000 characters a section, 150 a header, 75 a button label.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

Block = dict[str, Any]
MAX_BLOCKS = 50
SECTION_LIMIT = 3000


def esc(text: object) -> str:
    """Slack's three control characters escaped: ``&`` ``<`` ``>``."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unesc(text: str) -> str:
    """Undo Slack's escaping of typed text (``&amp;``, ``&lt;``, ``&gt;``) so that what a user
    typed is stored as typed; mentions Slack itself formatted (``<@U123|bob>``) stay as they are.
    ``esc`` is applied again whenever the text is echoed back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when(at: datetime, tz: tzinfo) -> str:
    """``<!date^1764000000^{date_short_pretty} {time}|2026-11-24 14:00 UTC>``."""
    fallback = at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{esc(fallback)}>"


def who(user: str | None) -> str:
    """A Slack user id becomes a mention; a shell name is shown as typed (escaped)."""
    if not user:
        return "-"
    if user[:1] in ("U", "W") and user[1:].isalnum() and user.upper() == user:
        return f"<@{user}>"
    return esc(user)


def section(text: str, **extra: Any) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)},
        **extra,
    }


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)}]}


def header(text: str) -> Block:
    """A header from raw text (escaped here: Slack decodes entities in plain text too)."""
    return {"type": "header", "text": {"type": "plain_text", "text": cut(esc(text), 150)}}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    el: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(label, 75)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        el["style"] = style
    return el


def code(text: str) -> str:
    return "```" + esc(text) + "```"
