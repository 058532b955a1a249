"""The replay guard: a captured signed request sent again acts once.

bolt accepts a correctly signed request for five minutes, so a captured request could be
re-sent. Each signed request is remembered by the hash of its timestamp and signature (which
covers the body) for as long as its signature is valid; the same request again is answered 200
and dropped. Only verified requests are remembered: forged ones cannot fill the memory nor
shadow a genuine request. The listeners' own keys in ``seen_events`` (trigger ids, view ids,
event ids) make the same hold across a restart.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping

from slack_sdk.signature import Clock, SignatureVerifier

__all__ = ["SIGNATURE_LIFETIME", "ReplayGuard"]

SIGNATURE_LIFETIME = 5 * 60
"""bolt refuses a timestamp further than this from now; a replay can only come within it."""


class ReplayGuard:
    """The signed requests already accepted, remembered while their signature is valid."""

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self.verifier = SignatureVerifier(signing_secret, clock=_Clock(clock))
        self.clock = clock
        self._seen: dict[str, int] = {}  # in arrival order

    def signed(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """True when the request carries a valid, fresh v0 signature of ``body``."""
        stamp = headers.get("X-Slack-Request-Timestamp") or ""
        sig = headers.get("X-Slack-Signature") or ""
        if not (stamp.isascii() and stamp.isdigit()):
            return False  # missing, or not a number the verifier could read
        try:
            return bool(self.verifier.is_valid(body, stamp, sig))
        except UnicodeDecodeError:  # Slack signs UTF-8 text: these bytes are not from Slack
            return False

    def first_time(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """False for a validly signed request met before; True otherwise (bolt judges those)."""
        if not self.signed(body, headers):
            return True  # unsigned, forged or stale: refused with a 401 without acting
        stamp = str(headers.get("X-Slack-Request-Timestamp"))
        sig = str(headers.get("X-Slack-Signature"))
        self._forget_old()
        key = hashlib.sha256(f"{stamp}:{sig}".encode()).hexdigest()
        if key in self._seen:
            return False
        self._seen[key] = int(stamp)
        return True

    def __len__(self) -> int:
        """How many requests are remembered (bounded by the traffic of one lifetime)."""
        return len(self._seen)

    def _forget_old(self) -> None:
        """Forget the oldest requests, once their signature is past its lifetime (plus a
        minute of clock skew)."""
        horizon = self.clock() - SIGNATURE_LIFETIME - 60
        while self._seen and next(iter(self._seen.values())) < horizon:
            del self._seen[next(iter(self._seen))]


class _Clock(Clock):
    """slack_sdk's verifier asks a clock object for ``now()``."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock()
