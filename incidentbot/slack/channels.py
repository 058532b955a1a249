"""Who is in an incident's private channel, asked of Slack when its events may have been missed.

The members of a private incident's channel are members of the incident
(:mod:`incidentbot.service.access`); ``member_joined_channel`` / ``member_left_channel`` keep
the timeline in step. Events sent while the bot was down are lost, so before a request is
handled, the channels whose membership alone decides whether its author sees an open private
incident (:func:`incidentbot.service.members.channel_checks`) are read with
``conversations.members`` (every page, by cursor) and a difference is recorded as a join or a
leave, like an event would have been (``via: conversations.members`` in the event's data).

A channel's member list is kept :data:`TTL` (by the service's clock) and forgotten when an event
about that channel arrives. A Slack error or a timeout changes nothing: it never lets anyone in,
the request goes on and the gate answers "not found" to whoever is not a member; the list is
asked again at the next request.

Each channel has a generation, moved by every join or leave event and every join or leave this
module records. A list is only as new as the generation it was asked at: one whose read began
before the generation moved (a ``member_left_channel`` arriving while it was in flight) is
neither kept nor used, and no join or leave is recorded from it (checked on the service's
worker thread, in the order the event's own record is made), so a stale list never lets back in
someone whose leave was recorded after Slack was asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
from slack_sdk.errors import SlackApiError

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from incidentbot.runner import ServiceRunner
    from incidentbot.service import IncidentService

log = logging.getLogger(__name__)

TTL = timedelta(seconds=60)
TIMEOUT_SECONDS = 10.0  # the whole member list, every page
PAGE = 200
VIA = "conversations.members"


class ChannelMembers:
    """The member lists of incidents' private channels, cached, and the reconciliation."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        runner: ServiceRunner,
        service: IncidentService,
        clock: Callable[[], datetime],
        on_slack_error: Callable[[SlackApiError], object],
    ) -> None:
        self.client = client
        self.runner = runner
        self.service = service
        self.clock = clock
        self.on_slack_error = on_slack_error
        self._lists: dict[str, tuple[datetime, frozenset[str]]] = {}
        self._generations: dict[str, int] = {}

    def generation(self, channel: str) -> int:
        """How many joins and leaves of ``channel`` this process has heard of or recorded."""
        return self._generations.get(channel, 0)

    def forget(self, channel: str) -> None:
        """An event about ``channel`` arrived (or a join or leave was recorded): its cached list,
        and any list still being read, may be older than it."""
        self._bump(channel)
        self._lists.pop(channel, None)

    def _bump(self, channel: str) -> None:
        self._generations[channel] = self.generation(channel) + 1

    async def members(self, channel: str) -> frozenset[str] | None:
        """The members of ``channel``; None when Slack could not say (error, timeout) or when a
        join or leave of the channel came while the list was being read (it may be older)."""
        now = self.clock()
        generation = self.generation(channel)
        cached = self._lists.get(channel)
        if cached is not None and now - cached[0] < TTL:
            return cached[1]
        try:
            found = await asyncio.wait_for(self._read(channel), TIMEOUT_SECONDS)
        except SlackApiError as exc:
            self.on_slack_error(exc)
            log.warning("conversations.members %s: %s", channel, exc.response.get("error"))
            return None
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            log.warning("conversations.members %s failed: %s", channel, exc)
            return None
        if self.generation(channel) != generation:
            log.info("conversations.members %s: a join or leave came during the read", channel)
            return None  # fail closed: nobody is let in by a list older than the last event
        self._lists[channel] = (now, found)
        return found

    async def _read(self, channel: str) -> frozenset[str]:
        found: set[str] = set()
        cursor = ""
        while True:
            answer = await self.client.conversations_members(
                channel=channel, limit=PAGE, **({"cursor": cursor} if cursor else {})
            )
            page = answer.get("members")
            if not isinstance(page, list):
                raise ValueError("conversations.members answered without a member list")
            found.update(str(user) for user in page)
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return frozenset(found)

    async def reconcile(self, user: str) -> None:
        """Record the joins and leaves of ``user`` that the timeline missed."""
        if not user:
            return
        checks = await self.runner.call(self.service.channel_checks, user)
        for channel, recorded in checks:
            generation = self.generation(channel)
            listed = await self.members(channel)
            if listed is None or (user in listed) == recorded:
                continue
            await self.runner.call(self._record, channel, user, user in listed, generation)
            self._bump(channel)  # reads begun before this record are older than it; the
            # cached list, which it was made from, stays

    def _record(self, channel: str, user: str, joined: bool, generation: int) -> None:
        """On the service's worker thread: record what the list said, unless a join or leave
        of ``channel`` was heard of since the list was asked for (its record may be queued)."""
        if self.generation(channel) != generation:
            return
        self.service.channel_member(channel, user, joined=joined, via=VIA)
