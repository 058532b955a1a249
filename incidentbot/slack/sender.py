"""Delivering outbox rows to Slack: plain Web API calls, response URLs, and the bot's tasks.

A row's ``method`` is either a Web API method (``chat.postEphemeral``: the payload is its
arguments), ``response_url`` (payload: ``url`` and ``body``), or one of the tasks below, which
read the incident's current state when they run, so a retried or late row never shows stale data:

* ``incident.channel``: create ``#inc-<date>-<slug>`` and store it on the incident; a taken
  name is looked up first and adopted when it is a channel the bot created and no other
  incident holds (an earlier try whose answer came late), else ``-2``, ``-3``... Inviting the
  declarer and the lead is queued as its own row (``incident.invite``, the channel's lane), so
  a failed invite never holds back the card; the topic is set with the card.
* ``incident.card``: post and pin the incident card once, then ``chat.update`` it in place.
  A card row followed by another pending one for the same incident is skipped (the later one
  shows the same state).
* ``incident.capture``: a message into the timeline (text, author, time, permalink), keyed by
  channel and ts so the shortcut and the :pushpin: reaction never record it twice.
* ``home.publish``: the App Home tab of one user.
* ``incident.message``: ``payload["message"]`` posted into the incident's channel as it is when
  the row runs (a reminder queued before the channel existed waits for it, in the same lane).

Each task is idempotent: what it already did is read back (the incident's channel, the card's
ts in ``kv``) before anything is redone. Every ``chat.postMessage`` carries the row's key in
its message ``metadata`` (``event_type`` :data:`METADATA_TYPE`); a row retried after an
unknown outcome (a timeout: Slack may have posted it) first looks for that key in the channel's
recent history and adopts the message it finds instead of posting a second one. Errors are mapped to the scheduler's RetryLater
(429 with Retry-After, 5xx, network), Fatal (a revoked token) or GiveUp (the rest).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from incidentbot.config import Settings
from incidentbot.errors import IncidentbotError
from incidentbot.runner import ServiceRunner
from incidentbot.scheduler import Fatal, GiveUp, RetryLater
from incidentbot.slack import blocks as bk
from incidentbot.slack.blocks import unesc
from incidentbot.slack.channel_tasks import ChannelTasks
from incidentbot.slack.i18n import t
from incidentbot.store import outbox
from incidentbot.store.outbox import OutboxItem

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

log = logging.getLogger(__name__)

FATAL_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
RETRY_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
# Read methods take form or query arguments; write methods take JSON (blocks stay structured).
READ_METHODS = frozenset(
    {"conversations.history", "conversations.replies", "chat.getPermalink", "users.info"}
)
METADATA_TYPE = "incidentbot_outbox"
"""``metadata.event_type`` of every message the outbox posts; ``event_payload`` is ``{key}``."""
HISTORY_LOOKBACK = 100
"""How many recent messages of a channel a retried post searches for its own key."""


def retry_after(headers: Any) -> float | None:
    for key, value in dict(headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return float(value)
            except ValueError:
                return None
    return None


def classify(exc: SlackApiError) -> Exception:
    """A Web API failure as RetryLater, Fatal or GiveUp."""
    response = exc.response
    status = getattr(response, "status_code", 200)
    error = str(response.get("error", "")) if hasattr(response, "get") else str(exc)
    if error in FATAL_ERRORS:
        return Fatal(error)
    if status == 429:
        return RetryLater(error or "ratelimited", after=retry_after(response.headers) or 1.0)
    if status >= 500 or error in RETRY_ERRORS:
        return RetryLater(error or f"HTTP {status}")
    return GiveUp(error or f"HTTP {status}")


class SlackSender(ChannelTasks):
    """``await sender(item)``: the scheduler's ``deliver``."""

    def __init__(
        self, *, client: AsyncWebClient, runner: ServiceRunner, settings: Settings
    ) -> None:
        self.client = client
        self.runner = runner
        self.service = runner.service
        self.settings = settings
        self.tz = settings.tzinfo()
        self.bot_user: str | None = None
        self.tasks = {
            "incident.channel": self.open_channel,
            "incident.card": self.update_card,
            "incident.capture": self.capture,
            "home.publish": self.publish_home,
            "incident.message": self.post_to_incident,
            "incident.invite": self.invite,
        }

    async def __call__(self, item: OutboxItem) -> dict[str, Any] | None:
        task = self.tasks.get(item.method)
        if task is not None:
            return await task(item)
        if item.method == "response_url":
            return await self.respond(item.payload["url"], item.payload["body"])
        if item.method == "chat.postMessage":
            return await self.post_once(item, item.key, **item.payload)
        return await self.call(item.method, **item.payload)

    # -- exactly once in effect ---------------------------------------------------------------

    async def post_once(
        self, item: OutboxItem, key: str, *, look: bool = False, **args: Any
    ) -> dict[str, Any]:
        """``chat.postMessage`` tagged with ``key``; after a failed try (or with ``look``:
        the card, whose rows replace one another), adopt what landed instead of posting."""
        channel = str(args.get("channel") or "")
        if (look or item.attempts > 0) and channel:
            found = await self.find_posted(channel, key)
            if found is not None:
                log.info("%s: %s had landed already (ts %s); not posted again",
                         item.incident or channel, key, found)  # fmt: skip
                return {"channel": channel, "ts": found, "adopted": True}
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        return await self.call("chat.postMessage", metadata=metadata, **args)

    async def find_posted(self, channel: str, key: str) -> str | None:
        """The ts of a recent message the bot posted in ``channel`` with ``key``, if any."""
        try:
            answer = await self.call(
                "conversations.history",
                channel=channel,
                limit=HISTORY_LOOKBACK,
                include_all_metadata=True,
                tolerate=("channel_not_found", "not_in_channel", "missing_scope"),
            )
        except GiveUp:
            return None
        for message in answer.get("messages") or []:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == METADATA_TYPE
                and (meta.get("event_payload") or {}).get("key") == key
            ):
                return str(message.get("ts"))
        return None

    # -- transport --------------------------------------------------------------------------

    async def call(
        self, method: str, *, tolerate: Iterable[str] = (), **args: Any
    ) -> dict[str, Any]:
        """One Web API call; a tolerated error comes back as ``{"ok": False, "error": ...}``."""
        try:
            if method in READ_METHODS:
                params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in args.items()}
                response = await self.client.api_call(method, params=params)
            else:
                response = await self.client.api_call(method, json=args)
        except SlackApiError as exc:
            error = exc.response.get("error", "") if hasattr(exc.response, "get") else ""
            if error in set(tolerate):
                return {"ok": False, "error": error}
            raise classify(exc) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def respond(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await AsyncWebhookClient(url, timeout=10).send_dict(body)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 429:
            raise RetryLater("ratelimited", after=retry_after(response.headers) or 1.0)
        if response.status_code >= 500:
            raise RetryLater(f"response_url HTTP {response.status_code}")
        if response.status_code >= 400:
            raise GiveUp(f"response_url HTTP {response.status_code}: {response.body[:200]}")
        return {"status": response.status_code}

    # -- incident.card ------------------------------------------------------------------------

    async def update_card(self, item: OutboxItem) -> dict[str, Any]:
        ref = item.incident or item.payload["ref"]
        store = self.service.store
        if await self.runner.call(outbox.superseded, store, item):
            return {"superseded": True}
        card = await self.runner.call(self.service.card, ref)
        channel = card.incident.channel
        if not channel:
            raise await self._no_channel(ref)
        lang = card.incident.language
        blocks = bk.card_blocks(card, lang, self.tz)
        text = bk.card_fallback(card, lang)
        key = f"card:{ref}"
        where = await self.runner.call(outbox.recall, store, key)
        if where and where.get("channel") == channel:
            answer = await self.call(
                "chat.update",
                channel=channel,
                ts=where["ts"],
                blocks=blocks,
                text=text,
                tolerate=("message_not_found",),
            )
            if not answer.get("ok"):
                where = None
        else:
            where = None
        if where is None:
            answer = await self.post_once(
                item, key, look=True, channel=channel, blocks=blocks, text=text
            )
            where = {"channel": channel, "ts": answer["ts"], "pinned": False}
            await self.runner.call(outbox.remember, store, key, where)
        if not where.get("pinned"):
            await self.call(
                "pins.add", channel=channel, timestamp=where["ts"], tolerate=("already_pinned",)
            )
            where = {**where, "pinned": True}
            await self.runner.call(outbox.remember, store, key, where)
        try:
            await self.refresh_topic(ref, channel)
        except RetryLater as exc:  # the card is shown: the topic waits for the next change
            log.warning("%s: topic not set (%s); the next card update sets it", ref, exc.error)
        return {"channel": channel, "ts": where["ts"]}

    # -- incident.capture ---------------------------------------------------------------------

    async def capture(self, item: OutboxItem) -> dict[str, Any]:
        p = item.payload
        ref, channel, ts = p["ref"], p["channel"], str(p.get("ts"))
        try:
            float(ts)
        except ValueError:
            raise GiveUp(f"{ref}: a captured message without a timestamp ({ts})") from None
        text, author = p.get("text"), p.get("author")
        if text is None:
            text, author = await self._message(channel, ts)
        link_answer = await self.call(
            "chat.getPermalink", channel=channel, message_ts=ts, tolerate=("message_not_found",)
        )
        link = link_answer.get("permalink")
        at = datetime.fromtimestamp(float(ts), UTC)
        lang = p.get("lang") or self.settings.language
        try:
            ack = await self.runner.call(
                self.service.add_note,
                ref,
                text or link or ts,
                actor=author or p["by"],
                link=link,
                source=f"{p['source']}:{p['by']}",
                key=f"{channel}:{ts}",
                at=at,
            )
            message = ":pushpin: " + t(
                "captured" if ack.changed else "note_exists", lang, ref=bk.esc(ref)
            )
        except IncidentbotError as exc:
            message = ":warning: " + bk.esc(exc.text(lang))
        await self.runner.call(self._reply, item, p, message)
        return {"link": link}

    def _reply(self, item: OutboxItem, p: dict[str, Any], message: str) -> None:
        body = {"response_type": "ephemeral", "replace_original": False, "text": message}
        if p.get("response_url"):
            method, payload = "response_url", {"url": p["response_url"], "body": body}
        else:
            method, payload = (
                "chat.postEphemeral",
                {
                    "channel": p["channel"],
                    "user": p["by"],
                    "text": message,
                },
            )
        outbox.enqueue(
            self.service.store,
            key=f"{item.key}:reply",
            incident=None,
            channel=p["channel"],
            method=method,
            payload=payload,
            now=self.service.clock(),
        )

    async def _message(self, channel: str, ts: str) -> tuple[str | None, str | None]:
        answer = await self.call(
            "conversations.history", channel=channel, latest=ts, inclusive=True, limit=1
        )
        found = [m for m in answer.get("messages", []) if m.get("ts") == ts]
        if not found:
            answer = await self.call("conversations.replies", channel=channel, ts=ts, limit=1)
            found = [m for m in answer.get("messages", []) if m.get("ts") == ts]
        if not found:
            raise GiveUp(f"message {ts} not found in {channel}")
        return unesc(found[0].get("text") or ""), found[0].get("user")

    # -- incident.message ---------------------------------------------------------------------

    async def post_to_incident(self, item: OutboxItem) -> dict[str, Any]:
        ref = item.incident or item.payload["ref"]
        incident = await self.runner.call(self.service.incident, ref)
        if not incident.channel:
            raise await self._no_channel(ref)
        answer = await self.post_once(
            item, item.key, channel=incident.channel, **item.payload["message"]
        )
        return {"channel": incident.channel, "ts": answer.get("ts")}

    async def _no_channel(self, ref: str) -> Exception:
        """Wait for a channel being created; an incident that has none coming (declared in
        the shell) makes its rows dead letters (one log line each, by the scheduler)."""
        if await self.runner.call(outbox.waiting_for_channel, self.service.store, ref):
            return RetryLater(f"{ref} has no channel yet")
        return GiveUp(f"{ref} has no Slack channel (declared outside Slack)")

    # -- home.publish -------------------------------------------------------------------------

    async def publish_home(self, item: OutboxItem) -> dict[str, Any]:
        user, lang = item.payload["user"], item.payload.get("lang") or self.settings.language
        listing, mine = await self.runner.call(home_data, self.service, user)
        view = bk.home_view(listing, mine, lang, self.tz)
        await self.call("views.publish", user_id=user, view=view)
        return {"user": user}


def home_data(service: IncidentService, user: str) -> tuple[Any, list[tuple[Any, list[Any]]]]:
    """Open incidents (visible to ``user``) and, per incident, the open steps given to them."""
    listing = service.list_open(actor=user)
    mine = []
    for entry in listing.items:
        lines = [
            line
            for line in service.steps_view(entry.incident.ref).lines
            if line.step.is_open and line.assignee == user
        ]
        if lines:
            mine.append((entry.incident, lines))
    return listing, mine
