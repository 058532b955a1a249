"""The chain head, published outside the database at each phase change, approval and close.

An insider who can write the SQLite file can rewrite the timeline and recompute every hash
(docs/evidence.md). What they cannot rewrite is a copy of a head that left the machine:

* in Slack mode, a short message in the incident's channel (through the outbox, so it survives
  restarts) giving the event number and the head hash;
* where ``timestamp_url`` is configured, an RFC 3161 token from that authority, kept in the
  ``anchors`` table and in every JSON export.

:func:`attach` registers :func:`publish` as a service listener (the service tells its
listeners about each change after it committed); :func:`check` is what ``incidentbot verify``
runs: every token it holds, every head message it can read back from Slack.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentbot.core.model import Phase
from incidentbot.errors import IncidentbotError
from incidentbot.evidence import tsa
from incidentbot.i18n import Message, t
from incidentbot.store import Store, outbox, to_text

if TYPE_CHECKING:
    from incidentbot.config import Settings
    from incidentbot.service.facade import IncidentService

log = logging.getLogger(__name__)

# what a published head looks like in Slack; verify finds them again with this pattern
HEAD_PATTERN = re.compile(r"#(\d+) sha256:([0-9a-f]{64})")
COMPLETE = "complete"


def current_phase(store: Store, ref: str, *, reopened: str | None = None) -> str:
    """The earliest phase that still has an open step (counting ``reopened`` as open), or
    ``complete``."""
    open_phases = {s.phase for s in store.steps(ref) if s.is_open or s.id == reopened}
    return next((p.value for p in Phase if p in open_phases), COMPLETE)


def phase_changed(store: Store, ref: str) -> str | None:
    """The new phase if the incident's last event closed the last open step of a phase."""
    last = store.events(ref, last=1)
    if not last or last[0].kind not in ("step_done", "step_skipped"):
        return None
    step = last[0].data.get("step")
    now = current_phase(store, ref)
    return now if now != current_phase(store, ref, reopened=step) else None


@dataclass(frozen=True)
class Publisher:
    store: Store
    clock: Callable[[], datetime]
    timestamp_url: str | None = None

    def changed(self, ref: str, kind: str) -> None:
        """A service listener: publish when a phase ends, a draft is approved, or at close."""
        try:
            reason = None
            if kind in ("step", "notified"):
                phase = phase_changed(self.store, ref)
                reason = f"phase:{phase}" if phase else None
            elif kind == "approved":
                reason = "approval"
            elif kind == "closed":
                reason = "close"
            if reason:
                publish(self.store, ref, reason, self.clock(), self.timestamp_url)
        except Exception:  # publishing must never undo or hide the change that was recorded
            log.exception("%s: the chain head could not be published", ref)


def attach(service: IncidentService, settings: Settings) -> Publisher:
    publisher = Publisher(
        store=service.store, clock=service.clock, timestamp_url=settings.timestamp_url
    )
    service.listeners.append(publisher.changed)
    return publisher


def publish(
    store: Store, ref: str, reason: str, now: datetime, timestamp_url: str | None = None
) -> int | None:
    """Record the head of ``ref``, post it to the incident's channel, and stamp it."""
    with store.transaction():
        seq, head = store.head(ref)
        incident = store.incident(ref)
        if not seq or incident is None:
            return None
        key = None
        if incident.channel:  # Slack mode: the channel exists (the shell never has one)
            kind, _, phase = reason.partition(":")
            lang = "fr" if incident.language == "fr" else "en"
            why = Message(f"anchors.why.{kind}", phase=phase)
            key = f"anchor:{ref}:{seq}:{reason}"
            # the event number as written, never grouped: HEAD_PATTERN reads it back
            text = t("anchors.published", lang, ref=ref, seq=str(seq), head=head, why=why)
            outbox.enqueue(
                store,
                key=key,
                incident=ref,
                channel=None,
                method="incident.message",
                payload={"ref": ref, "message": {"text": text}},
                now=now,
            )
        anchor = store.insert_row(
            "anchors",
            {
                "incident": ref,
                "seq": seq,
                "hash": head,
                "reason": reason,
                "at": to_text(now),
                "outbox_key": key,
                "tsa_url": timestamp_url,
            },
        )
    log.info("%s: chain head #%s published (%s)", ref, seq, reason)
    if timestamp_url:
        stamp_pending(store, timestamp_url)
    return anchor


def stamp_pending(store: Store, timestamp_url: str) -> None:
    """Ask the authority for a token for every published head that has none yet."""
    rows = store.rows("anchors", "token IS NULL AND tsa_url IS NOT NULL", order_by="id")
    for row in rows:
        try:
            token = tsa.stamp(timestamp_url, row["hash"].encode("ascii"))
        except tsa.TimestampError as exc:
            log.warning("%s: no timestamp for head #%s: %s", row["incident"], row["seq"], exc)
            with store.transaction():
                store.update_row("anchors", row["id"], {"token_error": exc.message})
            return
        with store.transaction():
            store.update_row(
                "anchors",
                row["id"],
                {"token": base64.b64encode(token).decode("ascii"), "token_error": None},
            )


def rows_for_export(store: Store, ref: str) -> list[dict[str, Any]]:
    """The published heads of ``ref`` as the JSON export carries them (tokens in base64)."""
    return [
        {
            "seq": r["seq"],
            "hash": r["hash"],
            "reason": r["reason"],
            "at": r["at"],
            "slack": r["outbox_key"] is not None,
            "rfc3161": r["token"],
        }
        for r in store.rows("anchors", "incident = ?", [ref], order_by="id")
    ]


def check_head(
    store: Store, ref: str, seq: int, head: str, source: str | Message
) -> Message | None:
    """Does the database still hold ``head`` as the hash of event ``seq`` of ``ref``?"""
    row = store.conn.execute(
        "SELECT hash FROM timeline WHERE incident = ? AND seq = ?", [ref, seq]
    ).fetchone()
    if row is None:
        return Message("anchors.head_missing", ref=ref, seq=str(seq), source=source)
    if row[0] != head:
        return Message(
            "anchors.head_differs",
            ref=ref,
            seq=str(seq),
            source=source,
            there=head[:12],
            here=row[0][:12],
        )
    return None


def check_tokens(
    store: Store, ref: str, anchors: list[dict[str, Any]], ca: Path | None, source: str | Message
) -> list[Message]:
    problems = []
    for a in anchors:
        if not a.get("rfc3161"):
            continue
        at, problem = tsa.check(base64.b64decode(a["rfc3161"]), a["hash"].encode("ascii"), ca)
        if problem:
            problems.append(
                Message(
                    "anchors.token_bad", ref=ref, seq=str(a["seq"]), source=source, problem=problem
                )
            )
            continue
        found = check_head(
            store, ref, a["seq"], a["hash"], Message("anchors.source.token", at=str(at))
        )
        if found:
            problems.append(found)
    return problems


def check(
    store: Store,
    settings: Any,
    read_heads: Callable[[str, str], list[tuple[int, str]]] | None = None,
) -> tuple[list[Message], list[Message]]:
    """(problems, notes): every token held, every head message readable in Slack.

    ``read_heads(ref, channel)`` returns the (event number, head) pairs published in an
    incident's channel (:func:`incidentbot.slack.witness.reader`); None when there is no Slack.
    Both lists are catalogue messages, worded by the caller in its reader's language.
    """
    problems: list[Message] = []
    notes: list[Message] = []
    tokens = heads = 0
    for incident in store.incidents():
        held = rows_for_export(store, incident.ref)
        tokens += sum(1 for a in held if a["rfc3161"])
        problems += check_tokens(
            store, incident.ref, held, settings.timestamp_ca, Message("anchors.source.database")
        )
    if read_heads is not None:
        for incident in store.incidents():
            if not incident.channel:
                continue
            try:
                published = read_heads(incident.ref, incident.channel)
            except IncidentbotError as exc:  # out of reach is said, not held against the file
                notes.append(Message("anchors.unreachable", ref=incident.ref, problem=exc.sentence))
                continue
            for seq, head in published:
                heads += 1
                found = check_head(store, incident.ref, seq, head, "Slack")
                if found:
                    problems.append(found)
    if tokens:
        signed = "anchors.tokens_signed" if settings.timestamp_ca else "anchors.tokens_content"
        notes.append(Message(signed, count=tokens))
    if heads:
        notes.append(Message("anchors.heads_checked", count=heads))
    return problems, notes
