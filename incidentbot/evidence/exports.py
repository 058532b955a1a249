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
from incidentbot.i18n import Message
from incidentbot.store import Store, chain


class Unreadable(ValueError):
    """An export that cannot be read, or is not one; ``problem`` says which."""

    def __init__(self, problem: Message):
        super().__init__(str(problem))
        self.problem = problem


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())  # UTF-8, with or without a byte-order mark
        data["incident"]["ref"], data["timeline"], data["chain"]["head"]  # noqa: B018
    except OSError as exc:
        raise Unreadable(
            Message("exports.unreadable", path=path, error=str(exc.strerror or exc))
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise Unreadable(Message("exports.not_an_export", path=path, error=str(exc))) from exc
    return data


def against(store: Store, path: Path, *, timestamp_ca: Path | None = None) -> list[Message]:
    """The problems found comparing the database with the export at ``path`` (first only),
    as catalogue messages the caller words in its reader's language."""
    try:
        data = load(path)
    except Unreadable as exc:
        return [exc.problem]
    ref = data["incident"]["ref"]
    events = [{"incident": ref, **e} for e in data["timeline"]]
    problem = chain.walk(ref, events, len(events), data["chain"]["head"])
    if problem:
        return [Message("exports.does_not_verify", name=path.name, problem=problem)]
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
            return [Message("exports.missing", ref=ref, seq=str(seq), name=path.name)]
        if here[seq] != event["hash"]:
            return [
                Message(
                    "exports.differs",
                    ref=ref,
                    seq=str(seq),
                    name=path.name,
                    there=event["hash"][:12],
                    here=here[seq][:12],
                )
            ]
    return anchors.check_tokens(
        store, ref, list(data.get("anchors") or []), timestamp_ca, path.name
    )
