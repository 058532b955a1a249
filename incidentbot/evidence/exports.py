"""``incidentbot verify --against EXPORT.json``: does the database extend an earlier export?

A lawyer who keeps each export holds a copy of the chain the insider cannot reach. The database
must hold every event of that export unchanged (same hash at the same number) and may only have
more after it; the first event where it does not is named. The export is itself checked first
(its own chain and head), and the timestamp tokens it carries are checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from incidentbot.evidence import anchors
from incidentbot.store import Store, chain


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())  # UTF-8, with or without a byte-order mark
        data["incident"]["ref"], data["timeline"], data["chain"]["head"]  # noqa: B018
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: is not a JSON export of incidentbot ({exc})") from exc
    return data


def against(store: Store, path: Path, *, timestamp_ca: Path | None = None) -> list[str]:
    """The problems found comparing the database with the export at ``path`` (first only)."""
    try:
        data = load(path)
    except ValueError as exc:
        return [str(exc)]
    ref = data["incident"]["ref"]
    events = [{"incident": ref, **e} for e in data["timeline"]]
    problem = chain.walk(ref, events, len(events), data["chain"]["head"])
    if problem:
        return [f"{path.name}: the export itself does not verify: {problem}"]
    here = {
        seq: digest
        for seq, digest in store.conn.execute(
            "SELECT seq, hash FROM timeline WHERE incident = ?",  # pragma: no mutate
            [ref],
        )
    }
    for event in events:
        seq = event["seq"]
        if seq not in here:
            return [
                f"{ref}: event #{seq} of {path.name} is missing from the database: the "
                "database does not extend that export"
            ]
        if here[seq] != event["hash"]:
            return [
                f"{ref}: event #{seq} differs from {path.name} (sha256:{event['hash'][:12]}... "
                f"there, {here[seq][:12]}... here): the database does not extend that export"
            ]
    return anchors.check_tokens(
        store, ref, list(data.get("anchors") or []), timestamp_ca, path.name
    )
