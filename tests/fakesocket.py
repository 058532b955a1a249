"""A fake Slack Socket Mode server: the websocket side of ``incidentbot run``.

Slack's Socket Mode, as the bot meets it: the app calls ``apps.connections.open`` on the Web
API (the fake Web API in :mod:`fakeslack` answers with :attr:`FakeSocketMode.url` when the two
are joined with ``fake.socket = sock``), opens that websocket, gets ``hello``, then receives
*envelopes* ``{"envelope_id", "type", "payload", "accepts_response_payload"}`` of the three
types ``slash_commands``, ``interactive`` and ``events_api``, and answers each with
``{"envelope_id": ..., "payload": ...}``: the ack. Like Slack, the fake

* matches acks to envelopes by ``envelope_id`` (an ack for an unknown id is recorded as stray);
* sends ``{"type": "disconnect", "reason": "refresh_requested"}`` on demand (Slack does so every
  few hours): the client must open a new URL and reconnect;
* redelivers every envelope not yet acknowledged to the next connection, with
  ``retry_attempt`` counted up (Slack retries unacknowledged events).

It runs on 127.0.0.1, port 0, in its own thread and loop (:meth:`FakeSocketMode.run_in_thread`),
so a test drives it with plain blocking calls whether the bot runs as a subprocess or in the
test's own event loop (then through ``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from aiohttp import WSMsgType, web
from fakeslack.server import serve_in_thread

TYPES = ("slash_commands", "interactive", "events_api")


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any] | None] = {}
        self.sent_at: dict[str, float] = {}  # time.perf_counter() when sent, and acked
        self.acked_at: dict[str, float] = {}
        self.sent: dict[str, dict[str, Any]] = {}
        self.stray: list[dict[str, Any]] = []
        self.connections = 0
        self.hellos = 0
        self._ids = itertools.count(1)
        self._tickets = itertools.count(1)
        self._cond = threading.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._base: str | None = None

    # -- life cycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        app = web.Application()
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base = f"ws://{host}:{port}/link/"

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @classmethod
    @contextlib.contextmanager
    def run_in_thread(cls) -> Iterator[FakeSocketMode]:
        with serve_in_thread(cls(), "fakesocket") as fake:
            yield fake

    @property
    def url(self) -> str:
        """A fresh URL, as ``apps.connections.open`` gives one per call."""
        if self._base is None:
            raise RuntimeError("FakeSocketMode is not started")
        return f"{self._base}?ticket={next(self._tickets)}"

    # -- the websocket

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        old, self._ws = self._ws, ws
        if old is not None and not old.closed:
            await old.close()
        with self._cond:
            self.connections += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A1"},
            }
        )
        with self._cond:
            self.hellos += 1
            unacked = [e for eid, e in self.sent.items() if eid not in self.acks]
            self._cond.notify_all()
        for envelope in unacked:  # redelivery, as Slack retries what was not acknowledged
            envelope["retry_attempt"] = envelope.get("retry_attempt", 0) + 1
            envelope["retry_reason"] = "timeout"
            await ws.send_json(envelope)
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                answer = json.loads(message.data)
            except ValueError:
                answer = {"raw": message.data}
            eid = answer.get("envelope_id") if isinstance(answer, dict) else None
            with self._cond:
                if eid in self.sent and eid not in self.acks:
                    self.acks[eid] = answer.get("payload")
                    self.acked_at[eid] = time.perf_counter()
                else:
                    self.stray.append(answer)
                self._cond.notify_all()
        if self._ws is ws:
            self._ws = None
        return ws

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    # -- what tests call (from any thread but the fake's own)

    def wait_connected(self, hellos: int = 1, timeout: float = 60) -> None:
        """Block until the bot has been greeted ``hellos`` times."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.hellos >= hellos, timeout):
                raise AssertionError(f"the bot did not connect ({self.hellos} hellos)")

    def send(self, kind: str, payload: dict[str, Any], *, accepts_response: bool = True) -> str:
        """Deliver one envelope to the connected bot; returns its ``envelope_id``."""
        if kind not in TYPES:
            raise ValueError(f"kind must be one of {TYPES}")
        eid = f"env-{next(self._ids):06d}"
        envelope: dict[str, Any] = {
            "envelope_id": eid,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response and kind != "events_api",
        }
        if kind == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        with self._cond:
            self.sent[eid] = envelope

        async def push() -> None:
            if self._ws is not None and not self._ws.closed:
                self.sent_at[eid] = time.perf_counter()
                with contextlib.suppress(ConnectionError):  # the bot is gone: redelivered later
                    await self._ws.send_json(envelope)

        self._run(push())
        return eid

    def send_many(self, kind: str, payloads: list[dict[str, Any]]) -> list[str]:
        """Deliver a burst of envelopes at once (for throughput): their ids, in order."""
        eids = [f"env-{next(self._ids):06d}" for _ in payloads]
        envelopes = [
            {"envelope_id": eid, "type": kind, "payload": p,
             "accepts_response_payload": kind != "events_api"}
            for eid, p in zip(eids, payloads, strict=True)
        ]  # fmt: skip
        with self._cond:
            self.sent.update({e["envelope_id"]: e for e in envelopes})

        async def push() -> None:
            assert self._ws is not None
            for envelope in envelopes:
                self.sent_at[envelope["envelope_id"]] = time.perf_counter()
                await self._ws.send_json(envelope)

        self._run(push())
        return eids

    def wait_ack(self, eid: str, timeout: float = 30) -> dict[str, Any] | None:
        """The ack's payload (None for a bare ack); AssertionError if none came in time."""
        with self._cond:
            if not self._cond.wait_for(lambda: eid in self.acks, timeout):
                raise AssertionError(f"envelope {eid} was not acknowledged")
            return self.acks[eid]

    def acked(self, eid: str) -> bool:
        with self._cond:
            return eid in self.acks

    def refresh(self) -> None:
        """Slack's ``disconnect`` (``refresh_requested``): the bot must reconnect elsewhere."""

        async def push() -> None:
            if self._ws is not None and not self._ws.closed:
                await self._ws.send_json(
                    {
                        "type": "disconnect",
                        "reason": "refresh_requested",
                        "debug_info": {"host": "fake"},
                    }
                )

        self._run(push())

    def drop(self) -> None:
        """Close the websocket from Slack's side, without a word."""

        async def close() -> None:
            if self._ws is not None:
                await self._ws.close()

        self._run(close())


def slash_payload(
    text: str, *, user: str, channel: str, response_url: str, trigger: str
) -> dict[str, Any]:
    """A slash command as Socket Mode carries it: the HTTP form's fields, as JSON."""
    return {
        "token": "legacy-verification-token",
        "team_id": "T1",
        "team_domain": "campaign",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/incident",
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger,
    }
