"""Exports of one incident (Markdown, CSV, JSON); the register is in ``service/register.py``.

The JSON export is the machine-readable record: the incident's facts, steps, the latest
assessment in the export's documented shape (README.md), notifications, drafts and every timeline event with its chain
hashes. CSV opens cleanly in spreadsheet programs: UTF-8 with a BOM, and any cell that starts
like a formula (``= + - @``, tab, CR) is prefixed with ``'`` so it is shown, never computed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from dateutil.parser import isoparse

from incidentbot.core import severity
from incidentbot.core.model import Incident, TimelineEvent, pick
from incidentbot.events import kind_word, said, step_note
from incidentbot.evidence import anchors
from incidentbot.i18n import render, t

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return "\ufeff" + buf.getvalue()


def iso_or_none(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "ref": incident.ref,
        "title": incident.title,
        "playbook": incident.playbook,
        "status": incident.status.value,
        "severity": incident.severity.value if incident.severity else None,
        "lead": incident.lead,
        "declared_by": incident.declared_by,
        "declared_at": iso_or_none(incident.declared_at),
        "detected_at": iso_or_none(incident.detected_at),
        "aware_at": iso_or_none(incident.aware_at),
        "closed_at": iso_or_none(incident.closed_at),
        "language": incident.language,
        "jurisdictions": list(incident.jurisdictions),
        "roles": dict(incident.roles),
        "private": incident.private,
        "channel": incident.channel,
        "facts": dict(incident.facts),
    }


def event_json(e: TimelineEvent) -> dict[str, Any]:
    return {
        "incident": e.incident,
        "seq": e.seq,
        "at": iso_or_none(e.at),
        "actor": e.actor,
        "kind": e.kind,
        "phase": e.phase,
        "text": e.text,
        "data": dict(e.data),
        "link": e.link,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
        "form": e.form,
    }


def assessment_json(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored assessment in the export's documented shape (README.md): inputs, score, band, decisions (+ method)."""
    if row is None:
        return None
    result = json.loads(row["result"])
    return {
        "version": row["version"],
        "assessed_by": row["created_by"],
        "assessed_at": row["created_at"],
        "inputs": json.loads(row["inputs"]),
        "score": result.get("score"),
        "band": result.get("band"),
        "method": result,
        "decisions": json.loads(row["decisions"]),
    }


def export_data(service: IncidentService, ref: str, lang: str = "en") -> dict[str, Any]:
    """Everything the exports show of ``ref``; the chain's problem, if any, in ``lang``."""
    incident = service.incident(ref)
    store = service.store
    events = store.events(ref)
    problem = store.verify_incident(ref)
    _, head = store.head(ref)
    return {
        "incident": incident_json(incident),
        "steps": [
            {
                "id": s.id,
                "phase": s.phase.value,
                "title": dict(s.definition.title),
                "owner": s.definition.owner.value,
                "mandatory": s.definition.mandatory,
                "status": s.status.value,
                "assignee": s.assignee,
                "due_at": iso_or_none(s.due_at),
                "done_by": s.done_by,
                "done_at": iso_or_none(s.done_at),
                "note": s.note,
            }
            for s in store.steps(ref)
        ],
        "assessment": assessment_json(service.latest_assessment(ref)),
        "assessments": [
            assessment_json(r)
            for r in store.rows("assessments", "incident = ?", [ref], order_by="version")
        ],
        "notifications": store.rows("notifications", "incident = ?", [ref], order_by="id"),
        "drafts": [
            {
                k: r[k]
                for k in (
                    "kind",
                    "jurisdiction",
                    "language",
                    "variant",
                    "version",
                    "hash",
                    "template",
                    "created_by",
                    "created_at",
                    "approved_by",
                    "approved_at",
                )
            }
            for r in store.rows("drafts", "incident = ?", [ref], order_by="id")
        ],
        "timeline": [event_json(e) for e in events],
        "anchors": anchors.rows_for_export(store, ref),
        "chain": {
            "head": head,
            "events": len(events),
            "verified": problem is None,
            "problem": render(problem, lang) if problem else None,
        },
    }


TIMELINE_HEADER = (
    "seq", "at_utc", "actor", "kind", "phase", "step", "text", "link", "hash", "worded",
)  # fmt: skip
"""``text`` is the event's text as stored and hashed (the evidence); ``worded`` is how the
timeline shows it to a reader of the export's language (:func:`incidentbot.events.said`)."""


def worded(e: Mapping[str, Any], lang: str, tz: tzinfo) -> str:
    """An exported event's text as a reader of ``lang`` in ``tz`` reads it."""
    return said(
        e["kind"], e["text"], e["data"], lang, actor=e["actor"], when=lambda at: local_time(at, tz)
    )


def local_time(at: datetime, tz: tzinfo) -> str:
    """``2026-11-20 14:00 (UTC-05:00)``: the exports' local time, with its offset."""
    at = at.astimezone(tz)
    return at.strftime("%Y-%m-%d %H:%M") + f" (UTC{at.strftime('%z')[:3]}:{at.strftime('%z')[3:]})"


def csv_row(e: Mapping[str, Any], lang: str, tz: tzinfo) -> Sequence[Any]:
    """One event of the CSV export: the stored columns, then the worded text."""
    return (
        e["seq"],
        e["at"],
        e["actor"],
        e["kind"],
        e["phase"] or "",
        step if isinstance(step := (e["data"] or {}).get("step"), str) else "",
        e["text"],
        e["link"] or "",
        e["hash"],
        worded(e, lang, tz),
    )


def export(service: IncidentService, ref: str, fmt: str, *, lang: str, tz: tzinfo) -> str:
    data = export_data(service, ref, lang)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(TIMELINE_HEADER, (csv_row(e, lang, tz) for e in data["timeline"]))
    return export_markdown(data, lang=lang, tz=tz, rules=rules_worded(service, ref))


def md_cell(text: Any) -> str:
    """Table-cell-safe text: pipes escaped, newlines folded."""
    return str(text or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def value_label(kind: str, code: str, lang: str) -> str:
    """A stored code (``open``, ``very_high``, ``step_done``) as a reader of ``lang`` reads it.

    Every human view (Markdown, pages, the shell) shows words in both languages; the machine
    formats (CSV, JSON) keep the codes, and command hints name the codes commands take.
    """
    if not code:
        return code
    label = t(f"{kind}.{code}", lang, context="web")
    return code if label == f"{kind}.{code}" else label


def _yes_no(value: Any, lang: str) -> str:
    return t("field.yes" if value else "field.no", lang).lower()


def _score(value: Any, lang: str) -> str:
    if lang == "fr" and isinstance(value, int | float):
        return str(value).replace(".", ",")
    return str(value)


def rules_worded(service: IncidentService, ref: str) -> dict[str, Mapping[str, str]]:
    """The rule of each decision of the latest assessment in both languages.

    A stored decision keeps its rule in English (the evidence); the Markdown export words it
    again for its reader by deciding again from the stored inputs, and keeps only the rules
    that read today exactly as stored (a rule the method has since reworded stays English).
    """
    from incidentbot.service.assessment import jurisdictions_of

    row = service.latest_assessment(ref)
    if row is None:
        return {}
    stored = {d["jurisdiction"]: d["rule"] for d in json.loads(row["decisions"])}
    result = severity.assess(severity.Inputs.from_json(json.loads(row["inputs"])))
    decided = severity.decide(result, jurisdictions_of(service, service.incident(ref)))
    return {
        d.jurisdiction: dict(d.rule) for d in decided if stored.get(d.jurisdiction) == d.rule["en"]
    }


def export_markdown(
    data: Mapping[str, Any],
    *,
    lang: str,
    tz: tzinfo,
    rules: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    inc = data["incident"]

    def local(iso: str | None) -> str:
        return local_time(isoparse(iso), tz) if iso else "—"

    out = [f"# {inc['ref']} — {inc['title']}", ""]
    status = value_label("label", inc["status"], lang)
    severity = value_label("severity", inc["severity"], lang) if inc["severity"] else "—"
    facts = [
        ("reports.status", status),
        ("reports.playbook", inc["playbook"]),
        ("reports.lead", inc["lead"]),
        ("reports.severity", severity),
        ("reports.detected", local(inc["detected_at"])),
        ("reports.aware", local(inc["aware_at"])),
        ("reports.jurisdictions", ", ".join(inc["jurisdictions"]) or "—"),
        ("reports.declared_by", f"{inc['declared_by']}, {local(inc['declared_at'])}"),
    ]
    out += [t("reports.fact", lang, label=t(k, lang), value=md_cell(v)) for k, v in facts]
    if data["assessment"]:
        a = data["assessment"]
        band = value_label("severity", a["band"], lang) if a["band"] else a["band"]
        out += [
            "",
            t("reports.assessment", lang, version=a["version"]),
            "",
            t("reports.score", lang, score=_score(a["score"], lang), band=band),
        ]
        for d in a["decisions"]:
            rule = (rules or {}).get(d["jurisdiction"])
            out.append(
                t(
                    "reports.decision",
                    lang,
                    jurisdiction=d["jurisdiction"],
                    authority=_yes_no(d["authority"], lang),
                    persons=_yes_no(d["persons"], lang),
                    rule=md_cell(pick(rule, lang) if rule else d["rule"]),
                )
            )
    out += ["", t("reports.steps", lang), "", t("reports.steps_header", lang)]
    out.append("| --- | --- | --- | --- | --- | --- |")
    for s in data["steps"]:
        phase, status = (
            value_label("phase", s["phase"], lang),
            value_label("status", s["status"], lang),
        )
        out.append(
            f"| {s['id']} | {phase} | {status} | {md_cell(s['done_by'] or '')} | "
            f"{local(s['done_at']) if s['done_at'] else ''} | "
            f"{md_cell(step_note(s['id'], s['note'], lang))} |"
        )
    out += ["", t("reports.timeline", lang), "", t("reports.timeline_header", lang)]
    out.append("| --- | --- | --- | --- | --- |")
    for e in data["timeline"]:
        kind = kind_word(e["kind"], e["data"], lang)
        what = kind + (f" {e['data']['step']}" if e["data"].get("step") else "")
        out.append(
            f"| {e['seq']} | {local(e['at'])} | {md_cell(e['actor'])} | {md_cell(what)} | "
            f"{md_cell(worded(e, lang, tz))} |"
        )
    chain = data["chain"]
    state = "OK" if chain["verified"] else chain["problem"]
    out += ["", t("reports.chain", lang, state=state, head=chain["head"]), ""]
    return "\n".join(out)


def playbook_title(service: IncidentService, incident: Incident, lang: str) -> str:
    pb = service.catalogue.playbooks.get(incident.playbook)
    return pick(pb.title, lang) if pb else incident.playbook
