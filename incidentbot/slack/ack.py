"""What an ack promises, for both transports: the ack of a request that records something waits
(at most :data:`COMMIT_WAIT` seconds: Slack allows 3) until the work the request started is
committed, and work the database refused is answered "not recorded", never acknowledged as done.
HTTP mode (:mod:`incidentbot.slack.server`) and Socket Mode (:mod:`incidentbot.slack.socket`)
both use these.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from incidentbot.core import commands as cmd
from incidentbot.errors import IncidentbotError
from incidentbot.slack.app import SlackBot
from incidentbot.slack.i18n import t
from incidentbot.slack.work import RequestWork

log = logging.getLogger(__name__)

COMMIT_WAIT = 2.0
"""Seconds an ack waits for its request's work to be committed (Slack allows 3)."""

READ_ONLY = (
    cmd.Help, cmd.ListIncidents, cmd.Status, cmd.Steps, cmd.Deadlines, cmd.Timeline, cmd.Register,
)  # fmt: skip
"""Subcommands that record nothing: their ack need not wait for a commit."""


def reads_only(form: Mapping[str, Any]) -> bool:
    """A slash command whose subcommand records nothing (or does not parse): nothing to wait for."""
    if "command" not in form:
        return False
    text = form.get("text") or ""
    try:
        return isinstance(cmd.parse(text if isinstance(text, str) else ""), READ_ONLY)
    except IncidentbotError:
        return True


def tracking(bot: SlackBot | None) -> contextlib.AbstractContextManager[RequestWork]:
    """Collect the work tasks the listeners start while handling one request
    (:meth:`incidentbot.slack.work.Work.request`)."""
    if bot is None:
        return contextlib.nullcontext(RequestWork())
    return bot.work.request()


async def committed(started: RequestWork, *, wait: bool = True) -> bool:
    """Wait (at most ``COMMIT_WAIT``) for a request's work; False if any was not recorded."""
    if not started.tasks or not wait:
        return True
    if await started.committed(COMMIT_WAIT):
        return True
    if any(not task.done() for task in started.tasks):
        log.warning("acked after %ss with the work still running", COMMIT_WAIT)
    return all(task.result() for task in started.tasks if task.done() and not task.cancelled())


def not_recorded_text(bot: SlackBot, user: Any) -> str:
    """The one sentence for a command the database could not record, in the user's language."""
    return t("error.not_recorded", bot.known_language(str(user)))
