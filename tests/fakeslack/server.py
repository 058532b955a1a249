"""The fake Web API server: it records every call, keeps just enough workspace state for the
bot (channels, messages, views, files), checks Block Kit payloads (:mod:`fakeslack.blockkit`)
and fails on demand with Slack's own error shapes: ``{"ok": false, "error": ...}``, HTTP 429
with ``Retry-After``, 500s and held responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web

from fakeslack.blockkit import message_errors, view_errors
from fakeslack.spec import (
    BOT_ID,
    BOT_USER,
    TEAM_ID,
    TEAM_URL,
    Call,
    SlackError,
    load_methods,
)

# ---------------------------------------------------------------------------- the server

# A missing argument is reported with Slack's own error when the method's spec lists it.
_MISSING_ERRORS = {
    "channel": "channel_not_found",
    "user": "user_not_found",
    "users": "no_user",
    "ts": "message_not_found",
    "message_ts": "message_not_found",
    "timestamp": "no_item_specified",
    "name": "invalid_name",
}
_JSON_ARGS = ("blocks", "view", "attachments", "files", "metadata")
_FAILURE_KINDS = ("500", "429", "timeout")
_ALL_KINDS = (*_FAILURE_KINDS, "late")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")
_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")


@dataclass
class _Failure:
    kind: str  # "error", "429", "timeout", "late" (carried out, then a timeout), "hold", "hold_answer" (carried out, answered on release)
    error: str = "internal_error"
    status: int = 500
    retry_after: int = 1


@dataclass
class _FailureRate:
    rate: float
    rng: random.Random
    kinds: tuple[str, ...]
    retry_after: int


@dataclass
class _Injections:
    queued: dict[str, deque[_Failure]] = field(default_factory=dict)
    rate: _FailureRate | None = None


class _Served(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


_S = TypeVar("_S", bound=_Served)


@contextlib.contextmanager
def serve_in_thread(fake: _S, name: str) -> Iterator[_S]:
    """Start ``fake`` on an event loop of its own in a background thread, for synchronous
    callers (a bot run as a subprocess, a blocking test); stop both on the way out."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name=name, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(fake.start(), loop).result()
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


class FakeSlack:
    """The fake Web API: ``await start()``, aim a client at ``f"{url}/api/"``, ``await stop()``.

    State a test reads or seeds: ``channels`` (id -> name, topic, is_private, members, pins,
    is_archived), ``messages`` (channel id -> list of messages, oldest first), ``ephemerals``,
    ``views`` (id -> view), ``home`` (user -> view), ``users`` (id -> profile fields),
    ``files`` (id -> title, filename, content, channel_id, initial_comment), ``responses``
    (response_url id -> list of posted bodies), ``calls``.

    An unknown channel id that looks like one (``C…``, ``G…``, ``D…``) is taken as an existing
    channel the bot is in, unless ``strict_channels`` is set; a user id as channel opens a DM.
    """

    def __init__(
        self,
        *,
        spec: Literal["auto", "builtin"] | Path = "auto",
        timeout_delay: float = 5.0,
        strict_channels: bool = False,
    ) -> None:
        self.methods, self.spec_source = load_methods(spec)
        self.timeout_delay = timeout_delay
        self.strict_channels = strict_channels
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.expired_triggers: set[str] = set()
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._closing: asyncio.Event | None = None
        self._release: asyncio.Event | None = None
        self._answered: asyncio.Event | None = None
        self._holding: list[str] = []
        self._progress = threading.Condition()
        self.reset()

    # -- lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{response_id}", self._response)
        app.router.add_get("/files/{file_id}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._stray)
        self._closing = asyncio.Event()
        self._release = asyncio.Event()
        self._answered = asyncio.Event()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        self.release_held()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @classmethod
    @contextlib.contextmanager
    def run_in_thread(cls, **kwargs: Any) -> Iterator[FakeSlack]:
        """Serve from a background thread with its own event loop, for synchronous callers."""
        with serve_in_thread(cls(**kwargs), "fakeslack") as fake:
            yield fake

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("FakeSlack is not started: call `await fake.start()` first")
        return self._url

    def response_url(self, response_id: str) -> str:
        return f"{self.url}/response/{response_id}"

    # -- what tests read and set

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    def clear(self) -> None:
        """Forget the recorded calls; the workspace state stays."""
        self.calls.clear()

    def reset(self) -> None:
        """Forget calls, workspace state and pending failures (the user table stays)."""
        self.calls.clear()
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.response_times: dict[str, list[float]] = {}  # when each answer arrived (time.time)
        self.revoked = False
        self.app_token_revoked = False
        self.socket: Any = None  # a FakeSocketMode whose URL apps.connections.open gives
        self._seq = 0
        with self._lock:
            self._injections = _Injections()

    def add_channel(
        self,
        name: str,
        *,
        members: tuple[str, ...] = (BOT_USER,),
        is_private: bool = False,
        creator: str = "U0ADMIN0",
    ) -> str:
        """Seed a channel the workspace already has (made by ``creator``); returns its id."""
        cid = self._new_id("C")
        self.channels[cid] = {
            "name": name,
            "creator": creator,
            "topic": "",
            "is_private": is_private,
            "members": list(members),
            "pins": [],
            "is_archived": False,
        }
        self.messages[cid] = []
        return cid

    def fail_next(
        self, method: str, error: str = "internal_error", status: int = 500, count: int = 1
    ) -> None:
        """The next ``count`` calls to ``method`` answer ``{"ok": false, "error": error}``."""
        self._queue(method, _Failure("error", error, status), count)

    def answer_late_next(self, method: str, count: int = 1) -> None:
        """The next ``count`` calls to ``method`` are carried out, but answered 504
        ``request_timeout`` after ``timeout_delay``: the caller cannot tell they landed."""
        self._queue(method, _Failure("late", "request_timeout", 504), count)

    def hold_next(self, method: str) -> None:
        """The next call to ``method`` waits, unanswered, until :meth:`release_held`."""
        self._queue(method, _Failure("hold"), 1)

    def hold_answer_next(self, method: str) -> None:
        """The next call to ``method`` is carried out when it arrives (a list is read as it is
        then), but its answer waits until :meth:`release_held`: an answer slow on the way."""
        self._queue(method, _Failure("hold_answer"), 1)

    def held(self) -> list[str]:
        """The methods whose calls are being held right now."""
        return list(self._holding)

    def release_held(self) -> None:
        if self._release is not None:
            self._release.set()

    def wait_until(self, done: Any, timeout: float = 60) -> None:
        """From another thread: block until ``done()`` is true, woken by each call or answer
        posted to a response URL (for a bot running as a subprocess)."""
        with self._progress:
            if not self._progress.wait_for(done, timeout):
                raise AssertionError("what the test waited for did not happen")

    async def wait_for_call(self) -> None:
        """Return after the next call this fake answers or holds (no polling, no sleeping)."""
        if self._answered is None:
            raise RuntimeError("FakeSlack is not started")
        self._answered.clear()
        await self._answered.wait()

    def rate_limit_next(self, method: str, retry_after: int = 1, count: int = 1) -> None:
        """The next ``count`` calls to ``method`` answer 429 ``ratelimited`` with Retry-After."""
        self._queue(method, _Failure("429", "ratelimited", 429, retry_after), count)

    def set_failure_rate(
        self,
        rate: float,
        seed: int = 0,
        kinds: tuple[str, ...] = _FAILURE_KINDS,
        retry_after: int = 1,
    ) -> None:
        """Fail a share of all calls, the same ones for the same seed and call order.

        A "timeout" holds the answer ``timeout_delay`` seconds, then answers 504
        ``request_timeout`` without performing the call; a "late" one (not in the default
        kinds) performs the call first, as Slack does when only its answer is lost. ``set_failure_rate(0)`` recovers.
        """
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        unknown = set(kinds) - set(_ALL_KINDS)
        if unknown or not kinds:
            raise ValueError(f"kinds must be taken from {_ALL_KINDS}, got {kinds}")
        with self._lock:
            self._injections.rate = (
                _FailureRate(rate, random.Random(seed), tuple(kinds), retry_after) if rate else None
            )

    def revoke_token(self) -> None:
        """From now on every call answers ``invalid_auth`` (until ``restore_token()``)."""
        self.revoked = True

    def restore_token(self) -> None:
        self.revoked = False

    def revoke_app_token(self) -> None:
        """``apps.connections.open`` answers ``invalid_auth`` from now on (the xapp- token)."""
        self.app_token_revoked = True

    def _queue(self, method: str, failure: _Failure, count: int) -> None:
        if method not in self.methods:
            raise ValueError(f"unknown Slack method {method!r}: write it as in 'chat.postMessage'")
        with self._lock:
            self._injections.queued.setdefault(method, deque()).extend([failure] * count)

    def _next_failure(self, method: str) -> _Failure | None:
        with self._lock:
            queued = self._injections.queued.get(method)
            if queued:
                return queued.popleft()
            rate = self._injections.rate
            if rate is None:
                return None
            draw, kind = rate.rng.random(), rate.rng.choice(rate.kinds)
        if draw >= rate.rate:
            return None
        if kind in ("timeout", "late"):
            return _Failure(kind, "request_timeout", 504)
        if kind == "429":
            return _Failure("429", "ratelimited", 429, rate.retry_after)
        return _Failure("error")

    # -- HTTP

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        at = time.time()
        try:
            args = await _read_args(request)
        except SlackError as e:
            self.calls.append(Call(method, {}, _bearer(request), at))
            return e.response()
        token = _bearer(request) or args.pop("token", None)
        args.pop("token", None)
        self.calls.append(Call(method, args, token, at))
        try:
            return await self._answer(method, args, token)
        except SlackError as e:
            return e.response()
        finally:
            if self._answered is not None:
                self._answered.set()
            with self._progress:
                self._progress.notify_all()

    async def _answer(self, method: str, args: dict[str, Any], token: str | None) -> web.Response:
        spec = self.methods.get(method)
        if spec is None:
            raise SlackError("unknown_method", status=404)
        if not token:
            raise SlackError("not_authed")
        if method == "apps.connections.open":
            if self.app_token_revoked or not token.startswith("xapp-"):
                raise SlackError("invalid_auth")
        elif self.revoked:
            raise SlackError("invalid_auth")
        failure = self._next_failure(method)
        if failure is not None and failure.kind == "hold":
            await self._hold(method)
            failure = None
        answer_later = failure is not None and failure.kind == "hold_answer"
        if answer_later:
            failure = None
        if failure is not None and failure.kind != "late":
            return await self._fail(failure)
        for name in spec.required:
            if args.get(name) in (None, ""):
                error = _MISSING_ERRORS.get(name)
                if error in spec.errors:
                    raise SlackError(error)
                raise SlackError("invalid_arguments", (f"missing required field: {name}",))
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        result = handler(args) if handler is not None else {}
        if failure is not None:  # "late": done, but the answer is lost
            return await self._fail(_Failure("timeout", failure.error, failure.status))
        if answer_later:
            await self._hold(method)
        return web.json_response({"ok": True, **result})

    async def _hold(self, method: str) -> None:
        if self._release is None:
            return
        self._holding.append(method)
        if self._answered is not None:
            self._answered.set()  # a held call is news too (wait_for_call)
        await self._release.wait()
        self._holding.remove(method)

    async def _fail(self, failure: _Failure) -> web.Response:
        headers = {}
        if failure.kind == "429":
            headers["Retry-After"] = str(failure.retry_after)
        elif failure.kind == "timeout" and self._closing is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.timeout_delay)
        body = {"ok": False, "error": failure.error}
        return web.json_response(body, status=failure.status, headers=headers)

    async def _upload(self, request: web.Request) -> web.Response:
        entry = self.files.get(request.match_info["file_id"])
        if entry is None:
            return web.Response(status=404, text="file not found")
        if request.content_type.startswith("multipart/"):
            parts = (await request.post()).values()
            content = next((p.file.read() for p in parts if isinstance(p, web.FileField)), b"")
        else:
            content = await request.read()
        entry["content"] = content
        entry["uploaded"] = True
        return web.Response(text=f"OK - {len(content)}")

    async def _download(self, request: web.Request) -> web.Response:
        entry = self.files.get(request.match_info["file_id"])
        if entry is None:
            return web.Response(status=404, text="file not found")
        return web.Response(body=entry["content"], content_type="application/octet-stream")

    async def _response(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"}, status=400)
        error = message_errors(body) if isinstance(body, dict) else SlackError("json_not_object")
        if error is not None:
            error.status = 400
            return error.response()
        self.responses.setdefault(request.match_info["response_id"], []).append(body)
        self.response_times.setdefault(request.match_info["response_id"], []).append(time.time())
        with self._progress:
            self._progress.notify_all()
        return web.json_response({"ok": True})

    async def _stray(self, request: web.Request) -> web.Response:
        detail = (
            f"no route {request.path}: aim the client at base_url=f'{{fake.url}}/api/' "
            "(the trailing slash matters)"
        )
        return web.json_response({"ok": False, "error": "not_found", "detail": detail}, status=404)

    # -- state helpers

    def _new_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _new_ts(self) -> str:
        self._seq += 1
        return f"{1_700_000_000 + self._seq // 1_000_000}.{self._seq % 1_000_000:06d}"

    def _channel(self, ref: Any) -> str:
        ref = str(ref or "")
        if ref in self.channels:
            return ref
        name = ref.removeprefix("#")
        for cid, ch in self.channels.items():
            if ch["name"] == name:
                return cid
        if _USER_ID.fullmatch(ref):
            ref = "D" + ref[1:]
        if _CHANNEL_ID.fullmatch(ref) and not (self.strict_channels and ref[0] != "D"):
            self.channels[ref] = {
                "name": ref.lower(),
                "topic": "",
                "is_private": ref[0] != "C",
                "members": [BOT_USER],
                "pins": [],
                "is_archived": False,
            }
            self.messages[ref] = []
            return ref
        raise SlackError("channel_not_found")

    def _channel_object(self, cid: str) -> dict[str, Any]:
        ch = self.channels[cid]
        return {
            "id": cid,
            "name": ch["name"],
            "creator": ch.get("creator", "U0ADMIN0"),
            "is_channel": cid[0] == "C",
            "is_im": cid[0] == "D",
            "is_private": ch["is_private"],
            "is_archived": ch["is_archived"],
            "is_member": BOT_USER in ch["members"],
            "num_members": len(ch["members"]),
            "topic": {"value": ch["topic"], "creator": BOT_USER, "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    def _message(self, cid: str, ts: Any) -> dict[str, Any]:
        for message in self.messages.get(cid, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def _writable(self, args: dict[str, Any]) -> str:
        cid = self._channel(args.get("channel"))
        if self.channels[cid]["is_archived"]:
            raise SlackError("is_archived")
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        error = message_errors(args)
        if error is not None:
            raise error
        return cid

    def _view(
        self,
        view: Any,
        *,
        kinds: tuple[str, ...] = ("modal", "home"),
        view_id: str | None = None,
        previous: str | None = None,
    ) -> dict[str, Any]:
        error = view_errors(view, kinds=kinds)
        if error is not None:
            raise error
        view_id = view_id or self._new_id("V")
        stored = {
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": "A1",
            "bot_id": BOT_ID,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "hash": self._new_id("h"),
            "root_view_id": view_id,
            "previous_view_id": previous,
            **view,
        }
        self.views[view_id] = stored
        return stored

    # -- methods: each returns the answer's fields besides "ok", or raises SlackError

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": TEAM_URL,
            "team": "Campaign",
            "user": "incidentbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args.get("name") or "")
        if not name:
            raise SlackError("invalid_name_required")
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if not _CHANNEL_NAME.fullmatch(name):
            raise SlackError("invalid_name_specials")
        if not re.search(r"[a-z0-9]", name):
            raise SlackError("invalid_name_punctuation")
        if any(ch["name"] == name for ch in self.channels.values()):
            raise SlackError("name_taken")
        cid = self.add_channel(name, is_private=_flag(args.get("is_private")), creator=BOT_USER)
        return {"channel": self._channel_object(cid)}

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        types = set(str(args.get("types") or "public_channel").split(","))
        found = [
            self._channel_object(cid)
            for cid, ch in self.channels.items()
            if cid[0] in "CG"
            and ("private_channel" if ch["is_private"] else "public_channel") in types
            and not (_flag(args.get("exclude_archived")) and ch["is_archived"])
        ]
        page, cursor = _page(found, args)
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("no_user")
        if BOT_USER in users:
            raise SlackError("cant_invite_self")
        if any(not _USER_ID.fullmatch(u) for u in users):
            raise SlackError("user_not_found")
        members = self.channels[cid]["members"]
        if all(u in members for u in users):
            raise SlackError("already_in_channel")
        members.extend(u for u in users if u not in members)
        return {"channel": self._channel_object(cid)}

    def _m_conversations_setTopic(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        topic = str(args.get("topic") or "")
        if len(topic) > 250:
            raise SlackError("too_long")
        self.channels[cid]["topic"] = topic
        return {"channel": self._channel_object(cid)}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_object(self._channel(args.get("channel")))}

    def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        members = self.channels[cid]["members"]
        answer: dict[str, Any] = {}
        if BOT_USER in members:
            answer = {
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        else:
            members.append(BOT_USER)
        return {"channel": self._channel_object(cid), **answer}

    def _m_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        if self.channels[cid]["is_archived"]:
            raise SlackError("already_archived")
        self.channels[cid]["is_archived"] = True
        return {}

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.channels[self._channel(args.get("channel"))]["members"]
        page, cursor = _page(members, args)
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        latest, oldest = float(args.get("latest") or "inf"), float(args.get("oldest") or 0)
        found = [
            m
            for m in reversed(self.messages[cid])
            if (m.get("thread_ts") in (None, m["ts"]) or m.get("reply_broadcast"))
            and oldest <= float(m["ts"]) <= latest
        ]
        if not _flag(args.get("include_all_metadata")):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        page, cursor = _page(found, args)
        return {
            "messages": page,
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        parent = next((m for m in self.messages[cid] if m["ts"] == args.get("ts")), None)
        if parent is None:
            raise SlackError("thread_not_found")
        found = [m for m in self.messages[cid] if m is parent or m.get("thread_ts") == parent["ts"]]
        page, cursor = _page(found, args)
        return {
            "messages": page,
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._writable(args)
        message = {
            "type": "message",
            "ts": self._new_ts(),
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
            "thread_ts": args.get("thread_ts") or None,
            "reply_broadcast": _flag(args.get("reply_broadcast")),
        }
        if args.get("attachments"):
            message["attachments"] = args["attachments"]
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata:
            message["metadata"] = metadata
        self.messages[cid].append(message)
        return {"channel": cid, "ts": message["ts"], "message": dict(message)}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._writable(args)
        ts = self._new_ts()
        self.ephemerals.append(
            {
                "channel": cid,
                "user": args["user"],
                "ts": ts,
                "text": args.get("text", ""),
                "blocks": args.get("blocks") or [],
                "thread_ts": args.get("thread_ts") or None,
            }
        )
        return {"message_ts": ts}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        message = self._message(cid, args.get("ts"))
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        error = message_errors(args)
        if error is not None:
            raise error
        for key in ("text", "blocks", "attachments"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": BOT_USER, "ts": self._new_ts()}
        return {
            "channel": cid,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": dict(message),
        }

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        self.messages[cid].remove(self._message(cid, args.get("ts")))
        return {"channel": cid, "ts": args.get("ts")}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        message = self._message(cid, args.get("message_ts"))
        link = f"{TEAM_URL}archives/{cid}/p{message['ts'].replace('.', '')}"
        if message.get("thread_ts") not in (None, message["ts"]):
            link += f"?thread_ts={message['thread_ts']}&cid={cid}"
        return {"channel": cid, "permalink": link}

    def _m_pins_add(self, args: dict[str, Any]) -> dict[str, Any]:
        cid = self._channel(args.get("channel"))
        if not args.get("timestamp"):
            raise SlackError("no_item_specified")
        ts = self._message(cid, args["timestamp"])["ts"]
        pins = self.channels[cid]["pins"]
        if ts in pins:
            raise SlackError("already_pinned")
        pins.append(ts)
        return {}

    def _m_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._message(self._channel(args.get("channel")), args.get("timestamp"))
        name = str(args["name"])
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                raise SlackError("already_reacted")
        reactions.append({"name": name, "users": [BOT_USER], "count": 1})
        return {}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["trigger_id"] in self.expired_triggers:
            raise SlackError("expired_trigger_id")
        return {"view": self._view(args["view"], kinds=("modal",))}

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["trigger_id"] in self.expired_triggers:
            raise SlackError("expired_trigger_id")
        return {"view": self._view(args["view"], kinds=("modal",))}

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (k for k, v in self.views.items() if v.get("external_id") == args["external_id"]),
                None,
            )
            if view_id is None:
                raise SlackError("not_found")
        if not view_id:
            raise SlackError("invalid_arguments", ("must provide view_id or external_id",))
        old = self.views.get(view_id)
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        if "view" not in args:
            raise SlackError("invalid_arguments", ("missing required field: view",))
        view = self._view(
            args["view"], kinds=(old["type"],), view_id=view_id, previous=old["previous_view_id"]
        )
        if old["type"] == "home":
            self.home.update({u: view for u, v in self.home.items() if v["id"] == view_id})
        return {"view": view}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args["user_id"])
        old = self.home.get(user)
        if old is not None and args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        view = self._view(args["view"], kinds=("home",), view_id=old["id"] if old else None)
        self.home[user] = view
        return {"view": view}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.socket is None:
            raise SlackError("internal_error", ("no fake Socket Mode server is attached",))
        return {"url": self.socket.url}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user") or "")
        if uid == BOT_USER:
            found: dict[str, Any] = {
                "name": "incidentbot",
                "real_name": "Incident bot",
                "is_bot": True,
                "tz": "UTC",
                "locale": "en-US",
            }
        elif uid in self.users:
            found = dict(self.users[uid])
        else:
            raise SlackError("user_not_found")
        if not _flag(args.get("include_locale")):
            found.pop("locale", None)
        if "tz_offset" not in found:
            zone = ZoneInfo(found.get("tz", "UTC"))
            offset = datetime.now(UTC).astimezone(zone).utcoffset()
            found["tz_offset"] = int(offset.total_seconds()) if offset else 0
        name = found.get("name", uid.lower())
        user = {
            "id": uid,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name,
            "is_bot": False,
            "deleted": False,
            "tz": "UTC",
            **found,
        }
        user.setdefault("profile", {"real_name": user["real_name"], "display_name": name})
        return {"user": user}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(args["length"])
        except ValueError:
            raise SlackError("invalid_arguments", ("length must be a number",)) from None
        file_id = self._new_id("F")
        self.files[file_id] = {
            "title": None,
            "filename": str(args["filename"]),
            "content": b"",
            "length": length,
            "channel_id": None,
            "initial_comment": None,
            "uploaded": False,
        }
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        items = args["files"]
        if not isinstance(items, list) or not all(isinstance(f, dict) for f in items):
            raise SlackError("invalid_arguments", ("files must be a JSON array of objects",))
        for item in items:
            entry = self.files.get(str(item.get("id")))
            if entry is None or not entry["uploaded"]:
                raise SlackError("file_not_found")
        channel = args.get("channel_id") or str(args.get("channels") or "").split(",")[0]
        cid = self._channel(channel) if channel else None
        done = []
        for item in items:
            entry = self.files[item["id"]]
            entry.update(
                title=item.get("title") or entry["filename"],
                channel_id=cid,
                initial_comment=args.get("initial_comment"),
                thread_ts=args.get("thread_ts"),
            )
            done.append(self._file_object(item["id"]))
        if cid is not None:
            self.messages[cid].append(
                {
                    "type": "message",
                    "ts": self._new_ts(),
                    "user": BOT_USER,
                    "bot_id": BOT_ID,
                    "text": args.get("initial_comment") or "",
                    "blocks": [],
                    "thread_ts": args.get("thread_ts") or None,
                    "files": done,
                }
            )
        return {"files": done}

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args.get("file")) not in self.files:
            raise SlackError("file_not_found")
        return {"file": self._file_object(str(args["file"]))}

    def _file_object(self, file_id: str) -> dict[str, Any]:
        entry = self.files[file_id]
        return {
            "id": file_id,
            "name": entry["filename"],
            "title": entry["title"],
            "size": len(entry["content"]),
            "user": BOT_USER,
            "channels": [entry["channel_id"]] if entry["channel_id"] else [],
            "url_private": f"{self.url}/files/{file_id}",
        }


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Query string, then the body (JSON or form); JSON strings in form fields decoded."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise SlackError("invalid_json") from None
            if not isinstance(body, dict):
                raise SlackError("json_not_object")
            args.update(body)
        else:
            for key, value in (await request.post()).items():
                args[key] = value.file.read() if isinstance(value, web.FileField) else value
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _page(items: list[Any], args: dict[str, Any]) -> tuple[list[Any], str]:
    start = int(args.get("cursor") or 0)
    limit = int(args.get("limit") or 100) or 100
    end = start + limit
    return items[start:end], str(end) if end < len(items) else ""
