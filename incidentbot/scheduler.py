"""The one background loop: sends the reminders that are due and delivers the outbox.

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

**Reminders** (:mod:`incidentbot.reminders`) are turned into outbox rows in the tick: each due
reminder is claimed and its messages queued in *one* transaction, so a crash between the two
cannot send a reminder twice nor claim one that is never sent. The rows are keyed
``reminder:{ref}:{item}:{point}`` (plus ``:dm`` for the owner's copy). The first tick after a
start sends, once, what fell due while the bot was down (marked late by the reminders module);
later ticks look again at most every ``reminder_every`` seconds of clock time, because a wake-up
comes with every command and walking every open incident each time would be wasted work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from incidentbot.runner import ServiceRunner
from incidentbot.service import reminders
from incidentbot.store import Store, outbox
from incidentbot.store.outbox import OutboxItem

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

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

ReminderMessage = Callable[[reminders.Reminder, str], dict[str, Any]]
"""A reminder in the reader's language as a chat message (the front end's: Block Kit)."""
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


class Scheduler:
    def __init__(
        self,
        *,
        runner: ServiceRunner,
        store: Store,
        deliver: Deliver,
        clock: Callable[[], datetime],
        reminder_message: ReminderMessage,
        base_delay: float = 2.0,
        max_delay: float = 300.0,
        max_attempts: int = 12,
        idle_wait: float = 30.0,
        reminder_points: Sequence[str] = ("24h", "6h", "1h", "0h"),
        reminder_every: float = 30.0,
    ) -> None:
        self.runner = runner
        self.store = store
        self.deliver = deliver
        self.clock = clock
        self.reminder_message = reminder_message
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.idle_wait = idle_wait
        self.reminder_points = tuple(reminder_points)
        self.reminder_every = reminder_every
        self._reminded_at: datetime | None = None
        self.fatal: Fatal | None = None
        self.on_fatal: list[Callable[[Fatal], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._stopping = False
        self._ticking = asyncio.Lock()

    # -- the seam ------------------------------------------------------------------------

    async def tick(self, now: datetime) -> int:
        """Everything due at ``now``: reminders queued, then the outbox. Returns rows delivered.

        Ticks never overlap (the loop, a shutdown pass and a test's settle may all call it),
        so a row is never delivered twice by two ticks at once.
        """
        async with self._ticking:
            last = self._reminded_at
            if self.fatal is None and (
                last is None or (now - last).total_seconds() >= self.reminder_every
            ):
                self._reminded_at = now
                try:
                    await self.runner.call(self.queue_reminders, now)
                except Exception:  # a bad incident must not stop the outbox from draining
                    log.exception("reminders could not be queued")
            return await self.deliver_due(now)

    # -- reminders -----------------------------------------------------------------------

    def queue_reminders(self, now: datetime) -> int:
        """Claim each due reminder and queue its messages (on the worker thread)."""
        service = self.runner.service
        queued = 0
        for reminder in service.due_reminders(now, config=self.reminder_points):
            with self.store.transaction():
                if not service.claim_reminder(reminder, now, config=self.reminder_points):
                    continue
                self._queue_reminder(service, reminder, now)
            queued += 1
            log.info("%s: reminder %s at %s queued", reminder.incident, reminder.item,
                     reminder.point)  # fmt: skip
        return queued

    def _queue_reminder(
        self, service: IncidentService, reminder: reminders.Reminder, now: datetime
    ) -> None:
        incident = service.incident(reminder.incident)
        key = f"reminder:{reminder.incident}:{reminder.item}:{reminder.point}"
        message = self.reminder_message(reminder, incident.language)
        outbox.enqueue(
            self.store,
            key=key,
            incident=reminder.incident,
            channel=None,
            method="incident.message",
            payload={"ref": reminder.incident, "message": message},
            now=now,
        )
        owner = reminder.owner
        if owner and _SLACK_USER.fullmatch(owner):
            outbox.enqueue(
                self.store,
                key=f"{key}:dm",
                incident=None,
                channel=owner,
                method="chat.postMessage",
                payload={"channel": owner, **message},
                now=now,
            )

    # -- the outbox ----------------------------------------------------------------------

    async def deliver_due(self, now: datetime, *, limit: int = 500) -> int:
        """Deliver what is due, each lane on its own: a lane's next row starts as soon as its
        head is done, and a call that hangs holds back only its own lane. Rows queued while
        this runs (a wake-up) are taken too. Each row is tried at most once a tick."""
        delivered = 0
        running: dict[str, asyncio.Task[bool]] = {}
        tried: set[int] = set()
        woken = self._event
        while self.fatal is None and len(tried) < limit:
            if woken is not None:
                woken.clear()
            at = max(now, self.clock())
            items = await self.runner.call(outbox.due, self.store, at, busy=set(running))
            for item in items:
                if item.id in tried or item.lane in running:
                    continue
                tried.add(item.id)
                running[item.lane] = asyncio.ensure_future(self._one(item, at))
            if not running:
                break
            waiters: set[asyncio.Future[Any]] = set(running.values())
            wake = asyncio.ensure_future(woken.wait()) if woken is not None else None
            if wake is not None:
                waiters.add(wake)
            done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if wake is not None:
                wake.cancel()
            for lane, task in list(running.items()):
                if task in done:
                    del running[lane]
                    delivered += int(task.result())
            if woken is not None and wake is not None and wake in done:
                woken.set()  # keep the wake-up for the next round's clear()
        if running:
            results = await asyncio.gather(*running.values())
            delivered += sum(results)
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
                    "%s: %s dead-lettered after %d tries: %s",
                    _who(item),
                    item.method,
                    attempts,
                    exc.error,
                )
            await self.runner.call(
                outbox.mark_failed,
                self.store,
                item.id,
                next_try_at=retry_at,
                error=exc.error,
                now=now,
            )
            return False
        except GiveUp as exc:
            log.error("%s: %s dead-lettered: %s", _who(item), item.method, exc.error)
            await self.runner.call(
                outbox.mark_failed, self.store, item.id, next_try_at=None, error=exc.error, now=now
            )
            return False
        except Fatal as exc:
            self._fatal(exc)
            return False
        except Exception as exc:  # a row the sender cannot read: retrying cannot fix it
            log.error("%s: %s dead-lettered: cannot be sent (%s: %s)", _who(item), item.method,
                      type(exc).__name__, exc)  # fmt: skip
            await self.runner.call(
                outbox.mark_failed,
                self.store,
                item.id,
                next_try_at=None,
                error=f"{type(exc).__name__}: {exc}",
                now=now,
            )
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
            failed = False
            try:
                await self.tick(self.clock())
            except Exception:  # a bug or a full disk must not kill the loop; rows stay queued
                log.exception("scheduler tick failed")
                failed = True
            if self._stopping:
                break
            wait = self.idle_wait
            upcoming = await self.runner.call(outbox.next_try, self.store)
            if upcoming is not None:
                wait = min(wait, max((upcoming - self.clock()).total_seconds(), 0.0))
            if failed:  # never spin on a failing database: wait before the next try
                wait = max(wait, self.base_delay)
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._event.wait(), wait)


def _who(item: OutboxItem) -> str:
    return item.incident or item.channel or item.key
