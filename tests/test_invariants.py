"""Invariants the rest of the suite would not notice losing (each was checked by mutation,
see pyproject's [tool.mutmut]): the replay guard acts once, remembers for the signature's
whole lifetime and only what was verified; SQLite never commits with synchronous=OFF."""

from __future__ import annotations

from pathlib import Path

from slackutil import SECRET, signature

from incidentbot.slack.replay import SIGNATURE_LIFETIME, ReplayGuard
from incidentbot.store import Store

T0 = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = float(T0)

    def __call__(self) -> float:
        return self.now


def request(text: str, at: int = T0) -> tuple[bytes, dict[str, str]]:
    body = f"command=%2Fincident&text={text}&trigger_id=1.2.3"
    return body.encode(), signature(body, ts=at)


def test_a_replayed_signed_request_is_refused_the_second_time() -> None:
    guard = ReplayGuard(SECRET, clock=Clock())
    body, headers = request("note+once")
    assert guard.first_time(body, headers) is True
    assert guard.first_time(body, headers) is False
    assert guard.first_time(body, headers) is False


def test_the_memory_lasts_as_long_as_the_signature_is_accepted() -> None:
    clock = Clock()
    guard = ReplayGuard(SECRET, clock=clock)
    body, headers = request("note+late+replay")
    assert guard.first_time(body, headers)
    for step in (1, 60, 200, SIGNATURE_LIFETIME - 1, SIGNATURE_LIFETIME):
        clock.now = T0 + step
        other, other_headers = request(f"note+filler+{step}", at=T0 + step)
        assert guard.first_time(other, other_headers)  # traffic that makes the guard tidy up
        assert guard.signed(body, headers), step  # Slack's verifier still accepts it...
        assert guard.first_time(body, headers) is False, step  # ...so it is still remembered
    clock.now = T0 + SIGNATURE_LIFETIME + 1
    assert not guard.signed(body, headers)  # past its lifetime the verifier refuses it


def test_distinct_requests_in_the_same_second_are_each_first() -> None:
    guard = ReplayGuard(SECRET, clock=Clock())
    for n in range(5):
        body, headers = request(f"note+{n}")
        assert guard.first_time(body, headers) is True


def test_unverified_requests_are_not_remembered() -> None:
    guard = ReplayGuard(SECRET, clock=Clock())
    body, headers = request("note+genuine")
    forged = body.replace(b"genuine", b"forged!")
    assert not guard.signed(forged, headers)
    assert guard.first_time(forged, headers) is True  # refused later, by the signature check
    assert guard.first_time(forged, headers) is True  # and never remembered...
    assert guard.first_time(body, headers) is True  # ...so it cannot shadow the genuine one
    stale_body, stale = request("note+stale", at=T0 - SIGNATURE_LIFETIME - 10)
    assert guard.first_time(stale_body, stale) is True and guard.first_time(stale_body, stale)
    assert guard.first_time(body, {**headers, "X-Slack-Signature": "v0=00"}) is True
    assert guard.first_time(body, {"X-Slack-Request-Timestamp": "²"}) is True


def test_sqlite_never_commits_with_synchronous_off(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    levels = {"durable": [], "bookkeeping": []}  # type: dict[str, list[int]]
    for _ in range(2):
        with store.transaction():
            levels["durable"].append(store.conn.execute("PRAGMA synchronous").fetchone()[0])
        with store.transaction(durable=False):
            levels["bookkeeping"].append(store.conn.execute("PRAGMA synchronous").fetchone()[0])
    assert levels == {"durable": [2, 2], "bookkeeping": [1, 1]}  # FULL, NORMAL: never OFF (0)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    again = Store(tmp_path / "bot.db")
    assert again.conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_odd_headers_and_bodies_are_unsigned_not_a_crash() -> None:
    guard = ReplayGuard(SECRET, clock=Clock())
    body, headers = request("note+x")
    sig = headers["X-Slack-Signature"]
    for odd in (
        {"X-Slack-Signature": sig},  # no timestamp
        {"X-Slack-Request-Timestamp": str(T0)},  # no signature
        {"X-Slack-Request-Timestamp": "²", "X-Slack-Signature": sig},  # a digit int() refuses
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": sig},
    ):
        assert guard.signed(body, odd) is False
        assert guard.first_time(body, odd) is True
    raw = b"\x80\xff not UTF-8"
    stamp = str(T0)
    digest = __import__("hmac").new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + raw,
                                    "sha256").hexdigest()  # fmt: skip
    assert guard.signed(raw, {"X-Slack-Request-Timestamp": stamp,
                              "X-Slack-Signature": f"v0={digest}"}) is False  # fmt: skip
    assert len(guard) == 0


def test_the_memory_forgets_only_past_lifetime_and_skew() -> None:
    clock = Clock()
    guard = ReplayGuard(SECRET, clock=clock)
    first, first_headers = request("note+first")
    assert guard.first_time(first, first_headers)
    edge = T0 + SIGNATURE_LIFETIME + 60
    clock.now = edge  # exactly at the horizon: still remembered
    body, headers = request("note+at+edge", at=edge)
    assert guard.first_time(body, headers)
    assert len(guard) == 2
    clock.now = edge + 1  # one second past: the first is forgotten, the newest kept
    body, headers = request("note+past+edge", at=edge + 1)
    assert guard.first_time(body, headers)
    assert len(guard) == 2
    clock.now = edge + 1
    assert guard.first_time(*request("note+at+edge", at=edge)) is False  # the newer one stays
