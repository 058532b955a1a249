"""Every table an export shows, checked against the timeline events that set it.

The chain proves the events were not changed; this proves the rows people read (the incident's
title, awareness time, facts, severity and roles, each step, each draft's text and approval,
each assessment and notification) are what those events recorded. A row edited behind the
service's back (``UPDATE drafts SET body = ...``) no longer matches the event that recorded it
and :func:`audit` names the incident, the row and what differs.

It replays the events the service writes (one event per change, in the same transaction as the
change): ``declared``, ``aware_set``, ``fact_set``, ``severity_set``, ``role_assigned``,
``closed``, ``step_done``/``step_skipped``/``step_assigned``, ``assessed``/``decision_override``,
``draft_created``/``draft_approved`` and ``notified``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from incidentbot.i18n import Message
from incidentbot.store.chain import portable

if TYPE_CHECKING:
    from incidentbot.store import Store


# the columns of a step row that its events set (each worded by ``audit.what.<column>``)
STEP_FIELDS = ("status", "assignee", "done_by", "note")


def _rows(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = store.conn.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur]


def _instant(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _loads(text: Any, default: Any) -> Any:
    return json.loads(text) if text else default


def audit(store: Store, ref: str) -> list[Message]:
    """The differences between ``ref``'s rows and its events, first found first (catalogue
    messages, worded by the caller in its reader's language; ``str()`` is English)."""
    events = _rows(store, "SELECT * FROM timeline WHERE incident = ? ORDER BY seq", [ref])
    for e in events:
        e["data"] = _loads(e["data"], {})
    problems: list[Message] = []
    problems += _incident(store, ref, events)
    problems += _steps(store, ref, events)
    problems += _drafts(store, ref, events)
    problems += _assessments(store, ref, events)
    problems += _notifications(store, ref, events)
    return problems


def _event(event: Mapping[str, Any]) -> Message:
    return Message("audit.source.event", seq=str(event["seq"]), kind=event["kind"])


def _differs(
    ref: str, row: Message, what: str, stored: Any, event: Mapping[str, Any] | None
) -> Message:
    """``what`` (an ``audit.what.*`` id) of ``row`` differs from the event that set it."""
    source = _event(event) if event else Message("audit.source.timeline")
    return Message(
        "audit.differs",
        ref=ref,
        row=row,
        what=Message(f"audit.what.{what}"),
        stored=_short(stored),
        source=source,
    )


def _deleted(ref: str, row: Message, event: Mapping[str, Any], table: str) -> Message:
    return Message(
        "audit.row_deleted", ref=ref, row=row, seq=str(event["seq"]), kind=event["kind"],
        table=table,
    )  # fmt: skip


def _added(ref: str, row: Message, kind: str) -> Message:
    return Message("audit.row_added", ref=ref, row=row, kind=kind)


def _incident(store: Store, ref: str, events: list[dict[str, Any]]) -> list[Message]:
    row = _rows(store, "SELECT * FROM incidents WHERE ref = ?", [ref])[0]
    declared = next((e for e in events if e["kind"] == "declared"), None)
    if declared is None:
        return [Message("audit.no_declared", ref=ref)]
    d = declared["data"]
    problems: list[Message] = []
    incident_row = Message("audit.row.incident")

    def check(what: str, stored: Any, expected: Any, event: Mapping[str, Any] | None) -> None:
        if stored != expected:
            problems.append(_differs(ref, incident_row, what, stored, event))

    check("title", row["title"], declared["text"], declared)
    check("playbook", row["playbook"], d.get("playbook", row["playbook"]), declared)
    if "jurisdictions" in d:
        check("jurisdictions", _loads(row["jurisdictions"], []), d["jurisdictions"], declared)
    aware: tuple[Any, Mapping[str, Any] | None] = (d.get("aware_at"), declared)
    facts: dict[str, Any] = {}
    facts_event: Mapping[str, Any] | None = None
    severity: tuple[Any, Mapping[str, Any] | None] = (d.get("severity"), declared)
    roles: dict[str, Any] = {"lead": d["lead"]} if d.get("lead") else {}
    roles_event: Mapping[str, Any] | None = declared
    closed: Mapping[str, Any] | None = None
    for e in events:
        kind, data = e["kind"], e["data"]
        if kind == "aware_set":
            aware = (data.get("aware_at"), e)
        elif kind == "fact_set":
            facts[data["key"]] = data.get("value")
            facts_event = e
        elif kind == "severity_set":
            severity = (data.get("severity"), e)
        elif kind == "assessed":
            severity = (data.get("band"), e)
        elif kind == "role_assigned":
            roles[data["role"]] = data["user"]
            roles_event = e
        elif kind == "closed":
            closed = e
    check("aware", _instant(row["aware_at"]), _instant(aware[0]), aware[1])
    check("facts", portable(_loads(row["facts"], {})), facts, facts_event)
    check("severity", row["severity"], severity[0], severity[1])
    if "lead" in d:
        check("roles", _loads(row["roles"], {}), roles, roles_event)
        check("lead", row["lead"], roles.get("lead"), roles_event)
    check("status", row["status"], "closed" if closed else "open", closed)
    return problems


def _steps(store: Store, ref: str, events: list[dict[str, Any]]) -> list[Message]:
    expected: dict[str, dict[str, Any]] = {}
    last: dict[str, Mapping[str, Any]] = {}
    for e in events:
        step = e["data"].get("step") if isinstance(e["data"], Mapping) else None
        if step is None or e["kind"] not in ("step_done", "step_skipped", "step_assigned"):
            continue
        state = expected.setdefault(
            step, {"status": "pending", "assignee": None, "done_by": None, "note": None}
        )
        last[step] = e
        if e["kind"] == "step_assigned":
            state["assignee"] = e["data"].get("user")
        else:
            state["status"] = "done" if e["kind"] == "step_done" else "skipped"
            state["done_by"] = e["actor"]
            state["note"] = e["text"] or None
    problems: list[Message] = []
    rows = _rows(store, "SELECT * FROM steps WHERE incident = ? ORDER BY position", [ref])
    for row in rows:
        step = row["step_id"]
        state = expected.pop(
            step, {"status": "pending", "assignee": None, "done_by": None, "note": None}
        )
        stored = {
            "status": row["status"],
            "assignee": row["assignee"],
            "done_by": row["done_by"],
            "note": row["note"] or None,
        }
        for what in STEP_FIELDS:
            if stored[what] != state[what]:
                problems.append(
                    _differs(
                        ref,
                        Message("audit.row.step", step=step),
                        what,
                        stored[what],
                        last.get(step),
                    )  # fmt: skip
                )
    for step in expected:
        problems.append(_deleted(ref, Message("audit.row.step", step=step), last[step], "steps"))
    return problems


def _drafts(store: Store, ref: str, events: list[dict[str, Any]]) -> list[Message]:
    created: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    approvals: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for e in events:
        d = e["data"]
        if e["kind"] == "draft_created":
            created[
                (
                    d.get("kind"),
                    d.get("jurisdiction"),
                    d.get("language"),
                    d.get("variant"),
                    d.get("version"),
                )
            ] = e
        elif e["kind"] == "draft_approved":
            approvals[(d.get("kind"), d.get("version"), d.get("sha256"))] = e
    problems: list[Message] = []
    for row in _rows(store, "SELECT * FROM drafts WHERE incident = ? ORDER BY id", [ref]):
        key: tuple[Any, ...] = (
            row["kind"],
            row["jurisdiction"],
            row["language"],
            row["variant"],
            row["version"],
        )
        name = "-".join(str(p) for p in key if p is not None)
        label = Message("audit.row.draft", name=name, id=str(row["id"]))
        event = created.pop(key, None)
        if event is None:
            problems.append(_added(ref, label, "draft_created"))
            continue
        recorded = event["data"].get("sha256")
        body_hash = hashlib.sha256((row["body"] or "").encode("utf-8")).hexdigest()
        if body_hash != recorded:
            problems.append(
                Message(
                    "audit.body_changed",
                    ref=ref,
                    row=label,
                    seq=str(event["seq"]),
                    recorded=recorded[:12],
                )  # fmt: skip
            )
        elif row["hash"] != recorded:
            problems.append(_differs(ref, label, "hash", row["hash"], event))
        if row["created_by"] != event["actor"]:
            problems.append(_differs(ref, label, "author", row["created_by"], event))
        approval = approvals.pop((row["kind"], row["version"], recorded), None)
        if approval is not None and row["approved_by"] != approval["actor"]:
            problems.append(_differs(ref, label, "approver", row["approved_by"], approval))
        if approval is None and row["approved_by"]:
            problems.append(
                Message("audit.approval_unrecorded", ref=ref, row=label, user=row["approved_by"])
            )
    for key, event in created.items():
        name = "-".join(str(p) for p in key if p is not None)
        problems.append(_deleted(ref, Message("audit.row.draft_any", name=name), event, "drafts"))
    return problems


def _assessments(store: Store, ref: str, events: list[dict[str, Any]]) -> list[Message]:
    recorded = {
        e["data"].get("version"): e
        for e in events
        if e["kind"] in ("assessed", "decision_override")
    }
    problems: list[Message] = []
    rows = _rows(store, "SELECT * FROM assessments WHERE incident = ? ORDER BY version", [ref])
    for row in rows:
        label = Message("audit.row.assessment", version=str(row["version"]))
        event = recorded.pop(row["version"], None)
        if event is None:
            problems.append(_added(ref, label, "assessed"))
            continue
        data = event["data"]
        result = _loads(row["result"], {})
        decisions = portable(_loads(row["decisions"], []))
        if event["kind"] == "assessed":
            inputs = portable(_loads(row["inputs"], {}))
            if inputs != data.get("inputs"):
                problems.append(_differs(ref, label, "inputs", inputs, event))
            if result.get("score") != data.get("score"):
                problems.append(_differs(ref, label, "score", result.get("score"), event))
            if result.get("band") != data.get("band"):
                problems.append(_differs(ref, label, "band", result.get("band"), event))
            if decisions != data.get("decisions"):
                problems.append(_differs(ref, label, "decisions", decisions, event))
        else:
            chosen: Mapping[str, Any] = next(
                (d for d in decisions if d.get("jurisdiction") == data.get("jurisdiction")), {}
            )
            got = {"authority": chosen.get("authority"), "persons": chosen.get("persons")}
            if got != data.get("chosen"):
                problems.append(_differs(ref, label, "chosen", got, event))
    for version, event in recorded.items():
        label = Message("audit.row.assessment", version=str(version))
        problems.append(_deleted(ref, label, event, "assessments"))
    return problems


def _notifications(store: Store, ref: str, events: list[dict[str, Any]]) -> list[Message]:
    recorded = [e for e in events if e["kind"] == "notified"]
    rows = _rows(store, "SELECT * FROM notifications WHERE incident = ? ORDER BY id", [ref])
    problems: list[Message] = []
    for i, row in enumerate(rows):
        label = Message(
            "audit.row.notification", jurisdiction=row["jurisdiction"], id=str(row["id"])
        )
        if i >= len(recorded):
            problems.append(_added(ref, label, "notified"))
            continue
        event = recorded[i]
        data = event["data"]
        for what, column, key in (
            ("jurisdiction", "jurisdiction", "jurisdiction"),
            ("audience", "audience", "audience"),
            ("reference", "reference", "reference"),
        ):
            if row[column] != data.get(key):
                problems.append(_differs(ref, label, what, row[column], event))
        if row["recorded_by"] != event["actor"]:
            problems.append(_differs(ref, label, "recorded_by", row["recorded_by"], event))
    for event in recorded[len(rows) :]:
        label = Message("audit.row.notification_any")
        problems.append(_deleted(ref, label, event, "notifications"))
    return problems
