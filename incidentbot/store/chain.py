"""The timeline's hash chain: each event's hash covers the previous hash and the event itself.

Two canonical forms exist; an event's ``form`` column says which one its hash uses, and
``docs/evidence.md`` documents both byte for byte:

* **form 2** (every event written since the ``m_chain_jcs`` migration)::

      hash = hex(sha256(JCS({"actor", "at", "data", "incident", "kind", "link", "phase",
                             "prev_hash", "seq", "text", "v": 2})))

  where JCS is RFC 8785 (JSON Canonicalization Scheme): keys sorted by UTF-16 code units,
  no whitespace, numbers as ECMAScript writes them (``5.0`` is ``5``), UTF-8. The previous
  hash and the version are inside the hashed object, so neither can be changed alone.
* **form 1** (events recorded before that migration, kept as they were: re-hashing them would
  destroy the evidence that they were not changed)::

      hash = hex(sha256(UTF-8(prev_hash + json.dumps(body, sort_keys=True,
                                                     ensure_ascii=False,
                                                     separators=(",", ":")))))

  with ``body`` the same fields without ``prev_hash`` and ``v``.

The first event of an incident chains from :data:`GENESIS`. A chain may go from form 1 to
form 2 once, never back. :func:`walk` is the one place that checks a chain, for the database
(``incidentbot verify``) and for an export (``--against``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import rfc8785

from incidentbot.i18n import Message

GENESIS = "0" * 64
LEGACY = 1
JCS = 2
CURRENT = JCS
CHAINED_FIELDS = ("incident", "seq", "at", "actor", "kind", "phase", "text", "data", "link")
# I-JSON (RFC 7493) numbers: integers beyond this are not exact in every JSON reader
SAFE_INTEGER = 2**53 - 1


def portable(value: Any) -> Any:
    """``value`` with integers too large for JCS (beyond 2**53 - 1) written as decimal text.

    Applied to an event's data before it is stored and hashed, so that what is stored is
    exactly what is hashed and every JSON reader (JavaScript included) reads the same value.
    """
    if isinstance(value, int):  # booleans are ints here too, and always in range
        return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else str(value)
    if isinstance(value, Mapping):
        return {str(k): portable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [portable(v) for v in value]
    return value


def _data(event: Mapping[str, Any]) -> Any:
    data = event.get("data")
    if isinstance(data, str):
        data = json.loads(data) if data else {}
    return data or {}


def form_of(event: Mapping[str, Any]) -> int:
    return int(event.get("form") or LEGACY)


def canonical(event: Mapping[str, Any], prev_hash: str) -> bytes:
    """The exact bytes whose SHA-256 is the event's hash (in the event's own form)."""
    body = {name: event.get(name) for name in CHAINED_FIELDS}
    body["data"] = _data(event)
    if form_of(event) == LEGACY:
        # mutmut's one survivor here, ensure_ascii=None, is the same as False (falsy)
        legacy = json.dumps(
            body,
            sort_keys=True,
            ensure_ascii=False,  # pragma: no mutate
            separators=(",", ":"),
        )
        return (prev_hash + legacy).encode()  # str.encode() is always UTF-8
    body["prev_hash"] = prev_hash
    body["v"] = JCS
    return rfc8785.dumps(body)


def link(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The hash of ``event`` chained after ``prev_hash``."""
    return hashlib.sha256(canonical(event, prev_hash)).hexdigest()


def walk(
    ref: str, events: Iterable[Mapping[str, Any]], head_seq: int, head_hash: str
) -> Message | None:
    """Check one incident's chain; the first problem, naming the event, or None.

    ``events`` are rows (or exported events) in ``seq`` order with their stored ``prev_hash``
    and ``hash``; ``head_seq`` and ``head_hash`` are the head recorded apart from them. The
    problem is a catalogue :class:`~incidentbot.i18n.Message`, worded in the reader's language
    by whoever shows it (``str()`` is English). Event numbers are passed as text: they are
    names (``#2300``), not quantities to group.
    """
    prev = GENESIS
    expected = 1
    form = LEGACY
    for event in events:
        seq = event["seq"]
        if seq != expected:
            return Message("chain.missing", ref=ref, seq=str(expected))
        if event["prev_hash"] != prev:
            return Message("chain.not_following", ref=ref, seq=str(seq), previous=str(expected - 1))
        if form_of(event) < form:
            return Message("chain.older_form", ref=ref, seq=str(seq))
        form = form_of(event)
        if link(prev, event) != event["hash"]:
            return Message("chain.altered", ref=ref, seq=str(seq))
        prev = event["hash"]
        expected += 1
    count = expected - 1
    if count < head_seq:
        return Message("chain.missing", ref=ref, seq=str(expected))
    if count > head_seq:
        return Message("chain.head_behind", ref=ref, head=str(head_seq), last=str(count))
    if head_seq and prev != head_hash:
        return Message("chain.head_differs", ref=ref, seq=str(head_seq))
    return None
