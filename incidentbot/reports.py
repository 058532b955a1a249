"""Exports of one incident (Markdown, CSV, JSON) and the register of all incidents.

The JSON export is the machine-readable record: the incident's facts, steps, the latest
assessment in DESIGN.md's shape, notifications, drafts and every timeline event with its chain
hashes. CSV opens cleanly in spreadsheet programs: UTF-8 with a BOM, and any cell that starts
like a formula (``= + - @``, tab, CR) is prefixed with ``'`` so it is shown, never computed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

from incidentbot.core.model import Incident, TimelineEvent, pick
from incidentbot.evidence import anchors

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


def _iso(at: datetime | None) -> str | None:
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
        "declared_at": _iso(incident.declared_at),
        "detected_at": _iso(incident.detected_at),
        "aware_at": _iso(incident.aware_at),
        "closed_at": _iso(incident.closed_at),
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
        "at": _iso(e.at),
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
    """A stored assessment in DESIGN.md's shape: inputs, score, band, decisions (+ method)."""
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


def export_data(service: Any, ref: str) -> dict[str, Any]:
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
                "due_at": _iso(s.due_at),
                "done_by": s.done_by,
                "done_at": _iso(s.done_at),
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
            "problem": problem,
        },
    }


TIMELINE_HEADER = ("seq", "at_utc", "actor", "kind", "phase", "step", "text", "link", "hash")


def export(service: Any, ref: str, fmt: str, *, lang: str, tz: tzinfo) -> str:
    data = export_data(service, ref)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(
            TIMELINE_HEADER,
            (
                (
                    e["seq"],
                    e["at"],
                    e["actor"],
                    e["kind"],
                    e["phase"] or "",
                    e["data"].get("step", ""),
                    e["text"],
                    e["link"] or "",
                    e["hash"],
                )
                for e in data["timeline"]
            ),
        )
    return export_markdown(data, lang=lang, tz=tz)


def _md(text: Any) -> str:
    """Table-cell-safe text: pipes escaped, newlines folded."""
    return str(text or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def export_markdown(data: Mapping[str, Any], *, lang: str, tz: tzinfo) -> str:
    inc = data["incident"]
    fr = lang == "fr"

    def local(iso: str | None) -> str:
        if not iso:
            return "—"
        at = isoparse(iso).astimezone(tz)
        return (
            at.strftime("%Y-%m-%d %H:%M") + f" (UTC{at.strftime('%z')[:3]}:{at.strftime('%z')[3:]})"
        )

    out = [f"# {inc['ref']} — {inc['title']}", ""]
    facts = [
        ("Statut" if fr else "Status", inc["status"]),
        ("Procédure" if fr else "Playbook", inc["playbook"]),
        ("Responsable" if fr else "Lead", inc["lead"]),
        ("Gravité" if fr else "Severity", inc["severity"] or "—"),
        ("Détecté" if fr else "Detected", local(inc["detected_at"])),
        ("Connu" if fr else "Aware", local(inc["aware_at"])),
        ("Juridictions" if fr else "Jurisdictions", ", ".join(inc["jurisdictions"]) or "—"),
        (
            "Déclaré par" if fr else "Declared by",
            f"{inc['declared_by']}, {local(inc['declared_at'])}",
        ),
    ]
    out += [f"- **{k}**: {_md(v)}" for k, v in facts]
    if data["assessment"]:
        a = data["assessment"]
        out += [
            "",
            "## " + ("Évaluation" if fr else "Assessment") + f" (v{a['version']})",
            "",
            f"- score {a['score']} ({a['band']})",
        ]
        for d in a["decisions"]:
            out.append(
                f"- {d['jurisdiction']}: authority={d['authority']} persons={d['persons']}"
                f" — {_md(d['rule'])}"
            )
    out += [
        "",
        "## " + ("Étapes" if fr else "Steps"),
        "",
        "| step | phase | status | by | at | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in data["steps"]:
        out.append(
            f"| {s['id']} | {s['phase']} | {s['status']} | {_md(s['done_by'] or '')} | "
            f"{local(s['done_at']) if s['done_at'] else ''} | {_md(s['note'])} |"
        )
    out += [
        "",
        "## " + ("Chronologie" if fr else "Timeline"),
        "",
        "| # | time | actor | kind | text |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in data["timeline"]:
        what = e["kind"] + (f" {e['data']['step']}" if e["data"].get("step") else "")
        out.append(
            f"| {e['seq']} | {local(e['at'])} | {_md(e['actor'])} | {_md(what)} | {_md(e['text'])} |"
        )
    chain = data["chain"]
    out += [
        "",
        ("Chaîne de hachage" if fr else "Hash chain")
        + f": {'OK' if chain['verified'] else chain['problem']}; head `{chain['head']}`",
        "",
    ]
    return "\n".join(out)


# -- register -------------------------------------------------------------------------------

REGISTER_HEADER = (
    "ref", "title", "status", "playbook", "jurisdictions", "detected_at", "aware_at",
    "breach_kinds", "data_categories", "persons", "records", "severity_band", "severity_score",
    "risk_reasoning", "decisions", "authority_notified", "persons_notified", "delay_reasons",
    "measures", "closed_at", "keep_until",
)  # fmt: skip


def register_rows(service: Any) -> list[dict[str, Any]]:
    """One row per incident, notified or not (GDPR Art. 33(5); Québec Reg. s. 7; PIPEDA s. 10.3)."""
    rows = []
    for inc in service.store.incidents():
        a = assessment_json(service.latest_assessment(inc.ref))
        inputs = (a or {}).get("inputs") or {}
        kinds = [
            k
            for k in ("confidentiality", "integrity", "availability")
            if inputs.get(k) not in (None, "none")
        ]
        notes = service.store.rows("notifications", "incident = ?", [inc.ref], order_by="id")
        months = [
            service.catalogue.jurisdictions[j].register_retention_months
            for j in inc.jurisdictions
            if j in service.catalogue.jurisdictions
        ] or [60]
        start = inc.aware_at or inc.detected_at or inc.declared_at
        measures = [
            f"{s.id}: {s.note}" if s.note else s.id
            for s in service.store.steps(inc.ref)
            if s.status.value == "done"
        ]
        rows.append(
            {
                "ref": inc.ref,
                "title": inc.title,
                "status": inc.status.value,
                "playbook": inc.playbook,
                "jurisdictions": ",".join(inc.jurisdictions),
                "detected_at": _iso(inc.detected_at),
                "aware_at": _iso(inc.aware_at),
                "breach_kinds": ",".join(kinds) if a else "not assessed",
                "data_categories": ",".join(inputs.get("data") or []),
                "persons": inputs.get("persons"),
                "records": inputs.get("records"),
                "severity_band": (a or {}).get("band")
                or (inc.severity.value if inc.severity else None),
                "severity_score": (a or {}).get("score"),
                "risk_reasoning": ((a or {}).get("method") or {}).get("explain", ""),
                "decisions": "; ".join(
                    f"{d['jurisdiction']}: {'notify authority' if d['authority'] else 'document only'}"
                    f"{' + persons' if d['persons'] else ''}"
                    f"{' (override: ' + d['override']['reason'] + ')' if d.get('override') else ''}"
                    for d in (a or {}).get("decisions", [])
                )
                or "not assessed",
                "authority_notified": "; ".join(
                    f"{n['jurisdiction']} {n['notified_at']} {n['reference'] or ''}".strip()
                    for n in notes
                    if n["audience"] == "authority"
                ),
                "persons_notified": "; ".join(
                    f"{n['jurisdiction']} {n['notified_at']}"
                    for n in notes
                    if n["audience"] == "persons"
                ),
                "delay_reasons": "; ".join(
                    n["delay_reasons"] for n in notes if n.get("delay_reasons")
                ),
                "measures": "; ".join(measures),
                "closed_at": _iso(inc.closed_at),
                "keep_until": (start + relativedelta(months=max(months))).date().isoformat(),
            }
        )
    return rows


def register_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    return to_csv(REGISTER_HEADER, ([r.get(k) for k in REGISTER_HEADER] for r in rows))


def register_markdown(rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    title = (
        "Registre des incidents de confidentialité"
        if lang == "fr"
        else "Register of personal-data breaches"
    )
    cols = (
        "ref",
        "title",
        "status",
        "aware_at",
        "data_categories",
        "persons",
        "severity_band",
        "decisions",
        "authority_notified",
        "keep_until",
    )
    out = [f"# {title}", "", "| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    out += ["| " + " | ".join(_md(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


def playbook_title(service: Any, incident: Incident, lang: str) -> str:
    pb = service.catalogue.playbooks.get(incident.playbook)
    return pick(pb.title, lang) if pb else incident.playbook
