"""Read back the chain heads the bot published in incidents' channels (``incidentbot verify``).

The messages live in Slack, out of reach of whoever can write the database file; this reads
them with the bot token so that verify can check the timeline still holds each head.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.errors import IncidentbotError
from incidentbot.evidence.anchors import HEAD_PATTERN
from incidentbot.i18n import Message


def reader(settings: Any) -> Callable[[str, str], list[tuple[int, str]]]:
    quiet = logging.getLogger(__name__ + ".client")  # verify says it once, in its own words
    quiet.setLevel(logging.CRITICAL)
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_base(),
        timeout=10,
        logger=quiet,
    )

    def read_heads(ref: str, channel: str) -> list[tuple[int, str]]:
        heads: list[tuple[int, str]] = []
        cursor = None
        while True:
            try:
                page = client.conversations_history(channel=channel, limit=200, cursor=cursor)
            except (SlackApiError, OSError) as exc:
                raise IncidentbotError(
                    Message("witness.unreadable", channel=channel, error=str(exc))
                ) from exc
            for message in page.get("messages") or []:
                text = str(message.get("text") or "")
                if ref in text:
                    heads += [(int(seq), head) for seq, head in HEAD_PATTERN.findall(text)]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return heads

    return read_heads
