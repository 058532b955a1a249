"""How the store writes values as SQLite text and reads rows back as model objects: UTC
ISO-8601 times, JSON with sorted keys, text SQLite can store, a step's definition frozen with
the step (so a playbook edited later does not change an incident already run)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC as _UTC
from datetime import datetime, timedelta
from typing import Any

from dateutil.parser import isoparse

from incidentbot.core.model import (
    Incident,
    IncidentStatus,
    Phase,
    Role,
    Severity,
    Step,
    StepDef,
    StepStatus,
    TimelineEvent,
)
from incidentbot.store import chain


def to_text(at: datetime | None) -> str | None:
    """UTC ISO-8601 text for SQLite (second precision is not enough for ordering: keep micro)."""
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return at.astimezone(_UTC).isoformat()


def from_text(text: str | None) -> datetime | None:
    # the store writes isoformat() text, which datetime.fromisoformat reads several times
    # faster than dateutil's isoparse (it matters for exports of 100,000 events)
    return datetime.fromisoformat(text) if text else None


def clean(text: str) -> str:
    """Text SQLite can store: lone surrogates (bad UTF-8 sent as JSON escapes) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def step_def_to_json(d: StepDef) -> str:
    return _json(
        {
            "id": d.id,
            "phase": d.phase.value,
            "title": dict(d.title),
            "owner": d.owner.value,
            "due_seconds": d.due.total_seconds() if d.due is not None else None,
            "requires": list(d.requires),
            "draft": d.draft,
            "mandatory": d.mandatory,
            "evidence": d.evidence,
            "guidance": dict(d.guidance),
        }
    )


def step_def_from_json(text: str) -> StepDef:
    raw = json.loads(text)
    return StepDef(
        id=raw["id"],
        phase=Phase(raw["phase"]),
        title=raw["title"],
        owner=Role(raw["owner"]),
        due=timedelta(seconds=raw["due_seconds"]) if raw.get("due_seconds") is not None else None,
        requires=tuple(raw.get("requires", ())),
        draft=raw.get("draft"),
        mandatory=bool(raw.get("mandatory", True)),
        evidence=bool(raw.get("evidence", False)),
        guidance=raw.get("guidance", {}),
    )


def incident_from_row(r: Mapping[str, Any]) -> Incident:
    return Incident(
        ref=r["ref"],
        title=r["title"],
        playbook=r["playbook"],
        status=IncidentStatus(r["status"]),
        declared_by=r["declared_by"],
        declared_at=isoparse(r["declared_at"]),
        aware_at=from_text(r["aware_at"]),
        detected_at=from_text(r["detected_at"]),
        severity=Severity(r["severity"]) if r["severity"] else None,
        lead=r["lead"],
        channel=r["channel"],
        closed_at=from_text(r["closed_at"]),
        language=r["language"] or "en",
        jurisdictions=tuple(json.loads(r["jurisdictions"] or "[]")),
        facts=json.loads(r["facts"] or "{}"),
        private=bool(r["private"]),
        roles=json.loads(r["roles"] or "{}"),
    )


def step_from_row(r: Mapping[str, Any]) -> Step:
    return Step(
        incident=r["incident"],
        definition=step_def_from_json(r["definition"]),
        status=StepStatus(r["status"]),
        assignee=r["assignee"],
        due_at=from_text(r["due_at"]),
        done_by=r["done_by"],
        done_at=from_text(r["done_at"]),
        note=r["note"],
        version=r["version"] or 0,
    )


def event_from_row(r: Mapping[str, Any]) -> TimelineEvent:
    return TimelineEvent(
        incident=r["incident"],
        seq=r["seq"],
        at=datetime.fromisoformat(r["at"]),
        actor=r["actor"],
        kind=r["kind"],
        text=r["text"],
        data=json.loads(r["data"] or "{}"),
        prev_hash=r["prev_hash"],
        hash=r["hash"],
        phase=r["phase"],
        link=r["link"],
        form=r.get("form") or chain.LEGACY,
    )
