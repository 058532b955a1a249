"""The one background loop: delivers the outbox (and, later, sends reminders).

State lives in SQLite (:mod:`incidentbot.store.outbox`), so a restart resumes where it stopped.
The loop knows nothing about Slack: it is handed ``deliver(item)``, which performs one outbox
row and raises :class:`RetryLater`, :class:`GiveUp` or :class:`Fatal` to say how it failed.

* ``RetryLater(after=...)``: Slack said when (429 ``Retry-After``): the row waits exactly that
  long and the try is not counted. Without ``after`` (a 5xx, a timeout, a dropped connection):
  exponential back-off, ``base_delay * 2**attempts`` capped at ``max_delay``, and after
  ``max_attempts`` tries the row is given up with its last error.
* ``GiveUp``: a permanent refusal (``channel_not_found``, ``invalid_blocks``): recorded, and the
  lane moves on.
* ``Fatal``: the token was revoked (``invalid_auth``). Spinning would only hammer Slack: the loop
  stops, logs one line and ``fatal`` is set; the command line exits non-zero.

Rows of different lanes are delivered concurrently, each lane in order (see the outbox module).
:meth:`Scheduler.tick` is the seam for periodic work: it is called with the time, once a wake-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from incidentbot.runner import ServiceRunner
from incidentbot.store import Store, outbox
from incidentbot.store.outbox import OutboxItem

log = logging.getLogger(__name__)


class RetryLater(Exception):
    def __init__(self, error: str, *, after: float | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.after = after


class GiveUp(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Fatal(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


Deliver = Callable[[OutboxItem], Awaitable[dict[str, Any] | None]]


class Scheduler:
    def __init__(
        self,
        *,
        runner: ServiceRunner,
        store: Store,
        deliver: Deliver,
        clock: Callable[[], datetime],
        base_delay: float = 2.0,
        max_delay: float = 300.0,
        max_attempts: int = 12,
        idle_wait: float = 30.0,
    ) -> None:
        self.runner = runner
        self.store = store
        self.deliver = deliver
        self.clock = clock
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.idle_wait = idle_wait
        self.fatal: Fatal | None = None
        self.on_fatal: list[Callable[[Fatal], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._stopping = False
        self._ticking = asyncio.Lock()

    # -- the seam ------------------------------------------------------------------------

    async def tick(self, now: datetime) -> int:
        """Everything due at ``now``: for now the outbox. Returns the rows delivered.

        Ticks never overlap (the loop, a shutdown pass and a test's settle may all call it),
        so a row is never delivered twice by two ticks at once.
        """
        async with self._ticking:
            return await self.deliver_due(now)

    # -- the outbox ----------------------------------------------------------------------

    async def deliver_due(self, now: datetime, *, rounds: int = 50) -> int:
        delivered = 0
        for _ in range(rounds):
            if self.fatal is not None:
                break
            items = await self.runner.call(outbox.due, self.store, now)
            if not items:
                break
            results = await asyncio.gather(*(self._one(item, now) for item in items))
            delivered += sum(results)
            if not any(results):
                break
        return delivered

    async def _one(self, item: OutboxItem, now: datetime) -> bool:
        try:
            result = await self.deliver(item)
        except RetryLater as exc:
            if exc.after is not None:
                when = now + timedelta(seconds=max(exc.after, 0.0))
                log.info("%s: %s deferred %ss (%s)", _who(item), item.method, exc.after, exc.error)
                await self.runner.call(
                    outbox.mark_failed,
                    self.store,
                    item.id,
                    next_try_at=when,
                    error=exc.error,
                    count=False,
                )
                return False
            attempts = item.attempts + 1
            retry_at: datetime | None = None
            if attempts < self.max_attempts:
                delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1))
                retry_at = now + timedelta(seconds=delay)
                log.warning(
                    "%s: %s failed (%s); try %d again in %ss",
                    _who(item),
                    item.method,
                    exc.error,
                    attempts + 1,
                    delay,
                )
            else:
                log.error(
                    "%s: %s given up after %d tries: %s",
                    _who(item),
                    item.method,
                    attempts,
                    exc.error,
                )
            await self.runner.call(
                outbox.mark_failed, self.store, item.id, next_try_at=retry_at, error=exc.error
            )
            return False
        except GiveUp as exc:
            log.error("%s: %s refused by Slack: %s", _who(item), item.method, exc.error)
            await self.runner.call(
                outbox.mark_failed, self.store, item.id, next_try_at=None, error=exc.error
            )
            return False
        except Fatal as exc:
            self._fatal(exc)
            return False
        await self.runner.call(
            outbox.mark_delivered, self.store, item.id, now=self.clock(), result=result
        )
        return True

    def _fatal(self, exc: Fatal) -> None:
        if self.fatal is None:
            self.fatal = exc
            log.critical("Slack refused the bot token (%s); stopping.", exc.error)
            for callback in self.on_fatal:
                callback(exc)
        self.stop()

    def report_fatal(self, error: str) -> None:
        """A front end met a revoked token outside the outbox: stop the same way."""
        self._fatal(Fatal(error))

    # -- the loop ------------------------------------------------------------------------

    def wake(self) -> None:
        """Deliver now (callable from any thread, e.g. the service's worker thread)."""
        loop, event = self._loop, self._event
        if loop is not None and event is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    async def run(self) -> None:
        """Tick until :meth:`stop` or a fatal error; sleeps until the next due row or a wake."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._stopping = False
        while not self._stopping:
            self._event.clear()
            try:
                await self.tick(self.clock())
            except Exception:  # a bug must not kill the loop; the rows stay queued
                log.exception("scheduler tick failed")
            if self._stopping:
                break
            wait = self.idle_wait
            upcoming = await self.runner.call(outbox.next_try, self.store)
            if upcoming is not None:
                wait = min(wait, max((upcoming - self.clock()).total_seconds(), 0.0))
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._event.wait(), wait)


def _who(item: OutboxItem) -> str:
    return item.incident or item.channel or item.key
