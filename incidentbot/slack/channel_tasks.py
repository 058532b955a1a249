"""The sender's channel tasks: ``incident.channel`` (create ``#inc-<date>-<slug>``, or adopt
the channel an earlier try created when its answer came late), ``incident.invite`` (the
declarer and the lead, one by one when Slack refuses one of them) and the channel's topic."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from incidentbot.core import deadlines
from incidentbot.runner import ServiceRunner
from incidentbot.scheduler import GiveUp
from incidentbot.slack import blocks as bk
from incidentbot.slack.i18n import t
from incidentbot.store import outbox
from incidentbot.store.outbox import OutboxItem

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

log = logging.getLogger("incidentbot.slack.sender")

USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def slug(title: str) -> str:
    """``Fuite: donateurs & <!channel>`` -> ``fuite-donateurs-channel``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:50].rstrip("-") or "incident"


class ChannelTasks:
    """The channel part of :class:`incidentbot.slack.sender.SlackSender` (which makes the
    Web API calls)."""

    runner: ServiceRunner
    service: IncidentService
    tz: tzinfo
    bot_user: str | None
    call: Callable[..., Awaitable[dict[str, Any]]]

    async def open_channel(self, item: OutboxItem) -> dict[str, Any]:
        ref = item.incident or item.payload["ref"]
        incident = await self.runner.call(self.service.incident, ref)
        channel = incident.channel
        if not channel:
            day = incident.declared_at.astimezone(self.tz).strftime("%Y-%m-%d")
            base = f"inc-{day}-{slug(incident.title)}"
            for n in range(1, 100):
                name = base if n == 1 else f"{base}-{n}"
                answer = await self.call(
                    "conversations.create",
                    name=name,
                    is_private=incident.private,
                    tolerate=("name_taken",),
                )
                if answer.get("ok"):
                    channel = answer["channel"]["id"]
                    break
                channel = await self.adoptable(ref, name, private=incident.private)
                if channel is not None:
                    log.info("%s: channel %s (%s) was created by an earlier try; adopted",
                             ref, channel, name)  # fmt: skip
                    break
            else:
                raise GiveUp(f"no free channel name from {base}")
            users = [
                u
                for u in dict.fromkeys([incident.declared_by, incident.lead])
                if u and USER_ID.fullmatch(u) and u != self.bot_user
            ]
            await self.runner.call(self._save_channel, ref, channel, users)
            log.info("%s: channel %s (%s) created", ref, channel, name)
        return {"channel": channel}

    async def me(self) -> str:
        """The bot's own user id (``auth.test`` once, when start-up did not ask already)."""
        if not self.bot_user:
            self.bot_user = str((await self.call("auth.test")).get("user_id") or "") or None
        return self.bot_user or ""

    async def adoptable(self, ref: str, name: str, *, private: bool) -> str | None:
        """The channel called ``name`` if the bot created it and no other incident holds it."""
        cursor = ""
        types = "private_channel" if private else "public_channel"
        for _ in range(50):  # pages of 200: 10,000 channels
            args: dict[str, Any] = {"types": types, "exclude_archived": True, "limit": 200}
            if cursor:
                args["cursor"] = cursor
            answer = await self.call("conversations.list", **args)
            for found in answer.get("channels") or []:
                if found.get("name") != name:
                    continue
                if found.get("creator") != await self.me():
                    return None
                holder = await self.runner.call(self.service.store.incident_by_channel, found["id"])
                return str(found["id"]) if holder is None or holder.ref == ref else None
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return None
        return None

    def _save_channel(self, ref: str, channel: str, users: list[str]) -> None:
        store = self.service.store
        with store.transaction():
            incident = store.incident(ref)
            if incident is not None and incident.channel != channel:
                store.save_incident(replace(incident, channel=channel))
            if users:
                outbox.enqueue(
                    store,
                    key=f"invite:{ref}:{channel}",
                    incident=None,
                    channel=channel,
                    method="incident.invite",
                    payload={"ref": ref, "channel": channel, "users": users},
                    now=self.service.clock(),
                )

    async def invite(self, item: OutboxItem) -> dict[str, Any]:
        p = item.payload
        await self._invite(p["ref"], p["channel"], list(p["users"]))
        return {"channel": p["channel"]}

    async def _invite(self, ref: str, channel: str, users: list[str]) -> None:
        if not users:
            return
        ignore = ("already_in_channel", "cant_invite_self")
        per_user = ("user_not_found", "user_is_restricted", "user_disabled", "not_in_channel")
        answer = await self.call(
            "conversations.invite",
            channel=channel,
            users=",".join(users),
            tolerate=ignore + per_user,
        )
        if not answer.get("ok") and answer.get("error") in per_user and len(users) > 1:
            for user in users:
                one = await self.call(
                    "conversations.invite", channel=channel, users=user, tolerate=ignore + per_user
                )
                if not one.get("ok") and one.get("error") not in ignore:
                    log.warning("%s: could not invite %s (%s)", ref, user, one.get("error"))

    async def refresh_topic(self, ref: str, channel: str) -> None:
        card = await self.runner.call(self.service.card, ref)
        lang = card.incident.language
        nxt = card.next_clock
        if nxt is not None:
            text = deadlines.describe(nxt, lang, self.tz)
        else:
            text = t("clocks_not_started", lang) if card.incident.aware_at is None else "-"
        topic = bk.cut(t("topic", lang, ref=ref, next=text), 250)
        key = f"topic:{ref}"
        if await self.runner.call(outbox.recall, self.service.store, key) == topic:
            return
        await self.call("conversations.setTopic", channel=channel, topic=topic)
        await self.runner.call(outbox.remember, self.service.store, key, topic)
