"""The timeline's hash chain: each event's hash covers the previous hash and the event itself.

``hash = sha256(prev_hash + canonical(event))`` where ``canonical`` is the event's fields as
sorted, compact JSON (UTF-8, no ASCII escaping). The first event of an incident chains from
:data:`GENESIS`. Editing or deleting a row behind the triggers' back breaks the chain at that
event, which ``incidentbot verify`` names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = ("incident", "seq", "at", "actor", "kind", "phase", "text", "data", "link")


def canonical(event: Mapping[str, Any]) -> str:
    """The event's chained fields as canonical JSON; ``data`` is decoded JSON or a mapping."""
    data = event.get("data")
    if isinstance(data, str):
        data = json.loads(data) if data else {}
    body = {name: event.get(name) for name in CHAINED_FIELDS}
    body["data"] = data or {}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link(prev_hash: str, event: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()
