"""The Slack listeners, by subject, registered on bolt's app by :func:`register`.

Every request first passes :func:`incoming.middleware` (who asked, where to answer, the key
that names it among Slack's retries); each listener then acknowledges and hands its work on
through :func:`incoming.later`, which drops retries and finds the reader's language once for
all of them. A user-facing failure is an :class:`~incidentbot.errors.IncidentbotError` shown as
an ephemeral reply (or a modal's field error); anything else is logged and answered with one
sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from incidentbot.slack.listeners import assess, capture, commands, drafts, incoming, steps

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from incidentbot.slack.app import SlackBot


def register(bolt: AsyncApp, bot: SlackBot) -> None:
    """Install the middleware and every listener of the bot on ``bolt``."""
    bolt.use(incoming.middleware(bot))
    for subject in (commands, steps, capture, assess, drafts):
        subject.register(bolt, bot)
