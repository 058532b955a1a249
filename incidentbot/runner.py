"""One worker thread between the async front ends and the synchronous service.

Slack listeners, the web pages and the scheduler are async; the service and SQLite are not.
Every call goes through this single thread (after Datasette's write thread), so SQLite sees
one writer at a time and never answers "database is locked" to a user, and the event loop
never blocks on disk.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from incidentbot.service import IncidentService

T = TypeVar("T")


class ServiceRunner:
    def __init__(self, service: IncidentService) -> None:
        self.service = service
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="incidentbot-db")

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the worker thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
