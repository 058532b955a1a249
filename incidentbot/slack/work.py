"""The work a listener starts after its ack, registered with the request that caused it.

Slack wants an answer within 3 seconds and retries after; the bot answers at once and does the
work in a task. So that an ack still means "recorded", the transport opens a
:meth:`Work.request` around each dispatch: every task started while bolt handles that request
is registered with it, and the transport may then wait (a bounded time) for exactly those
tasks, i.e. for their commit, before it lets the ack go. HTTP mode does this in
:func:`incidentbot.slack.server.slack_handler`; Socket Mode can wrap its dispatch the same way.
The registration travels in a :class:`contextvars.ContextVar`, which bolt's dispatch (the same
asyncio task when ``process_before_response`` is on) carries to the listener.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

log = logging.getLogger(__name__)


class RequestWork:
    """The tasks one Slack request started after its ack."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[bool]] = []

    async def committed(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for this request's work: True once all of it is
        recorded, False when some still runs after ``timeout`` or could not be recorded (the
        database refused the write: disk full, a damaged file)."""
        if not self.tasks:
            return True
        _, late = await asyncio.wait(self.tasks, timeout=timeout)
        if late:
            return False
        return all(task.result() for task in self.tasks)

    async def recorded(self, timeout: float) -> bool:
        """Like :meth:`committed`, but work still running after ``timeout`` counts as recorded:
        only a refusal by the database is a "not recorded" (the ack must not wait for ever)."""
        if not self.tasks:
            return True
        done, _ = await asyncio.wait(self.tasks, timeout=timeout)
        return all(task.result() for task in done)


_current: contextvars.ContextVar[RequestWork | None] = contextvars.ContextVar(
    "incidentbot_slack_request_work", default=None
)


class Work:
    """Every task started after an ack: kept so that the transport, tests and shutdown can
    wait for them; a failure is logged (and handed to ``on_error``), never lost silently."""

    def __init__(self, *, on_error: Callable[[BaseException], bool] | None = None) -> None:
        self._tasks: set[asyncio.Task[bool]] = set()
        self._on_error = on_error

    def start(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[bool]:
        """Run ``coro`` now in a task, registered with the current request if there is one."""
        task = asyncio.ensure_future(self._guard(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        request = _current.get()
        if request is not None:
            request.tasks.append(task)
        return task

    @contextlib.contextmanager
    def request(self) -> Iterator[RequestWork]:
        """Register the work started while handling one request (see the module's doc)."""
        started = RequestWork()
        token = _current.set(started)
        try:
            yield started
        finally:
            _current.reset(token)

    @property
    def pending(self) -> bool:
        return bool(self._tasks)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for every task started so far (and those they start), up to ``timeout``."""
        while self._tasks:
            _, late = await asyncio.wait(list(self._tasks), timeout=timeout)
            if late:
                return

    async def _guard(self, coro: Coroutine[Any, Any, None]) -> bool:
        """Run one piece of work; False when the database could not record it."""
        try:
            await coro
        except sqlite3.Error as exc:
            log.error("work after an ack was not recorded: %s", exc)
            return False
        except Exception as exc:
            if self._on_error is None or not self._on_error(exc):
                log.exception("work after an ack failed")
        return True
